"""CUST-11 / D-CUST-11: the member timeline — membership's own entries (grants, status
changes, number changes), the merge newest first, pages, the kind filter, the CSV, who may
open it, and a page's queries that do not grow with the customer's history."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import SHANGHAI, instant
from membership.extensions import (
    TIMELINE_LEVEL,
    TIMELINE_LINE,
    TIMELINE_STATUS,
    TimelineEntry,
    register_timeline_source,
    timeline_sources,
)
from membership.models import Customer, GrantEvent, GrantSource, Status, StatusChange
from membership.selectors.timeline import timeline_entries, timeline_page
from membership.services.grants import grant_create, grant_end
from membership.services.lifecycle import customer_change_number
from tests.builders import make_customer, make_status_change

pytestmark = pytest.mark.django_db

NUMBER = "13900000001"


def _timeline(msisdn: str = NUMBER) -> str:
    return reverse("membership:customer_timeline", args=[msisdn])


def _history(clerk: Any) -> Customer:
    """A grant (2024-02-01), its end (2025-01-31), a suspension (2025-03-01) and a number
    change (2025-06-01), each done at its day."""
    customer = make_customer(msisdn=NUMBER)
    with time_machine.travel(instant("2024-02-01 09:00"), tick=False):
        grant = grant_create(
            customer=customer,
            level="gold",
            source=GrantSource.ANNUAL,
            valid_from=date(2024, 2, 1),
            valid_until=date(2025, 1, 31),
            actor=clerk,
        )
    with time_machine.travel(instant("2024-12-20 09:00"), tick=False):
        grant_end(grant=grant, last_day=date(2024, 12, 31), actor=clerk, reason="left GoTone")
    make_status_change(
        customer=customer,
        from_status=Status.ACTIVE,
        to_status=Status.SUSPENDED,
        changed_at=datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI),
        actor=clerk,
    )
    with time_machine.travel(instant("2025-06-01 09:00"), tick=False):
        customer_change_number(customer=customer, new_msisdn="13900000002", actor=clerk)
    customer.refresh_from_db()
    return customer


def test_cust_11_membership_entries_of_each_kind_newest_first(clerk: Any) -> None:
    customer = _history(clerk)
    entries = list(timeline_entries(customer, user=clerk, limit=None))
    kinds = [e.kind for e in entries if e.key.startswith("membership.")]
    assert kinds == [TIMELINE_LINE, TIMELINE_STATUS, TIMELINE_LEVEL, TIMELINE_LEVEL]
    ats = [e.at for e in entries]
    assert ats == sorted(ats, reverse=True)
    line, status, ended, granted = entries[:4]
    assert line.title == "Number changed"
    assert "13900000001" in line.detail
    assert "13900000002" in line.detail
    assert status.title == "Status changed from Active to Suspended"
    assert status.rule == "CUST-4"
    assert ended.title.startswith("Level Gold")
    assert "ended" in ended.title
    assert "left GoTone" in ended.detail
    assert "granted" in granted.title
    assert "2024-02-01" in granted.detail
    assert granted.actor == "王芳"


def test_cust_11_the_card_shows_the_newest_five_and_links_the_full_timeline(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn=NUMBER)
    for day in range(1, 8):
        make_status_change(
            customer=customer, changed_at=datetime(2025, 5, day, 9, 0, tzinfo=SHANGHAI)
        )
    client.force_login(clerk)
    response = client.get(reverse("membership:customer_card", args=[NUMBER]))
    assert response.status_code == 200
    shown = response.context["timeline"]
    assert len(shown) == 5
    assert shown[0].at == datetime(2025, 5, 7, 9, 0, tzinfo=SHANGHAI)
    body = response.content.decode()
    assert 'data-testid="card-timeline"' in body
    assert f'href="{_timeline()}"' in body


def test_cust_11_the_card_says_full_timeline_in_chinese(client: Client, clerk: Any) -> None:
    make_customer(msisdn=NUMBER)
    client.force_login(clerk)
    body = client.get(
        reverse("membership:customer_card", args=[NUMBER]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "完整时间线" in body


def _status_history(customer: Customer, count: int) -> None:
    """``count`` status changes, one a day back from 2026-01-01, written in one go."""
    start = datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI)
    StatusChange.objects.bulk_create(
        StatusChange(
            customer=customer,
            from_status=Status.ACTIVE,
            to_status=Status.SUSPENDED,
            changed_at=start - timedelta(days=n),
        )
        for n in range(count)
    )


def test_cust_11_pages_of_25_newest_first_without_gaps_or_repeats(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn=NUMBER)
    _status_history(customer, 60)
    client.force_login(clerk)
    seen: list[TimelineEntry] = []
    for number in (1, 2, 3):
        page = client.get(_timeline(), {"page": number}).context["page"]
        assert page.number == number
        assert page.has_previous == (number > 1)
        assert page.has_next == (number < 3)
        seen.extend(page.entries)
    assert [len(p) for p in (seen[:25], seen[25:50], seen[50:])] == [25, 25, 10]
    assert len({e.key for e in seen}) == 60
    assert [e.at for e in seen] == sorted((e.at for e in seen), reverse=True)
    # A page past the end is empty, not an error; a page that is not a number is the first.
    assert client.get(_timeline(), {"page": 9}).context["page"].entries == []
    assert client.get(_timeline(), {"page": "x"}).context["page"].number == 1


def test_cust_11_the_kind_filter_keeps_only_the_kinds_ticked(client: Client, clerk: Any) -> None:
    customer = _history(clerk)
    client.force_login(clerk)
    response = client.get(_timeline(customer.msisdn), {"kind": [TIMELINE_LEVEL]})
    entries = response.context["page"].entries
    assert [e.kind for e in entries] == [TIMELINE_LEVEL, TIMELINE_LEVEL]
    body = response.content.decode()
    assert re.search(r'value="level"[^>]*checked', body)
    assert not re.search(r'value="points"[^>]*checked', body)
    # The pages keep the filter.
    assert response.context["query"] == "kind=level"
    # An unknown kind is a form error and shows everything rather than nothing.
    response = client.get(_timeline(customer.msisdn), {"kind": ["nonsense"]})
    assert response.context["form"].errors["kind"]
    assert len(response.context["page"].entries) == 4


def test_cust_11_csv_of_the_filtered_timeline_is_audited(
    client: Client, clerk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    customer = _history(clerk)
    client.force_login(clerk)
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = client.get(
            _timeline(customer.msisdn), {"kind": [TIMELINE_STATUS], "format": "csv"}
        )
        stream = cast(Iterator[bytes], response.streaming_content)  # type: ignore[attr-defined]
        body = b"".join(stream).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0] == "When,Kind,What,Details,By,Rule"
    assert len(lines) == 2
    assert "Status changed from Active to Suspended" in lines[1]
    assert "CUST-4" in lines[1]
    logged = [r.getMessage() for r in caplog.records if r.name == "core.audit"]
    assert any("list=timeline-13900000002" in line and "rows=1" in line for line in logged)


def test_cust_11_every_staff_role_opens_it_like_the_card_and_nobody_else(
    client: Client, personas: dict[str, Any]
) -> None:
    """Access is the card's (``customer_for_user``, ANY_STAFF)."""
    make_customer(msisdn=NUMBER)
    expected = {
        "counter_clerk": 200,
        "account_manager": 200,
        "supervisor": 200,
        "superuser": 200,
        "outsider": 403,
    }
    for role, status in expected.items():
        client.force_login(personas[role])
        assert client.get(_timeline()).status_code == status, role
    client.logout()
    assert client.get(_timeline()).status_code == 302  # to the login page
    client.force_login(personas["counter_clerk"])
    assert client.get(_timeline("13900000999")).status_code == 404
    assert client.get(_timeline("12345")).status_code == 404


def test_cust_11_a_source_sees_the_user_and_the_kinds_asked(clerk: Any) -> None:
    customer = make_customer(msisdn=NUMBER)
    calls: list[tuple[Any, frozenset[str], int | None]] = []

    def probe(c: Customer, *, user: Any, kinds: Any, limit: int | None) -> list[TimelineEntry]:
        calls.append((user, frozenset(kinds), limit))
        return []

    register_timeline_source(key="zz-probe", kinds=(TIMELINE_LEVEL,), entries=probe)
    try:
        timeline_page(customer, user=clerk, page=2, size=10, kinds=[TIMELINE_LEVEL])
        timeline_page(customer, user=clerk, page=1, size=10, kinds=[TIMELINE_STATUS])
    finally:
        from membership.extensions import TIMELINE_SOURCES

        del TIMELINE_SOURCES["zz-probe"]
    # Page 2 of 10 reads at most 21 entries of each source; a kind it lacks is not asked.
    assert calls == [(clerk, frozenset({TIMELINE_LEVEL}), 21)]
    assert "zz-probe" not in [s.key for s in timeline_sources()]


def test_cust_11_an_unknown_kind_cannot_be_registered() -> None:
    with pytest.raises(ValueError, match="unknown timeline kinds"):
        register_timeline_source(key="bad", kinds=("gossip",), entries=lambda *a, **k: [])


def _page_queries(client: Client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_timeline())
    return len(queries), len(response.context["page"].entries)


def test_cust_11_a_page_costs_the_same_queries_for_50_or_500_entries(
    client: Client, clerk: Any
) -> None:
    """D-CUST-11: each source reads ``page × size + 1`` rows at most (LIMIT), so a long
    history costs page 1 no more queries, and no more rows, than a short one."""
    customer = make_customer(msisdn=NUMBER)
    grant = grant_create(
        customer=customer, level="silver", source=GrantSource.ANNUAL, valid_from=date(2016, 2, 1)
    )
    client.force_login(clerk)

    def grow(count: int) -> None:
        _status_history(customer, count // 2)
        GrantEvent.objects.bulk_create(
            GrantEvent(
                grant=grant,
                action=GrantEvent.Action.GRANTED,
                at=datetime(2016, 1, 1, 9, 0, tzinfo=SHANGHAI) + timedelta(days=n),
            )
            for n in range(count // 2)
        )

    grow(50)
    small, shown_small = _page_queries(client)
    grow(450)
    large, shown_large = _page_queries(client)
    assert shown_small == shown_large == 25
    assert large == small
    with CaptureQueriesContext(connection) as queries:
        page = timeline_page(customer, user=clerk, size=25)
    assert len(page.entries) == 25
    assert page.has_next
    # Every query of the page that reads history has a LIMIT (no whole-history read).
    history = [q["sql"] for q in queries.captured_queries if "membership_statuschange" in q["sql"]]
    assert history
    assert all("LIMIT 26" in sql for sql in history)
