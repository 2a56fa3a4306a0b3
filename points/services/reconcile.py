"""POINTS-11: prove every lot balance from its entries, report and optionally rebuild."""

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
