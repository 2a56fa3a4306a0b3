"""CUST-5 segments used by privileges: VIP, snapshot mid-high-end, ≥ 50 yuan, mass market."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, BooleanField, Exists, OuterRef, Subquery

from core.dates import add_months, month_start
from core.programme import programme
from membership.models import Bill, Brand, Customer, SnapshotList, SnapshotMember


@dataclass(frozen=True)
class Segment:
    """What a customer counts as on a date, for queue classes, waivers and reactivation."""

    level: str | None  # TIER-2 effective level; not None = VIP
    snapshot: str | None  # "important" / "ordinary" from the latest snapshot list, or None
    over_50: bool  # existing customer spending ≥ SEGMENT_SPEND_THRESHOLD a month
    gotone: bool

    @property
    def vip(self) -> bool:
        return self.level is not None

    @property
    def mid_high_end(self) -> bool:
        return self.snapshot is not None

    @property
    def mass_market(self) -> bool:
        return not (self.vip or self.mid_high_end or self.over_50 or self.gotone)


def snapshot_status(customer: Customer, on: date) -> str | None:
    """CUST-5: the customer's place in the latest snapshot list taken on or before ``on``."""
    row = (
        Customer.objects.filter(pk=customer.pk)
        .order_by()
        .values(important=snapshot_subquery(on))
        .first()
    )
    return _snapshot_label(row["important"] if row else None)


def snapshot_subquery(on: date, customer_ref: str = "pk") -> Subquery:
    """CUST-5 in SQL for the outer customer: its ``important`` flag in the latest snapshot
    list taken on or before ``on`` (the latest one with members), NULL when it is not in
    that list (in an older list only, it is no longer a snapshot customer).

    The latest list walks the lists newest first, probing each for a member on the
    ``snapshot_member_once`` index, then the customer's row in it is one more probe: a
    join of members to lists, newest first, would read the members of every older list
    (hundreds of thousands) before the first of the newest."""
    has_members = SnapshotMember.objects.filter(snapshot=OuterRef("pk"))
    latest = (
        SnapshotList.objects.filter(Exists(has_members), taken_on__lte=on)
        .order_by("-taken_on")
        .values("pk")[:1]
    )
    return Subquery(
        SnapshotMember.objects.filter(
            snapshot=Subquery(latest), customer=OuterRef(customer_ref)
        ).values("important")[:1],
        output_field=BooleanField(),
    )


def _snapshot_label(important: bool | None) -> str | None:
    if important is None:
        return None
    return "important" if important else "ordinary"


def spend_window(on: date, months: int) -> tuple[date, date]:
    """The ``months`` full months before ``on``'s month: [first, last)."""
    last = month_start(on)
    return add_months(last, -months), last


def average_spend_subquery(on: date, months: int, customer_ref: str = "pk") -> Subquery:
    """The mean of the outer customer's bills in ``spend_window`` (NULL without a bill), on
    the ``bill_one_per_month`` index."""
    first, last = spend_window(on, months)
    return Subquery(
        Bill.objects.filter(customer=OuterRef(customer_ref), month__gte=first, month__lt=last)
        .order_by()
        .values("customer")
        .annotate(avg=Avg("total"))
        .values("avg")
    )


def segment_annotations(on: date) -> dict[str, Subquery]:
    """What CUST-5 reads from the database for the outer customer, as annotations
    (``segment_spend``, ``segment_snapshot``): a caller adds its own and reads them all in
    one query, then builds the segment with ``segment_from``."""
    return {
        "segment_spend": average_spend_subquery(on, programme("SEGMENT_SPEND_MONTHS")),
        "segment_snapshot": snapshot_subquery(on),
    }


def segment_from(customer: Customer, facts: Mapping[str, Any], *, level: str | None) -> Segment:
    """CUST-5 (Decision D-CUST-5) from the values of ``segment_annotations``: ≥ 50 yuan =
    the mean of the bills of the last SEGMENT_SPEND_MONTHS full months is at least
    SEGMENT_SPEND_THRESHOLD yuan; ``level`` is the TIER-2 level the caller counts."""
    spend = Decimal(facts["segment_spend"] or 0).quantize(Decimal("0.01"))
    return Segment(
        level=level,
        snapshot=_snapshot_label(facts["segment_snapshot"]),
        over_50=spend >= Decimal(programme("SEGMENT_SPEND_THRESHOLD")),
        gotone=customer.brand == Brand.GOTONE,
    )
