"""CUST-5 segments used by privileges: VIP, snapshot mid-high-end, ≥ 50 yuan, mass market."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg

from core.programme import programme
from membership.dates import add_months, month_start
from membership.models import Bill, Brand, Customer, SnapshotMember
from membership.selectors.levels import effective_level


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
    member = (
        SnapshotMember.objects.filter(customer=customer, snapshot__taken_on__lte=on)
        .order_by("-snapshot__taken_on")
        .values("important", "snapshot__taken_on")
        .first()
    )
    if member is None:
        return None
    latest = (
        SnapshotMember.objects.filter(snapshot__taken_on__lte=on)
        .order_by("-snapshot__taken_on")
        .values_list("snapshot__taken_on", flat=True)
        .first()
    )
    if member["snapshot__taken_on"] != latest:
        return None  # in an older list only: no longer a snapshot customer
    return "important" if member["important"] else "ordinary"


def average_monthly_spend(customer: Customer, on: date, months: int) -> Decimal:
    """The mean of the bills present in the ``months`` full months before ``on``'s month."""
    last = month_start(on)
    first = add_months(last, -months)
    avg = Bill.objects.filter(customer=customer, month__gte=first, month__lt=last).aggregate(
        avg=Avg("total")
    )["avg"]
    return Decimal(avg or 0).quantize(Decimal("0.01"))


def customer_segment(customer: Customer, on: date) -> Segment:
    """CUST-5 (Decision D-CUST-5): ≥ 50 yuan = the mean of the bills of the last
    SEGMENT_SPEND_MONTHS full months is at least SEGMENT_SPEND_THRESHOLD yuan."""
    spend = average_monthly_spend(customer, on, programme("SEGMENT_SPEND_MONTHS"))
    return Segment(
        level=effective_level(customer, on),
        snapshot=snapshot_status(customer, on),
        over_50=spend >= Decimal(programme("SEGMENT_SPEND_THRESHOLD")),
        gotone=customer.brand == Brand.GOTONE,
    )
