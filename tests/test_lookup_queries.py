"""The counter lookup and the customer's cards run a fixed number of queries.

``GET /api/customers/{msisdn}/`` (docs/interfaces.md), the desk card a counter clerk opens from
the desk's phone-number lookup (/desk/ → /desk/customer/{msisdn}/) and the full customer
card (/customers/ → /customers/{msisdn}/) are pinned at a query count that stays the same
when the customer has years of bills, grants, ratings, points entries and requests, and
when the province has many more customers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membership.models import Bill, CreditRating, GrantSource, LevelGrant, StatusChange
from membership.services.grants import grant_create
from plans.models import Plan
from points.models import Entry, EntryKind
from points.services.ledger import lot_get_or_create
from servicedesk.models import RequestKind, ServiceRequest
from tests.builders import make_bill, make_customer, make_group, make_snapshot
from tests.factories import RewardItemFactory, points_earned
from tests.scale import Anchors, grow_province

TODAY = date(2026, 11, 25)
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]

# session, user, roles, customer; grants (TIER-2), latest rating (CREDIT-5), points
# (POINTS-5, one aggregate), the personal account manager on the day (SERVICE-8)
API_QUERIES = 8
# session, user, roles, customer; plan panel (current and pending: one); points panel
# (lots, POINTS-5/6: one); standing (grants; CUST-5 spend and snapshot with the stars:
# two); entitlements and the usage counters (SERVICE-2); the holiday opt-out (SERVICE-5)
# with the delayed suspension (SERVICE-10), one; the birthday minutes (SERVICE-9); open and
# recently closed requests; the latest club-event sign-ups (SERVICE-13); the personal
# account manager panel (SERVICE-8); the visit box (D-DESK-20): the customer's ticket of
# today in the clerk's hall, or — before a hall is chosen — the open halls of the chooser:
# one either way (the hall itself is remembered in the session)
DESK_CARD_QUERIES = 17
# as the desk card's panels, less the opt-out and the closed requests, plus the level's
# grants, the two years of consumption (TIER-3, one aggregate), the rating and the
# status changes (CUST-4); the personal manager panel (SERVICE-8); and the newest entries of the member timeline (CUST-11,
# D-CUST-11: one LIMITed query per kind of record: grant events, status changes, line
# events, points entries, request moves, tickets served, birthday waivers, plan moves —
# a clerk sees no key-account contacts, so those cost nothing)
CUSTOMER_CARD_QUERIES = 24


def _pages(msisdn: str) -> dict[str, tuple[str, int]]:
    return {
        "api": (reverse("api:customer-detail", kwargs={"msisdn": msisdn}), API_QUERIES),
        "desk card": (
            reverse("servicedesk:desk_card", kwargs={"msisdn": msisdn}),
            DESK_CARD_QUERIES,
        ),
        "customer card": (
            reverse("membership:customer_card", kwargs={"msisdn": msisdn}),
            CUSTOMER_CARD_QUERIES,
        ),
    }


def _assert_pinned(client: Client, msisdn: str, django_assert_num_queries: Any) -> None:
    for url, queries in _pages(msisdn).values():
        assert client.get(url).status_code == 200  # warm: content types, permissions
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def _years_of_history(customer: Any) -> None:
    """Three years of monthly bills, ratings and accruals, ended and open grants, requests
    and status changes: everything a line piles up."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    months = [date(2023 + n // 12, n % 12 + 1, 1) for n in range(35)]
    Bill.objects.bulk_create(
        [Bill(customer=customer, month=m, total=Decimal("188.00")) for m in months]
    )
    CreditRating.objects.bulk_create(
        [CreditRating(customer=customer, month=m, score=400, stars=4) for m in months]
    )
    for year in (2023, 2024, 2025):
        LevelGrant.objects.create(
            customer=customer,
            level="silver",
            rank=2,
            source=GrantSource.ANNUAL,
            valid_from=date(year, 2, 1),
            valid_until=date(year + 1, 1, 31),
        )
    lots = {
        year: lot_get_or_create(customer=customer, year=year, exempt=False)
        for year in (2024, 2025, 2026)
    }
    Entry.objects.bulk_create(
        [
            Entry(
                customer=customer,
                lot=lots[m.year],
                year=m.year,
                kind=EntryKind.ACCRUAL,
                amount=188,
                month=m,
                booked_on=m + timedelta(days=27),
                created_at=now,
            )
            for m in months
            if m.year in lots
        ]
    )
    ServiceRequest.objects.bulk_create(
        [
            ServiceRequest(
                customer=customer,
                kind=RequestKind.COMPLAINT,
                status="done" if n % 4 else "open",
                subject="信号弱",
                created_at=now - timedelta(days=n),
            )
            for n in range(20)
        ]
    )
    StatusChange.objects.bulk_create(
        [
            StatusChange(customer=customer, to_status="active", changed_at=now - timedelta(days=n))
            for n in range(12)
        ]
    )


def test_the_counter_lookup_and_the_cards_run_the_same_queries_whatever_the_history(
    client: Client, clerk: Any, django_assert_num_queries: Any
) -> None:
    customer = make_customer(msisdn="13900000001")
    make_bill(customer=customer, month=date(2026, 10, 1))
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )
    CreditRating.objects.create(customer=customer, month=date(2026, 10, 1), score=350, stars=3)
    points_earned(customer, 2026, 500)
    client.force_login(clerk)
    _assert_pinned(client, customer.msisdn, django_assert_num_queries)

    _years_of_history(customer)
    group = make_group()
    grow_province(
        count=400,
        start=0,
        on=TODAY,
        anchors=Anchors(
            group=group,
            snapshot=make_snapshot(taken_on=date(2026, 1, 1)),
            plan=Plan.objects.filter(active=True).order_by("pk")[0],
            item=RewardItemFactory.create(),
            manager=group.account_manager,
        ),
    )

    _assert_pinned(client, customer.msisdn, django_assert_num_queries)


def test_the_counter_lookup_keeps_its_contract_with_a_long_history(
    client: Client, clerk: Any
) -> None:
    """docs/interfaces.md: every field and value of the document, the grants valid on the day
    winning one first (TIER-2), the latest rating (CREDIT-5) and the points derived from
    the entries booked by then (POINTS-5), with years of history behind them."""
    customer = make_customer(msisdn="13900000001")
    _years_of_history(customer)
    grant_create(
        customer=customer,
        level="platinum",
        source=GrantSource.PLAN,
        valid_from=date(2026, 5, 1),
    )
    client.force_login(clerk)

    body = client.get("/api/customers/13900000001/", {"on": "2025-06-30"}).json()

    assert body == {
        "msisdn": "13900000001",
        "brand": "gotone",
        "status": "active",
        "tier": "silver",
        "tier_grants": [
            {
                "level": "silver",
                "source": "annual",
                "valid_from": "2025-02-01",
                "valid_until": "2026-01-31",
            }
        ],
        "points": {
            "redeemable": 188 * 18,  # 2024's 12 months, 2025's 6 booked by 30 June
            "redeemed": 0,
            "total_consumption": 188 * 18,
            "annual_consumption": {"2024": 188 * 12, "2025": 188 * 6},
            "frozen": False,
        },
        "credit": {"month": "2025-11", "score": 400, "stars": 4},
        "personal_manager": None,  # added by keyaccounts (SERVICE-8): none assigned
    }
