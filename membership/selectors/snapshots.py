"""CUST-5 / KPI-1: who a new snapshot list 拍照中高端 would hold, and the lists taken.

The source names the two kinds of snapshot customer (重要/普通拍照客户, below the three VIP
cards) but not how they are chosen; Decision D-CUST-12: on the day the list is taken, an
active line that holds no full VIP level (an unlimited grant valid that day, TIER-2) and
whose bills of the last ``SNAPSHOT_SPEND_MONTHS`` full months average at least
``SNAPSHOT_ORDINARY_SPEND`` yuan; important when the average reaches
``SNAPSHOT_IMPORTANT_SPEND`` (all three programme settings, membership/manifest.py).

Set-based: the candidates are one grouped query over the bills of the window (the
``bill_one_per_month`` index), never a loop over customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from core.programme import programme
from membership.models import Bill, LevelGrant, SnapshotList, SnapshotMember, Status
from membership.selectors.levels import grants_valid_on
from membership.selectors.segments import spend_window


@dataclass(frozen=True)
class SnapshotCriteria:
    """D-CUST-12: the numbers a list is taken with (shown on the preview)."""

    on: date
    first_month: date
    last_month: date  # exclusive
    ordinary_spend: Decimal
    important_spend: Decimal


def snapshot_criteria(on: date) -> SnapshotCriteria:
    first, last = spend_window(on, int(programme("SNAPSHOT_SPEND_MONTHS")))
    return SnapshotCriteria(
        on=on,
        first_month=first,
        last_month=last,
        ordinary_spend=Decimal(programme("SNAPSHOT_ORDINARY_SPEND")),
        important_spend=Decimal(programme("SNAPSHOT_IMPORTANT_SPEND")),
    )


def snapshot_candidates(criteria: SnapshotCriteria) -> QuerySet[Any]:
    """CUST-5 / D-CUST-12: one row per customer the list taken on ``criteria.on`` holds:
    ``customer`` (its id), ``spend`` (the mean bill) and ``important``."""
    full_vip = LevelGrant.objects.filter(
        grants_valid_on(criteria.on), customer=OuterRef("customer"), limited=False
    )
    return (
        Bill.objects.filter(
            month__gte=criteria.first_month,
            month__lt=criteria.last_month,
            customer__status=Status.ACTIVE,
        )
        .exclude(Exists(full_vip))
        .values("customer")
        .annotate(spend=Avg("total"))
        .filter(spend__gte=criteria.ordinary_spend)
        .annotate(
            important=Case(
                When(spend__gte=criteria.important_spend, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by()
    )


@dataclass(frozen=True)
class SnapshotCounts:
    members: int
    important: int

    @property
    def ordinary(self) -> int:
        return self.members - self.important


def snapshot_preview(criteria: SnapshotCriteria) -> SnapshotCounts:
    """How many customers a list taken now would hold, and how many important: one
    aggregate over the grouped candidates."""
    found = (
        snapshot_candidates(criteria)
        .annotate(
            important_n=Case(
                When(spend__gte=criteria.important_spend, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .aggregate(members=Count("customer"), important=Sum("important_n"))
    )
    return SnapshotCounts(int(found["members"] or 0), int(found["important"] or 0))


def snapshot_lists() -> QuerySet[SnapshotList]:
    return SnapshotList.objects.select_related("created_by").order_by("-taken_on")


def with_counts(lists: list[SnapshotList]) -> list[SnapshotList]:
    """Fill in the counts of lists that were not taken on the screen (loaded otherwise), in
    one grouped query over their members; lists taken on the screen keep theirs."""
    missing = [item.pk for item in lists if item.members_count is None]
    if missing:
        counted = {
            row["snapshot"]: row
            for row in SnapshotMember.objects.filter(snapshot__in=missing)
            .values("snapshot")
            .annotate(n=Count("id"), important=Count("id", filter=Q(important=True)))
            .order_by()
        }
        for item in lists:
            if item.members_count is None:
                row = counted.get(item.pk, {"n": 0, "important": 0})
                item.members_count, item.important_count = row["n"], row["important"]
    return lists


def snapshot_members(snapshot: SnapshotList) -> QuerySet[Any]:
    """The members of a list, for its CSV: number, name, city, important."""
    return (
        SnapshotMember.objects.filter(snapshot=snapshot)
        .order_by("customer_id")
        .values("customer__msisdn", "customer__name", "customer__city", "important")
    )
