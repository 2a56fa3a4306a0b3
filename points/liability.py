"""FIN-1 (beyond the source): the points liability finance asks for, on the supervisors'
points overview — what the programme owes in points and in yuan, what the next clearing
releases, the ledger's movements month by month with the balance at each month end, the
valuation rate supervisors set, the check against the ledger, and the chart.

Reads only. Every figure is an aggregate computed by the database: no ledger row leaves it.
Months are months of ``booked_on``, the day an entry counts in the ledger (an accrual of a
billed month is booked on that month's last day, the clearing on 31 December), so each
month-end balance is exactly the ledger summed up to that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.dates import add_months, month_end, month_start
from core.exports import Column
from points.models import ACCRUAL_KINDS, Entry, EntryKind, Lot, PointsValuation, Redemption
from points.selectors import REDEEMED_Q, expiring_lots
from points.services.reconcile import LedgerTotals, ledger_totals

# FIN-1: points earned = the accrual's three parts and their corrections (re-imported bills).
EARNED_Q = Q(kind__in=ACCRUAL_KINDS) | Q(kind=EntryKind.CORRECTION)
CENT = Decimal("0.01")


def value_of(points: int, rate: Decimal | None) -> Decimal | None:
    """CONV-1 / FIN-1: ``points`` at ``rate`` yuan per point, to the fen (half up), or None
    when no rate is set: no value is ever made up."""
    if rate is None:
        return None
    return (Decimal(points) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the valuation rate ---------------------------------------------------------------------


def rate_on(day: date) -> PointsValuation | None:
    """FIN-1: the rate in force on ``day``: the latest ``valid_from`` on or before it (of
    two set for the same day, the one set last); None when none is."""
    return (
        PointsValuation.objects.filter(valid_from__lte=day)
        .select_related("set_by")
        .order_by("-valid_from", "-set_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class Rates:
    """FIN-1: the whole valuation history in one read (rates are set by hand, a few a
    year), oldest first; ``on`` answers what ``rate_on`` does, without a query."""

    rows: list[PointsValuation]

    def on(self, day: date) -> PointsValuation | None:
        found = None
        for row in self.rows:
            if row.valid_from > day:
                break
            found = row
        return found

    def next_after(self, day: date) -> PointsValuation | None:
        """The rate already set to start after ``day``, if any (the first such day's)."""
        later = [row for row in self.rows if row.valid_from > day]
        return self.on(later[0].valid_from) if later else None

    def latest_set(self, count: int = 10) -> list[PointsValuation]:
        """The audit trail: the last rates set, newest first."""
        return sorted(self.rows, key=lambda row: (row.set_at, row.pk), reverse=True)[:count]


def valuation_rates() -> Rates:
    return Rates(
        list(
            PointsValuation.objects.select_related("set_by").order_by("valid_from", "set_at", "id")
        )
    )


# --- the months -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    """FIN-1: one month of the ledger (points; redeemed, expired and cleared as positive
    numbers), the balance at its end (to date for the current month) and the rate in force
    on that day."""

    month: date
    to_date: bool
    earned: int
    redeemed: int
    redemptions: int
    expired: int
    cleared: int
    transferred: int
    net: int
    closing: int
    rate: Decimal | None

    @property
    def opening(self) -> int:
        return self.closing - self.net

    @property
    def earned_value(self) -> Decimal | None:
        return value_of(self.earned, self.rate)

    @property
    def redeemed_value(self) -> Decimal | None:
        return value_of(self.redeemed, self.rate)

    @property
    def expired_value(self) -> Decimal | None:
        return value_of(self.expired, self.rate)

    @property
    def closing_value(self) -> Decimal | None:
        return value_of(self.closing, self.rate)


def month_rows(today: date, ledger_total: int, rates: Rates, months: int = 12) -> list[MonthRow]:
    """FIN-1: the last ``months`` months up to ``today``'s, one GROUP BY over the entries
    booked since the first of them (the ``booked_on`` index bounds the read). The balance at
    a month's end is the ledger's total less what was booked after that month."""
    since = add_months(month_start(today), -(months - 1))
    sums = (
        Entry.objects.filter(booked_on__gte=since)
        .annotate(m=TruncMonth("booked_on"))
        .values("m")
        .annotate(
            net=Sum("amount"),
            earned=Sum("amount", filter=EARNED_Q),
            redeemed=Sum("amount", filter=REDEEMED_Q),
            expired=Sum("amount", filter=Q(kind=EntryKind.EXPIRY)),
            cleared=Sum("amount", filter=Q(kind=EntryKind.CANCELLATION_CLEAR)),
            transferred=Sum("amount", filter=Q(kind=EntryKind.TRANSFER_IN)),
        )
        .order_by("m")
    )
    by_month: dict[date, dict[str, Any]] = {month_start(row["m"]): dict(row) for row in sums}
    # Redemptions made, counted on their own table: a count of distinct redemptions over the
    # entries would sort the whole window on PostgreSQL (a redemption may span two lots).
    made = (
        Redemption.objects.filter(
            created_at__gte=timezone.make_aware(datetime.combine(since, time()))
        )
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by("m")
        .values_list("m", "n")
    )
    redemptions = {month_start(timezone.localtime(m).date()): n for m, n in made}
    current = month_start(today)
    # Booked after this month (only a clearing run ahead of its day would be): out of the
    # rows, in the balances.
    after = sum(int(row["net"] or 0) for m, row in by_month.items() if m > current)
    rows: list[MonthRow] = []
    closing = ledger_total - after
    for index in range(months):
        month = add_months(current, -index)
        row = by_month.get(month, {})
        net = int(row.get("net") or 0)
        day = min(month_end(month), today)
        valuation = rates.on(day)
        rows.append(
            MonthRow(
                month=month,
                to_date=month == current,
                earned=int(row.get("earned") or 0),
                redeemed=-int(row.get("redeemed") or 0),
                redemptions=redemptions.get(month, 0),
                expired=-int(row.get("expired") or 0),
                cleared=-int(row.get("cleared") or 0),
                transferred=int(row.get("transferred") or 0),
                net=net,
                closing=closing,
                rate=valuation.rate if valuation else None,
            )
        )
        closing -= net
    rows.reverse()
    return rows


# --- the overview -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The supervisors' points page: what the programme owes, what expires next, the
    months, the check against the ledger and the rate (FIN-1)."""

    today: date
    outstanding: int
    outstanding_by_year: list[tuple[int, bool, int]]
    expiring_year: int
    expiring_points: int
    expiring_customers: int
    months: list[MonthRow]
    open_redemptions: int
    ledger: LedgerTotals
    rate: PointsValuation | None
    next_rate: PointsValuation | None = None
    rate_history: list[PointsValuation] = field(default_factory=list)

    @property
    def outstanding_value(self) -> Decimal | None:
        return value_of(self.outstanding, self.rate.rate if self.rate else None)

    @property
    def expiring_value(self) -> Decimal | None:
        return value_of(self.expiring_points, self.rate.rate if self.rate else None)


def overview(today: date, months: int = 12) -> Overview:
    """What the programme owes (the lots, by earning year), what the clearing of 31 December
    releases (POINTS-6), the ledger month by month and the rate in force (FIN-1)."""
    by_year = list(
        Lot.objects.filter(balance__gt=0)
        .values("year", "exempt")
        .annotate(points=Sum("balance"))
        .order_by("year", "exempt")
        .values_list("year", "exempt", "points")
    )
    outstanding = sum(points for _y, _e, points in by_year)
    expiring = expiring_lots(today.year).aggregate(
        points=Sum("balance"), customers=Count("customer", distinct=True)
    )
    ledger = ledger_totals(lots=outstanding)
    rates = valuation_rates()
    return Overview(
        today=today,
        outstanding=outstanding,
        outstanding_by_year=by_year,
        expiring_year=today.year,
        expiring_points=int(expiring["points"] or 0),
        expiring_customers=int(expiring["customers"] or 0),
        months=month_rows(today, ledger.entries, rates, months),
        open_redemptions=Redemption.objects.filter(status=Redemption.Status.REQUESTED).count(),
        ledger=ledger,
        rate=rates.on(today),
        next_rate=rates.next_after(today),
        rate_history=rates.latest_set(),
    )


# --- the chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    kind: str  # earned / redeemed / expired: the CSS class and the legend
    x: int
    y: int
    width: int
    height: int
    title: str


@dataclass(frozen=True)
class LiabilityChart:
    """FIN-1: bars per month (earned, redeemed, expired) on the left axis, the month-end
    balance as a line on the right axis; drawn as inline SVG by the template."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[ChartBar]
    line: str  # polyline points
    dots: list[tuple[int, int, str]]  # x, y, title
    flow_ticks: list[tuple[int, str]]  # y, label
    balance_ticks: list[tuple[int, str]]
    labels: list[tuple[int, str]]  # x, month


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at least ``value`` (1 for nothing): an axis's top."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def liability_chart(rows: list[MonthRow], *, width: int = 720, height: int = 260) -> LiabilityChart:
    left, right, top, bottom = 64, 72, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(rows), 1)
    bar_w = max(int(slot * 0.24), 1)
    flow_top = nice_ceiling(max((max(r.earned, r.redeemed, r.expired) for r in rows), default=0))
    balance_top = nice_ceiling(max((r.closing for r in rows), default=0))

    def flow_y(points: int) -> int:
        return round(top + plot_h * (1 - max(points, 0) / flow_top))

    def balance_y(points: int) -> int:
        return round(top + plot_h * (1 - max(points, 0) / balance_top))

    bars: list[ChartBar] = []
    dots: list[tuple[int, int, str]] = []
    labels: list[tuple[int, str]] = []
    for index, row in enumerate(rows):
        start = left + slot * index + (slot - 3 * bar_w) / 2
        month = f"{row.month:%Y-%m}"
        for offset, (kind, points) in enumerate(
            (("earned", row.earned), ("redeemed", row.redeemed), ("expired", row.expired))
        ):
            y = flow_y(points)
            bars.append(
                ChartBar(
                    kind=kind,
                    x=round(start + offset * bar_w),
                    y=y,
                    width=bar_w,
                    height=top + plot_h - y,
                    title=f"{month}: {points:,}",
                )
            )
        centre = round(left + slot * index + slot / 2)
        dots.append((centre, balance_y(row.closing), f"{month}: {row.closing:,}"))
        labels.append((centre, month))
    fractions = (0, 0.5, 1)
    return LiabilityChart(
        width=width,
        height=height,
        left=left,
        right=width - right,
        top=top,
        bottom=top + plot_h,
        bars=bars,
        line=" ".join(f"{x},{y}" for x, y, _title in dots),
        dots=dots,
        flow_ticks=[(round(top + plot_h * (1 - f)), f"{round(flow_top * f):,}") for f in fractions],
        balance_ticks=[
            (round(top + plot_h * (1 - f)), f"{round(balance_top * f):,}") for f in fractions
        ],
        labels=labels,
    )


# --- the export -------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


# FIN-1: the monthly table as data, through the lists' export helper (core.exports): stable
# English column names, ISO months, plain integers, the rate to 4 decimals, yuan to the fen,
# and empty yuan cells where no rate is set.
LIABILITY_COLUMNS = [
    Column("month", lambda row: f"{row.month:%Y-%m}"),
    Column("to_date", lambda row: "yes" if row.to_date else "no"),
    Column("opening_points", lambda row: row.opening),
    Column("earned_points", lambda row: row.earned),
    Column("redeemed_points", lambda row: row.redeemed),
    Column("redemptions", lambda row: row.redemptions),
    Column("expired_points", lambda row: row.expired),
    Column("cleared_points", lambda row: row.cleared),
    Column("transferred_points", lambda row: row.transferred),
    Column("closing_points", lambda row: row.closing),
    Column("yuan_per_point", lambda row: "" if row.rate is None else f"{row.rate:.4f}"),
    Column("earned_yuan", lambda row: _money(row.earned_value)),
    Column("redeemed_yuan", lambda row: _money(row.redeemed_value)),
    Column("expired_yuan", lambda row: _money(row.expired_value)),
    Column("closing_yuan", lambda row: _money(row.closing_value)),
]
CSV_HEADER = tuple(column.header for column in LIABILITY_COLUMNS)
