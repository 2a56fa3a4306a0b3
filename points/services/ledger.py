"""The one way a single entry is written: an Entry row and its lot's balance, together.

Batch jobs (accrual, expiry) write the same two things set-based in SQL; everything at the
counter goes through ``entry_post`` under the account lock of ``account_lock``.

CUST-6 / CUST-7: lots and entries hang on the customer row, which membership keeps through an
ownership transfer, a number change or a cross-region move, so the whole structure (total,
annual and redeemed consumption points, redeemable balance, lots) moves 1:1 with no copy.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from membership.models import Customer
from points.models import Entry, Lot


def account_lock(*customers: Customer) -> list[Customer]:
    """Lock the customers' rows (the points account mutex), in primary-key order so that two
    transfers in opposite directions cannot deadlock; returns fresh rows in argument order.

    On PostgreSQL a second clerk working on the same account waits here until the first
    commits, then sees the balances and status the first left (POINTS-7 concurrency).
    """
    ids = sorted({c.pk for c in customers})
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    return [locked[c.pk] for c in customers]


def lots_holding(customer: Customer) -> QuerySet[Lot]:
    """POINTS-5: the customer's lots holding points, oldest year first (within a year the
    expiring lot before the exempt one): the order they are consumed in."""
    return Lot.objects.filter(customer=customer, balance__gt=0).order_by("year", "exempt", "id")


def lots_for_update(customer: Customer) -> list[Lot]:
    """POINTS-5: ``lots_holding``, locked."""
    return list(lots_holding(customer).select_for_update())


def lot_get_or_create(*, customer: Customer, year: int, exempt: bool) -> Lot:
    lot, _created = Lot.objects.get_or_create(customer=customer, year=year, exempt=exempt)
    return lot


def entry_post(
    *,
    customer: Customer,
    lot: Lot,
    kind: str,
    amount: int,
    booked_on: date | None = None,
    actor: Any = None,
    note: str = "",
    **cause: Any,
) -> Entry:
    """POINTS-11: append one entry and move its lot's balance by ``amount``.

    The balance moves with a conditional UPDATE, so a debit larger than the lot holds
    is refused even if a caller forgot the lock (and the CHECK constraint backs that).
    """
    lots = Lot.objects.filter(pk=lot.pk)
    if amount < 0:
        lots = lots.filter(balance__gte=-amount)
    if lots.update(balance=F("balance") + amount) != 1:
        raise DomainError(_("Not enough points in the lot of %(year)s.") % {"year": lot.year})
    lot.balance += amount
    return Entry.objects.create(
        customer=customer,
        lot=lot,
        year=lot.year,
        kind=kind,
        amount=amount,
        booked_on=booked_on or clock.today(),
        actor=recorded_actor(actor),
        note=note,
        created_at=clock.now(),
        **cause,
    )


def take_oldest_first(lots: list[Lot], points: int) -> list[tuple[Lot, int]]:
    """POINTS-5: how many points to take from each lot, oldest first (先产生的积分先消费)."""
    plan: list[tuple[Lot, int]] = []
    left = points
    for lot in lots:
        if left <= 0:
            break
        take = min(lot.balance, left)
        if take > 0:
            plan.append((lot, take))
            left -= take
    return plan
