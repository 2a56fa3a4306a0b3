"""POINTS-11: prove every lot balance from its entries, report and optionally rebuild; and
the same check on the whole ledger at once, in two sums (FIN-1)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from points.models import Entry, Lot


@dataclass(frozen=True)
class Difference:
    lot_id: int
    msisdn: str
    year: int
    exempt: bool
    stored: int
    from_entries: int


@dataclass(frozen=True)
class Reconciliation:
    lots: int
    differences: list[Difference]
    misfiled_entries: list[int]  # entries whose customer or year disagrees with their lot
    fixed: int

    @property
    def clean(self) -> bool:
        return not self.differences and not self.misfiled_entries


@dataclass(frozen=True)
class LedgerTotals:
    """POINTS-11 / FIN-1: what the lots hold (the cached balances) against what the entries
    add up to (the truth). Every entry belongs to a lot (a protected foreign key), so
    ``difference`` is the sum of ``stored - from_entries`` over the differences
    ``lots_reconcile`` lists: zero when it finds none. Differences that cancel out across
    lots, and misfiled entries, show only in ``lots_reconcile``."""

    lots: int
    entries: int

    @property
    def difference(self) -> int:
        return self.lots - self.entries

    @property
    def clean(self) -> bool:
        return self.difference == 0


def lots_total() -> int:
    """The points every lot holds, as stored (one aggregate)."""
    return int(Lot.objects.aggregate(total=Sum("balance"))["total"] or 0)


def entries_total() -> int:
    """The points every entry adds up to, i.e. the ledger's balance (one aggregate)."""
    return int(Entry.objects.aggregate(total=Sum("amount"))["total"] or 0)


def ledger_totals(*, lots: int | None = None) -> LedgerTotals:
    """FIN-1: the sum of every stored lot balance and the sum of every entry, each one
    aggregate (no row leaves the database). ``lots``: that sum when the caller has already
    read it (the overview sums the lots by earning year), so the lots are read once."""
    return LedgerTotals(lots=lots_total() if lots is None else lots, entries=entries_total())


def _ledger_sum() -> Coalesce:
    return Coalesce(
        Subquery(
            Entry.objects.filter(lot_id=OuterRef("pk"))
            .values("lot_id")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
        0,
        output_field=IntegerField(),
    )


@transaction.atomic
def lots_reconcile(*, fix: bool = False) -> Reconciliation:
    """Compare every lot's stored balance with the sum of its entries (set-based).

    With ``fix``, rebuild the stored balances from the entries (the entries are the truth);
    a lot whose entries sum below zero is reported and left for a person to look at.
    """
    mismatched = (
        Lot.objects.annotate(ledger=_ledger_sum())
        .exclude(balance=F("ledger"))
        .select_related("customer")
        .order_by("id")
    )
    differences = [
        Difference(
            lot_id=lot.pk,
            msisdn=lot.customer.msisdn,
            year=lot.year,
            exempt=lot.exempt,
            stored=lot.balance,
            from_entries=lot.ledger,
        )
        for lot in mismatched
    ]
    misfiled = list(
        Entry.objects.filter(~Q(customer_id=F("lot__customer_id")) | ~Q(year=F("lot__year")))
        .order_by("id")
        .values_list("id", flat=True)
    )
    fixed = 0
    if fix and differences:
        fixable = [d.lot_id for d in differences if d.from_entries >= 0]
        fixed = Lot.objects.filter(pk__in=fixable).update(balance=_ledger_sum())
    return Reconciliation(
        lots=Lot.objects.count(), differences=differences, misfiled_entries=misfiled, fixed=fixed
    )
