"""CUST-11: the points ledger on the member timeline — one entry per movement (a month's
accrual, a redemption, a transfer, an expiry), newest first, the other party of a transfer
masked (CUST-8), and a page that reads no more for 500 months of history than for 50."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import SHANGHAI, instant
from membership.extensions import TIMELINE_POINTS
from membership.selectors.timeline import timeline_entries
from points.models import Entry, EntryKind
from points.services import redemption_create, transfer_create, transfer_recipient_register
from points.services.ledger import entry_post, lot_get_or_create
from points.tests.builders import earn, make_customer, make_item
from points.timeline import points_timeline

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25")]


def _points(customer: Any, user: Any) -> list[Any]:
    return [
        e
        for e in timeline_entries(customer, user=user, kinds=[TIMELINE_POINTS], limit=None)
        if e.kind == TIMELINE_POINTS
    ]


def test_cust_11_points_movements_newest_first_one_entry_each(clerk: Any) -> None:
    sender = make_customer(msisdn="13900000001", joined_on=date(2020, 1, 1))
    recipient = make_customer(msisdn="13900000002", name="李四五", joined_on=date(2024, 1, 1))
    transfer_recipient_register(sender=sender, recipient=recipient)
    with time_machine.travel(instant("2026-03-05 02:00"), tick=False):
        earn(sender, 2025, 300, month=12)
        earn(sender, 2026, 400, month=2)
        # The brand reward of February is part of February's accrual: one entry.
        entry_post(
            customer=sender,
            lot=lot_get_or_create(customer=sender, year=2026, exempt=False),
            kind=EntryKind.REWARD_BRAND,
            amount=40,
            month=date(2026, 2, 1),
            booked_on=date(2026, 2, 28),
        )
    with time_machine.travel(instant("2026-05-10 10:00"), tick=False):
        # 350 points from two lots (2025 then 2026): one entry.
        redemption_create(
            customer=sender,
            item=make_item(name="30元话费", points_price=350),
            actor=clerk,
            today=date(2026, 5, 10),
        )
    with time_machine.travel(instant("2026-06-10 10:00"), tick=False):
        transfer_create(
            sender=sender, recipient=recipient, points=50, actor=clerk, today=date(2026, 6, 10)
        )

    entries = _points(sender, clerk)
    titles = [e.title for e in entries]
    assert len(titles) == 4
    assert titles[0] == "50 points given to 13900000002 李**"  # CUST-8: the name masked
    assert titles[1] == "350 points redeemed for 30元话费"
    assert titles[2] == "440 points earned for 2026-02"
    assert titles[3] == "300 points earned for 2025-12"
    assert [e.rule for e in entries] == ["POINTS-8", "POINTS-7", "POINTS-4", "POINTS-4"]
    assert entries[1].actor == "王芳"
    assert entries[2].actor == ""
    assert all("李四五" not in e.title + e.detail for e in entries)
    assert entries[0].link == reverse("points:account", args=["13900000001"])

    received = _points(recipient, clerk)
    assert [e.title for e in received] == ["50 points received from 13900000001 张*"]


def test_cust_11_an_expiry_is_one_entry(clerk: Any) -> None:
    customer = make_customer(msisdn="13900000001")
    with time_machine.travel(instant("2025-03-05 02:00"), tick=False):
        earn(customer, 2024, 120, month=3)
        earn(customer, 2024, 30, exempt=False, month=4)
    with time_machine.travel(instant("2026-01-01 01:00"), tick=False):
        lot = lot_get_or_create(customer=customer, year=2024, exempt=False)
        entry_post(customer=customer, lot=lot, kind=EntryKind.EXPIRY, amount=-150)
    newest = _points(customer, clerk)[0]
    assert newest.title == "150 points expired"
    assert newest.rule == "POINTS-6"


def _months(customer: Any, count: int) -> None:
    """``count`` monthly accruals back from 2026-10, written in one go."""
    lot = lot_get_or_create(customer=customer, year=2026, exempt=False)
    first = datetime(2026, 11, 5, 2, 0, tzinfo=SHANGHAI)
    done = Entry.objects.filter(customer=customer).count()
    rows = []
    for n in range(done, done + count):
        year, month = divmod(2026 * 12 + 9 - n, 12)
        rows.append(
            Entry(
                customer=customer,
                lot=lot,
                year=2026,
                kind=EntryKind.ACCRUAL,
                amount=10,
                month=date(year, month + 1, 1),
                booked_on=date(year, month + 1, 28),
                created_at=first - timedelta(days=30 * n),
            )
        )
    Entry.objects.bulk_create(rows)


def test_cust_11_a_points_page_reads_the_same_for_50_or_500_months(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn="13900000001")

    def page_one() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = points_timeline(customer, user=clerk, kinds={TIMELINE_POINTS}, limit=26)
        return len(queries), len(found)

    _months(customer, 50)
    page_one()  # the user's roles are read once and kept on the user
    small = page_one()
    _months(customer, 450)
    large = page_one()
    assert small == large == (small[0], 26)
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("membership:customer_timeline", args=["13900000001"]),
            {"kind": [TIMELINE_POINTS]},
        )
    page = response.context["page"]
    assert len(page.entries) == 25
    assert page.has_next
    assert page.entries[0].title == "10 points earned for 2026-10"
    ledger = [q["sql"] for q in queries.captured_queries if "points_entry" in q["sql"]]
    assert ledger
    assert all("LIMIT 26" in sql for sql in ledger)
