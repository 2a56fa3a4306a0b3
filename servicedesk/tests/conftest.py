"""Helpers of the servicedesk tests: give a customer a level, a segment, stars."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from conftest import instant
from core.dates import add_months, month_start
from membership.models import Customer, GrantSource, SnapshotList, SnapshotMember
from membership.services.customers import customer_set_status
from membership.services.grants import grant_create
from tests.builders import make_customer
from tests.factories import BillFactory, CreditRatingFactory

ON = date(2026, 3, 18)  # a Wednesday; the tests' "today" unless they say otherwise


def give_level(
    customer: Customer,
    level: str,
    *,
    limited: bool = False,
    valid_from: date = date(2020, 1, 1),
    valid_until: date | None = None,
) -> Any:
    return grant_create(
        customer=customer,
        level=level,
        source=GrantSource.UPGRADE if limited else GrantSource.ANNUAL,
        valid_from=valid_from,
        valid_until=valid_until,
        limited=limited,
        reason="test",
    )


def put_on_snapshot(
    customer: Customer, *, important: bool = False, taken_on: date = date(2026, 1, 1)
) -> None:
    snapshot, _ = SnapshotList.objects.get_or_create(taken_on=taken_on, defaults={"name": "拍照"})
    SnapshotMember.objects.create(snapshot=snapshot, customer=customer, important=important)


def spend(customer: Customer, total: str, *, on: date = ON, months: int = 3) -> None:
    """Bills of ``total`` yuan in each of the ``months`` full months before ``on``."""
    for back in range(1, months + 1):
        BillFactory(
            customer=customer, month=add_months(month_start(on), -back), total=Decimal(total)
        )


def rate_stars(customer: Customer, stars: int, *, month: date = date(2026, 2, 1)) -> None:
    CreditRatingFactory(customer=customer, month=month, stars=stars, score=stars * 100)


def suspend_for_arrears(customer: Customer, when: str) -> Customer:
    """A new arrears suspension recorded at ``when`` (Asia/Shanghai) through the CUST-4
    service, the line switched back on first if it is suspended: what opens a new
    emergency reactivation allowance (SERVICE-3, D-DESK-13). Returns the line as it is now."""
    with time_machine.travel(instant(when), tick=False):
        customer.refresh_from_db()
        if customer.status != "active":
            customer_set_status(customer=customer, status="active")
        customer_set_status(customer=customer, status="suspended", reason="arrears")
    customer.refresh_from_db()
    return customer


@pytest.fixture
def customer(db: Any) -> Customer:
    return make_customer(msisdn="13812349001", brand="gotone")
