"""KPI-1: the monthly mid-high-end report per region and per account manager.

Definitions (Decision D-GROUP-5), all as of the month's last day (CONV-3):

- *status on the day*: the ``to_status`` of the last status change up to the end of that
  day, else the ``from_status`` of the first one after it, else the current status;
- *mid-high-end* (dynamic): status active on the day, and either VIP by an unlimited grant
  valid that day (TIER-2; TIER-7 upgrades are limited and do not count), or a "≥ 50 yuan"
  customer (CUST-5, the segment of membership.selectors.segments: the mean of the bills of
  the SEGMENT_SPEND_MONTHS months ending with the reported month reaches
  SEGMENT_SPEND_THRESHOLD);
- *snapshot*: the latest snapshot list taken on or before the day; retention = its
  customers who are still mid-high-end ÷ its size; the same for its important customers;
- *region*: the customer's city; *account manager*: the manager, on that day, of each
  group the customer was a member of on that day (membership periods of GroupMember; the
  manager from the group's history, keyaccounts.selectors.groups.group_manager_on); a
  customer in two groups of one manager counts once.

Every figure is one aggregate query (GROUP BY), no loop over customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from core import clock
from core.dates import add_months, month_end, month_start
from core.programme import programme
from keyaccounts.models import KpiDimension, KpiFigure
from keyaccounts.selectors.groups import group_manager_on, memberships_on
from membership.models import (
    Bill,
    Customer,
    LevelGrant,
    SnapshotList,
    SnapshotMember,
    Status,
    StatusChange,
)
from membership.selectors.levels import grants_valid_on


@dataclass
class KpiRow:
    dimension: str
    key: str
    label: str
    manager_id: int | None = None
    mid_high_end: int = 0
    snapshot_size: int = 0
    snapshot_retained: int = 0
    important_size: int = 0
    important_retained: int = 0

    @property
    def retention(self) -> Decimal | None:
        return _ratio(self.snapshot_retained, self.snapshot_size)

    @property
    def important_retention(self) -> Decimal | None:
        return _ratio(self.important_retained, self.important_size)


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass
class KpiReport:
    month: date
    snapshot: SnapshotList | None
    total: KpiRow
    regions: list[KpiRow]
    managers: list[KpiRow]


def snapshot_for(month: date) -> SnapshotList | None:
    """KPI-1: the snapshot list in force at the end of ``month``."""
    return SnapshotList.objects.filter(taken_on__lte=month_end(month)).order_by("-taken_on").first()


def _flags(
    rows: QuerySet[Any], ref: str, status_field: str, month: date
) -> tuple[QuerySet[Any], Q]:
    """Alias the KPI-1 ingredients onto ``rows`` (customer reached through ``ref``) and
    return the condition "active and mid-high-end at the end of ``month``"."""
    day = month_end(month)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    changes = StatusChange.objects.filter(customer_id=OuterRef(ref))
    status_on = Coalesce(
        Subquery(
            changes.filter(changed_at__lt=end)
            .order_by("-changed_at", "-id")
            .values("to_status")[:1]
        ),
        Subquery(
            changes.filter(changed_at__gte=end)
            .exclude(from_status="")
            .order_by("changed_at", "id")
            .values("from_status")[:1]
        ),
        NullIf(F(status_field), Value("")),
    )
    vip = Exists(
        LevelGrant.objects.filter(grants_valid_on(day), customer_id=OuterRef(ref), limited=False)
    )
    months = programme("SEGMENT_SPEND_MONTHS")
    spend = Subquery(
        Bill.objects.filter(
            customer_id=OuterRef(ref),
            month__gte=add_months(month_start(month), 1 - months),
            month__lte=month_start(month),
        )
        .values("customer_id")
        .annotate(mean=Avg("total"))
        .values("mean")[:1]
    )
    rows = rows.alias(kpi_status=status_on, kpi_vip=vip, kpi_spend=spend)
    threshold = Decimal(programme("SEGMENT_SPEND_THRESHOLD"))
    condition = Q(kpi_status=Status.ACTIVE) & (Q(kpi_vip=True) | Q(kpi_spend__gte=threshold))
    return rows, condition


def _snapshot_counts(
    members: QuerySet[Any], retained: Q, field: str, distinct: bool
) -> dict[str, Any]:
    important = Q(important=True)
    return {
        "snapshot_size": Count(field, distinct=distinct),
        "snapshot_retained": Count(field, distinct=distinct, filter=retained),
        "important_size": Count(field, distinct=distinct, filter=important),
        "important_retained": Count(field, distinct=distinct, filter=retained & important),
    }


def _manager_counts(snapshot: SnapshotList | None, month: date) -> QuerySet[Any]:
    """KPI-1 per account manager in one GROUP BY: the memberships open on the month's last
    day, each under the manager its group had that day (both from history, D-GROUP-5); a
    customer in two groups of one manager counts once."""
    day = month_end(month)
    memberships, mhe = _flags(
        memberships_on(day).annotate(kpi_manager=group_manager_on(day)),
        "customer_id",
        "customer__status",
        month,
    )
    listed = SnapshotMember.objects.filter(snapshot=snapshot, customer_id=OuterRef("customer_id"))
    memberships = memberships.alias(
        kpi_listed=Exists(listed), kpi_important=Exists(listed.filter(important=True))
    )
    listed_q, important_q = Q(kpi_listed=True), Q(kpi_important=True)
    return (
        memberships.values("kpi_manager")
        .annotate(
            mid_high_end=Count("customer_id", distinct=True, filter=mhe),
            snapshot_size=Count("customer_id", distinct=True, filter=listed_q),
            snapshot_retained=Count("customer_id", distinct=True, filter=listed_q & mhe),
            important_size=Count("customer_id", distinct=True, filter=important_q),
            important_retained=Count("customer_id", distinct=True, filter=important_q & mhe),
        )
        .order_by()
    )


def kpi_report(month: date) -> KpiReport:
    """KPI-1 for ``month`` (any day of it): the province, each region, each manager."""
    month = month_start(month)
    snapshot = snapshot_for(month)
    customers, mhe = _flags(Customer.objects.all(), "pk", "status", month)
    members, retained = _flags(
        SnapshotMember.objects.filter(snapshot=snapshot), "customer_id", "customer__status", month
    )
    total = KpiRow(dimension=KpiDimension.TOTAL, key="", label="")
    total.mid_high_end = customers.aggregate(n=Count("pk", filter=mhe))["n"] or 0
    totals = members.aggregate(**_snapshot_counts(members, retained, "pk", False))
    for name, value in totals.items():
        setattr(total, name, value or 0)

    regions: dict[str, KpiRow] = {}
    for row in customers.values("city").annotate(n=Count("pk", filter=mhe)).order_by():
        regions[row["city"]] = KpiRow(
            dimension=KpiDimension.REGION, key=row["city"], label=row["city"], mid_high_end=row["n"]
        )
    counts = _snapshot_counts(members, retained, "pk", False)
    for row in members.values("customer__city").annotate(**counts).order_by():
        city = row.pop("customer__city")
        target = regions.setdefault(
            city, KpiRow(dimension=KpiDimension.REGION, key=city, label=city)
        )
        for name, value in row.items():
            setattr(target, name, value)

    managers: dict[int, KpiRow] = {}
    for row in _manager_counts(snapshot, month):
        manager_id = row.pop("kpi_manager")
        managers[manager_id] = KpiRow(
            dimension=KpiDimension.MANAGER,
            key=str(manager_id),
            label="",
            manager_id=manager_id,
            **{name: value or 0 for name, value in row.items()},
        )
    names = {
        user.pk: f"{user.last_name}{user.first_name} ({user.get_username()})"
        for user in get_user_model().objects.filter(pk__in=list(managers))
    }
    for manager_id, row in managers.items():
        row.label = names.get(manager_id, str(manager_id))

    return KpiReport(
        month=month,
        snapshot=snapshot,
        total=total,
        regions=sorted(regions.values(), key=lambda r: r.label),
        managers=sorted(managers.values(), key=lambda r: r.label),
    )


def kpi_history(months: int = 12, until: date | None = None) -> list[KpiFigure]:
    """The stored province figures of the last ``months`` months, oldest first."""
    until = month_start(until or clock.today())
    return list(
        KpiFigure.objects.filter(
            dimension=KpiDimension.TOTAL,
            month__gt=add_months(until, -months),
            month__lte=until,
        ).order_by("month")
    )


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width_all: int
    width_important: int
    text_all: str
    text_important: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    ticks: list[tuple[int, str]]


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def retention_chart(rows: list[KpiRow], *, width: int = 640, row_height: int = 34) -> BarChart:
    """KPI-1: horizontal bars of snapshot and important-snapshot retention per row, drawn as
    inline SVG by the template (no script, no CDN)."""
    label_width = 110
    plot = width - label_width - 60
    bars = [
        Bar(
            label=row.label,
            y=index * row_height + 8,
            width_all=int(plot * (row.retention or 0)),
            width_important=int(plot * (row.important_retention or 0)),
            text_all=_pct(row.retention),
            text_important=_pct(row.important_retention),
        )
        for index, row in enumerate(rows)
    ]
    ticks = [(label_width + plot * pct // 100, f"{pct}%") for pct in (0, 25, 50, 75, 100)]
    return BarChart(
        width=width,
        height=len(rows) * row_height + 28,
        label_width=label_width,
        bars=bars,
        ticks=ticks,
    )


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points_all: str
    points_important: str
    labels: list[tuple[int, str]]
    grid: list[tuple[int, str]]  # y of the 0 / 50 / 100% lines, with their label


def trend_chart(figures: list[KpiFigure], *, width: int = 640, height: int = 180) -> TrendChart:
    """KPI-1: the stored monthly retention of the province as two SVG polylines."""
    left, right, top, bottom = 40, 20, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(figures) - 1, 1)

    def points(ratios: list[Decimal | None]) -> str:
        return " ".join(
            f"{left + index * step:.0f},{top + plot_h * (1 - float(ratio)):.0f}"
            for index, ratio in enumerate(ratios)
            if ratio is not None
        )

    return TrendChart(
        width=width,
        height=height,
        points_all=points([_ratio(f.snapshot_retained, f.snapshot_size) for f in figures]),
        points_important=points([_ratio(f.important_retained, f.important_size) for f in figures]),
        labels=[(int(left + index * step), f"{f.month:%Y-%m}") for index, f in enumerate(figures)],
        grid=[(int(top + plot_h * (1 - pct / 100)), f"{pct}%") for pct in (0, 50, 100)],
    )
