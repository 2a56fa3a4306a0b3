"""Reads of the points ledger: balances derived from entries, lots, reminders, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from core.dates import month_start
from core.programme import programme
from membership.models import Brand, Customer, Status
from points.models import (
    Entry,
    EntryKind,
    Lot,
    Redemption,
    RewardItem,
    Transfer,
    TransferRecipient,
)

# POINTS-9: a suspension (any reason) or a pending cancellation freezes the account.
FROZEN_STATUSES: frozenset[str] = frozenset({Status.SUSPENDED, Status.PRE_CANCEL})

# POINTS-1/5: the entries that count as consumption points (the bill part, with corrections).
CONSUMPTION_Q = Q(kind=EntryKind.ACCRUAL) | Q(kind=EntryKind.CORRECTION, corrects=EntryKind.ACCRUAL)
# POINTS-5: redeemed points 已兑换积分 = redemptions net of cancelled ones.
REDEEMED_KINDS: tuple[str, ...] = (EntryKind.REDEMPTION, EntryKind.REDEMPTION_CANCEL)
REDEEMED_Q = Q(kind__in=REDEEMED_KINDS)


def is_consumption(kind: str, corrects: str) -> bool:
    """``CONSUMPTION_Q`` for one entry's kind (and what it corrects), in Python."""
    return kind == EntryKind.ACCRUAL or (
        kind == EntryKind.CORRECTION and corrects == EntryKind.ACCRUAL
    )


def account_frozen(customer: Customer) -> bool:
    """POINTS-9: derived from the status, never stored, so it follows every status change."""
    return customer.status in FROZEN_STATUSES


def easyown_start() -> date:
    return date.fromisoformat(programme("POINTS_EASYOWN_START"))


def accrual_start(customer: Customer) -> date | None:
    """POINTS-3: the first month (its first day) whose bill earns points, or None (not yet).

    gotone and mzone: the join month. easyown (Decision D-POINTS-2): registered before
    January 2012 → January 2012; joined in or after January 2012 → the join month, once
    registered; joined before and registered later → the month of registration.
    """
    joined = month_start(customer.joined_on)
    if customer.brand != Brand.EASYOWN:
        return joined
    registered = customer.real_name_registered_on
    if registered is None:
        return None
    start = easyown_start()
    if customer.joined_on >= start:
        return joined
    if registered < start:
        return max(start, joined)
    return month_start(registered)


def lot_expires_on(year: int, exempt: bool) -> date | None:
    """POINTS-6: points earned in Y stay valid until 31 December of Y+2; easyown never."""
    if exempt:
        return None
    return date(year + int(programme("POINTS_VALID_YEARS")), 12, 31)


def last_expired_year(on: date) -> int:
    """The newest earning year whose points are no longer valid on ``on``."""
    return on.year - int(programme("POINTS_VALID_YEARS")) - 1


@dataclass(frozen=True)
class Balances:
    """POINTS-5: the balances shown for an account, all derived from its entries."""

    redeemable: int
    redeemed: int
    total_consumption: int
    annual_consumption: dict[int, int] = field(default_factory=dict)
    frozen: bool = False

    def as_api(self) -> dict[str, Any]:
        """The ``points`` block of the customer API (docs/interfaces.md)."""
        return {
            "redeemable": self.redeemable,
            "redeemed": self.redeemed,
            "total_consumption": self.total_consumption,
            "annual_consumption": {str(y): n for y, n in sorted(self.annual_consumption.items())},
            "frozen": self.frozen,
        }


def balances(customer: Customer, on: date | None = None) -> Balances:
    """POINTS-5/11: balances from the entries booked on or before ``on`` (all when None).

    One aggregate query on the ``(customer, booked_on)`` index, a row per lot year and kind
    of entry (a few dozen at most, whatever the number of entries); the balances are sums
    of those rows (``REDEEMED_KINDS`` and ``is_consumption`` say which, as the Q objects
    above do in SQL)."""
    entries = Entry.objects.filter(customer=customer)
    if on is not None:
        entries = entries.filter(booked_on__lte=on)
    rows = entries.values_list("year", "kind", "corrects").annotate(points=Sum("amount")).order_by()
    redeemable = redeemed = consumption = 0
    annual: dict[int, int] = {}
    for year, kind, corrects, points in rows:
        redeemable += points
        if kind in REDEEMED_KINDS:
            redeemed += points
        if is_consumption(kind, corrects):
            consumption += points
            annual[year] = annual.get(year, 0) + points
    return Balances(
        redeemable=redeemable,
        redeemed=-redeemed,
        total_consumption=consumption,
        annual_consumption={year: points for year, points in sorted(annual.items()) if points},
        frozen=account_frozen(customer),
    )


def customer_api_block(customer: Customer, on: date) -> dict[str, Any]:
    """The ``points`` block of ``GET /api/customers/{msisdn}/?on=`` (docs/interfaces.md)."""
    return balances(customer, on).as_api()


@dataclass(frozen=True)
class LotRow:
    year: int
    exempt: bool
    balance: int
    expires_on: date | None


def lots_of(customer: Customer) -> list[LotRow]:
    """POINTS-5/6: the customer's lots with points left, oldest first, with their expiry."""
    rows = Lot.objects.filter(customer=customer, balance__gt=0).order_by("year", "exempt")
    return [
        LotRow(
            year=lot.year,
            exempt=lot.exempt,
            balance=lot.balance,
            expires_on=lot_expires_on(lot.year, lot.exempt),
        )
        for lot in rows
    ]


def expiring_lots(year: int) -> QuerySet[Lot]:
    """POINTS-6: the lots the clearing on 31 December ``year`` will empty."""
    return Lot.objects.filter(
        year__lte=year - int(programme("POINTS_VALID_YEARS")), exempt=False, balance__gt=0
    ).exclude(customer__status=Status.CANCELLED)


def expiring_by_customer(year: int) -> QuerySet[Any]:
    """POINTS-6 / NOTICE-1: the November reminder list, what each customer will lose on
    31 December ``year``: rows of ``{"customer_id", "msisdn", "points"}``, by customer."""
    return (
        expiring_lots(year)
        .values("customer_id")
        .annotate(msisdn=F("customer__msisdn"), points=Sum("balance"))
        .values("customer_id", "msisdn", "points")
        .order_by("customer_id")
    )


def expiring_in(customer: Customer, lots: list[LotRow], year: int) -> int:
    """What ``customer`` will lose at the clearing of 31 December ``year`` (POINTS-6), from
    the lots already read with ``lots_of``, so no query of its own: ``expiring_lots`` for
    one customer, the lots of earning years up to ``year`` - POINTS_VALID_YEARS that are
    not exempt; nothing for a cancelled line (its balance was cleared, POINTS-10)."""
    if customer.status == Status.CANCELLED:
        return 0
    last = year - int(programme("POINTS_VALID_YEARS"))
    return sum(lot.balance for lot in lots if not lot.exempt and lot.year <= last)


def entries_of(customer: Customer, *, kind: str = "", year: int | None = None) -> QuerySet[Entry]:
    """The customer's ledger, newest first, optionally filtered."""
    entries = Entry.objects.filter(customer=customer).select_related(
        "actor", "redemption__item", "transfer__sender", "transfer__recipient"
    )
    if kind:
        entries = entries.filter(kind=kind)
    if year:
        entries = entries.filter(year=year)
    return entries.order_by("-booked_on", "-id")


def redemptions_of(customer: Customer) -> QuerySet[Redemption]:
    return Redemption.objects.filter(customer=customer).select_related("item", "created_by")


def recipients_of(customer: Customer) -> QuerySet[TransferRecipient]:
    return TransferRecipient.objects.filter(sender=customer).select_related("recipient")


def catalogue() -> QuerySet[RewardItem]:
    """POINTS-7: rewards on offer with stock left."""
    return RewardItem.objects.filter(active=True, stock__gt=0)


def catalogue_within(points: int) -> QuerySet[RewardItem]:
    """POINTS-7: the rewards on offer with stock left that ``points`` can pay for (one of
    them): what the counter offers a customer whose redeemable balance is ``points``."""
    return catalogue().filter(points_price__lte=points)


def transferred_in_month(customer: Customer, month: date) -> tuple[int, int]:
    """POINTS-8: (points sent, points received) by ``customer`` in ``month``'s calendar month."""
    totals = Transfer.objects.filter(
        Q(sender=customer) | Q(recipient=customer), month=month_start(month)
    ).aggregate(
        sent=Sum("points", filter=Q(sender=customer)),
        received=Sum("points", filter=Q(recipient=customer)),
    )
    return int(totals["sent"] or 0), int(totals["received"] or 0)
