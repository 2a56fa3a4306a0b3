"""POINTS-1..4: the monthly accrual from bills, set-based.

One run for a month works through the customers in primary-key chunks, each chunk in its
own transaction:

1. one ``INSERT … SELECT`` over the month's bills (joined to their customers) fills a
   TEMP table, the chunk's stage, with what each customer should hold for the month:
   consumption points (POINTS-1), brand and tenure rewards (POINTS-2), for the lines whose
   accrual has started (POINTS-3);
2. the lots that will receive points are created (``ON CONFLICT DO NOTHING`` on the lot's
   unique key);
3. for each of the three parts: a *correction* for every customer whose entries for the
   month no longer match (a re-imported bill, POINTS-4), then the part itself for every
   customer who has none yet (``ON CONFLICT DO NOTHING`` on the unique constraint on
   (customer, month, kind)), each followed by one UPDATE of the lots' balances;
4. the stage is dropped.

Running a month again writes nothing new unless a bill changed (CONV-5).

Scale (docs/performance.md): no statement's plan may depend on statistics that the run
itself makes stale. The stage is a fresh TEMP table per chunk (a permanent scratch table
emptied by DELETE kept every dead row of the run, which each later chunk scanned again),
analysed once filled; "has none yet" is the unique index's own conflict check, not an
anti-join the planner could turn into a scan of every entry of the month per customer;
every read of the entries is bounded by the chunk's customer range on an index that
starts with (month, kind, customer).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear

from core import clock, dates
from core.chunks import pk_ranges
from core.programme import programme
from membership.models import LEVEL_RANK, Bill, Brand, Customer, Status
from membership.scoring import consumption_points_sql
from membership.selectors.levels import effective_rank_subquery
from points.models import ACCRUAL_KINDS, Entry, EntryKind, Lot, PointsRun
from points.selectors import easyown_start

# The predicate of the unique index "points_entry_accrual_once_per_month" (POINTS-4), as the
# conflict target of the inserts names it.
ACCRUAL_ONCE = "kind IN ({})".format(", ".join(f"'{kind}'" for kind in ACCRUAL_KINDS))

# The stage column holding each accrual part.
PART_COLUMNS: dict[str, str] = {
    EntryKind.ACCRUAL: "consumption",
    EntryKind.REWARD_BRAND: "reward_brand",
    EntryKind.REWARD_TENURE: "reward_tenure",
}


def accrual_started_q(month: date, prefix: str = "") -> Q:
    """POINTS-3 as a filter on customers: lines whose accrual has started by ``month``.

    Same rule as ``points.selectors.accrual_start`` (tested against it).
    """
    end = dates.month_end(month)
    start = easyown_start()

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    joined_by_month = q(joined_on__lte=end)
    classic = q(brand__in=[Brand.GOTONE, Brand.MZONE])
    # easyown: joined in or after the start month → from the join month, once registered;
    # joined before it and registered after it → from the month of registration.
    easy = q(joined_on__gte=start) | q(
        joined_on__lt=start, real_name_registered_on__gte=start, real_name_registered_on__lte=end
    )
    if dates.month_start(month) >= start:  # registered before the start → from the start
        easy |= q(joined_on__lt=start, real_name_registered_on__lt=start)
    easy &= q(brand=Brand.EASYOWN, real_name_registered_on__isnull=False)
    return joined_by_month & (classic | easy)


def tenure_months_sql(month_end: date, field: str = "joined_on") -> Expression:
    """CONV-2 tenure in whole months on ``month_end`` (a month's last day), in SQL.

    On a month's last day the monthly anniversary of any join day has been reached (a join
    on the 31st has it on the month's last day), so the whole months are just the
    difference of the month indexes; equal to ``core.dates.tenure_months``.
    """
    if month_end != dates.month_end(month_end):
        raise ValueError("tenure_months_sql needs the last day of a month")
    index = month_end.year * 12 + month_end.month
    return Case(
        When(**{f"{field}__gt": month_end}, then=Value(0)),
        default=Value(index) - (ExtractYear(field) * Value(12) + ExtractMonth(field)),
        output_field=IntegerField(),
    )


def tenure_reward_percent(months: int) -> int:
    """POINTS-2: the tenure reward rate for ``months`` of tenure (Python twin of the SQL)."""
    for minimum, percent in programme("POINTS_TENURE_REWARD_PERCENT"):
        if months >= minimum:
            return int(percent)
    return 0


def brand_reward_percent(brand: str, level: str | None) -> int:
    """POINTS-2: the brand reward rate (gotone only) by effective level (Python twin)."""
    if brand != Brand.GOTONE:
        return 0
    rates = programme("POINTS_BRAND_REWARD_PERCENT")
    return int(rates.get(level or "", rates["other"]))


def month_targets(month: date, lo: int, hi: int) -> QuerySet[Any]:
    """The month's bills of the customers in [lo, hi) whose accrual has started, with the
    inputs of POINTS-1/2: consumption points, effective level rank and tenure on the
    month's last day, brand. Cancelled lines earn nothing (POINTS-10). CUST-7: the brand
    read is the current one, so after a move to another brand accruals follow the new
    brand's rules; the join date carried by the move gives the tenure reward."""
    start = dates.month_start(month)
    end = dates.month_end(month)
    return (
        Bill.objects.filter(month=start, customer_id__gte=lo, customer_id__lt=hi)
        .filter(accrual_started_q(start, prefix="customer__"))
        .exclude(customer__status=Status.CANCELLED)
        .annotate(
            cid=F("customer_id"),
            pts=consumption_points_sql("total"),
            rnk=effective_rank_subquery(end, customer_ref="customer_id"),
            gotone=Case(
                When(customer__brand=Brand.GOTONE, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            exempt=Case(
                When(customer__brand=Brand.EASYOWN, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            tenure=tenure_months_sql(end, "customer__joined_on"),
        )
        .values("cid", "pts", "rnk", "gotone", "exempt", "tenure")
    )


def brand_percent_sql() -> tuple[str, list[Any]]:
    rates = programme("POINTS_BRAND_REWARD_PERCENT")
    whens: list[str] = []
    params: list[Any] = []
    for level, rank in sorted(LEVEL_RANK.items(), key=lambda item: -item[1]):
        if level in rates:
            whens.append("WHEN t.rnk = %s THEN %s")
            params += [rank, int(rates[level])]
    return f"CASE {' '.join(whens)} ELSE %s END", [*params, int(rates["other"])]


def tenure_percent_sql() -> tuple[str, list[Any]]:
    whens: list[str] = []
    params: list[Any] = []
    for minimum, percent in programme("POINTS_TENURE_REWARD_PERCENT"):
        whens.append("WHEN t.tenure >= %s THEN %s")
        params += [int(minimum), int(percent)]
    return f"CASE {' '.join(whens)} ELSE 0 END", params


class _Sql:
    """Table names and value adapters for the raw statements (SQLite and PostgreSQL)."""

    def __init__(self) -> None:
        qn = connection.ops.quote_name
        self.entry = qn(Entry._meta.db_table)
        self.lot = qn(Lot._meta.db_table)
        self.stage = qn(f"points_stage_{uuid.uuid4().hex[:12]}")
        self.customer = qn(Customer._meta.db_table)

    @staticmethod
    def day(value: date) -> Any:
        return connection.ops.adapt_datefield_value(value)

    @staticmethod
    def moment(value: Any) -> Any:
        return connection.ops.adapt_datetimefield_value(value)

    @staticmethod
    def execute(sql: str, params: list[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)


def _apply_to_lots(
    t: _Sql,
    run: PointsRun,
    month: date,
    kinds: tuple[str, ...],
    corrects: str,
    lo: int,
    hi: int,
) -> None:
    """Move the balances of the lots that this run's new entries of ``kinds`` touched
    (UPDATE … FROM a grouped derived table: SQLite ≥ 3.33 and PostgreSQL). The entries are
    found by (month, kind, customer range), the chunk's own slice of an index: by run alone
    each chunk would walk every entry the run wrote before it."""
    marks = ", ".join(["%s"] * len(kinds))
    t.execute(
        f"UPDATE {t.lot} SET balance = {t.lot}.balance + d.amount"
        f" FROM (SELECT e.lot_id AS lot_id, SUM(e.amount) AS amount FROM {t.entry} e"
        f" WHERE e.month = %s AND e.kind IN ({marks}) AND e.customer_id >= %s"
        f" AND e.customer_id < %s AND e.run_id = %s AND e.corrects = %s GROUP BY e.lot_id) d"
        f" WHERE {t.lot}.id = d.lot_id",
        [t.day(month), *kinds, lo, hi, run.pk, corrects],
    )


def _accrue_chunk(run: PointsRun, month: date, lo: int, hi: int, now: Any) -> dict[str, int]:
    t = _Sql()
    start, end = dates.month_start(month), dates.month_end(month)
    inner_sql, inner_params = month_targets(month, lo, hi).query.sql_with_params()
    brand_sql, brand_params = brand_percent_sql()
    tenure_sql, tenure_params = tenure_percent_sql()
    # 1. What each customer should hold for the month (POINTS-1, POINTS-2: each reward
    # rounded down on its own; integer division of non-negative integers floors).
    t.execute(
        f"CREATE TEMP TABLE {t.stage} (customer_id bigint PRIMARY KEY,"
        f" year integer NOT NULL, exempt boolean NOT NULL, consumption integer NOT NULL,"
        f" reward_brand integer NOT NULL, reward_tenure integer NOT NULL)",
        [],
    )
    staged = t.execute(
        f"INSERT INTO {t.stage} (customer_id, year, exempt, consumption,"
        f" reward_brand, reward_tenure)"
        f" SELECT t.cid, %s, t.exempt, t.pts,"
        f" CASE WHEN t.gotone = 1 THEN (t.pts * ({brand_sql})) / 100 ELSE 0 END,"
        f" (t.pts * ({tenure_sql})) / 100"
        f" FROM ({inner_sql}) t",
        [start.year, *brand_params, *tenure_params, *inner_params],
    )
    if connection.vendor == "postgresql":
        t.execute(f"ANALYZE {t.stage}", [])
    # 2. The lots that will receive points (one per customer, earning year, exemption).
    t.execute(
        f"INSERT INTO {t.lot} (customer_id, year, exempt, balance)"
        f" SELECT s.customer_id, s.year, s.exempt, 0 FROM {t.stage} s"
        f" WHERE s.consumption > 0 OR s.reward_brand > 0 OR s.reward_tenure > 0"
        f" ON CONFLICT (customer_id, year, exempt) DO NOTHING",
        [],
    )
    columns = (
        "customer_id, lot_id, year, kind, corrects, amount, month, booked_on, run_id,"
        " note, created_at"
    )
    counts = {"staged": staged}
    if not _has_entries(t, start, lo, hi):
        # The chunk's first accrual of the month: nothing to correct or to fall short of,
        # so the three parts are written and their lots moved in one UPDATE.
        for kind, column in PART_COLUMNS.items():
            counts[f"corrections_{kind}"] = 0
            counts[kind] = _insert_part(t, run, kind, column, columns, start, end, now)
        _apply_to_lots(t, run, start, tuple(PART_COLUMNS), "", lo, hi)
        counts["short"] = 0
        t.execute(f"DROP TABLE {t.stage}", [])
        return counts
    for kind, column in PART_COLUMNS.items():
        # 3a. POINTS-4: a re-imported bill → a correcting entry for the difference, on the
        # lot the month's points went to; a debit never takes a lot below zero.
        counts[f"corrections_{kind}"] = t.execute(
            f"INSERT INTO {t.entry} ({columns})"
            f" SELECT x.customer_id, x.lot_id, x.year, %s, %s,"
            f" CASE WHEN x.diff < -x.bal THEN -x.bal ELSE x.diff END, %s, %s, %s, %s, %s"
            f" FROM (SELECT a.customer_id AS customer_id, a.lot_id AS lot_id, a.year AS year,"
            f" l.balance AS bal,"
            f" COALESCE((SELECT s.{column} FROM {t.stage} s"
            f" WHERE s.customer_id = a.customer_id), 0)"
            f" - (SELECT SUM(e.amount) FROM {t.entry} e WHERE e.customer_id = a.customer_id"
            f" AND e.month = %s AND (e.kind = %s OR (e.kind = %s AND e.corrects = %s))) AS diff"
            f" FROM {t.entry} a JOIN {t.lot} l ON l.id = a.lot_id"
            f" JOIN {t.customer} c ON c.id = a.customer_id"
            f" WHERE a.kind = %s AND a.month = %s AND a.customer_id >= %s"
            f" AND a.customer_id < %s AND c.status <> %s) x"
            f" WHERE x.diff > 0 OR (x.diff < 0 AND x.bal > 0)",
            [
                EntryKind.CORRECTION,
                kind,
                t.day(start),
                t.day(end),
                run.pk,
                "",
                t.moment(now),
                t.day(start),
                kind,
                EntryKind.CORRECTION,
                kind,
                kind,
                t.day(start),
                lo,
                hi,
                Status.CANCELLED,
            ],
        )
        _apply_to_lots(t, run, start, (EntryKind.CORRECTION,), kind, lo, hi)
        # 3b. The month's part for every customer who has none yet (POINTS-4: once).
        counts[kind] = _insert_part(t, run, kind, column, columns, start, end, now)
        _apply_to_lots(t, run, start, (kind,), "", lo, hi)
    # What a correction could not take back (the points were spent already).
    counts["short"] = _count_short(t, start, lo, hi)
    t.execute(f"DROP TABLE {t.stage}", [])
    return counts


def _has_entries(t: _Sql, start: date, lo: int, hi: int) -> bool:
    """Whether any customer of the chunk already has accrual entries for the month."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {t.entry} WHERE month = %s AND kind IN (%s, %s, %s)"
            f" AND customer_id >= %s AND customer_id < %s LIMIT 1",
            [t.day(start), *ACCRUAL_KINDS, lo, hi],
        )
        return cursor.fetchone() is not None


def _insert_part(
    t: _Sql,
    run: PointsRun,
    kind: str,
    column: str,
    columns: str,
    start: date,
    end: date,
    now: Any,
) -> int:
    """POINTS-4: the month's part ``kind`` for every staged customer who has none yet."""
    return t.execute(
        f"INSERT INTO {t.entry} ({columns})"
        f" SELECT s.customer_id, l.id, s.year, %s, %s, s.{column}, %s, %s, %s, %s, %s"
        f" FROM {t.stage} s JOIN {t.lot} l ON l.customer_id = s.customer_id"
        f" AND l.year = s.year AND l.exempt = s.exempt"
        f" WHERE s.{column} > 0"
        f" ON CONFLICT (customer_id, month, kind) WHERE {ACCRUAL_ONCE} DO NOTHING",
        [kind, "", t.day(start), t.day(end), run.pk, "", t.moment(now)],
    )


def _count_short(t: _Sql, start: date, lo: int, hi: int) -> int:
    """Parts of the month whose entries still differ from the bill after this chunk."""
    cases = " ".join(f"WHEN %s THEN s.{column}" for column in PART_COLUMNS.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {t.entry} a JOIN {t.customer} c ON c.id = a.customer_id"
            f" WHERE a.kind IN (%s, %s, %s) AND a.month = %s AND a.customer_id >= %s"
            f" AND a.customer_id < %s AND c.status <> %s"
            f" AND (SELECT SUM(e.amount) FROM {t.entry} e WHERE e.customer_id = a.customer_id"
            f" AND e.month = a.month AND (e.kind = a.kind"
            f" OR (e.kind = %s AND e.corrects = a.kind)))"
            f" <> COALESCE((SELECT CASE a.kind {cases} END FROM {t.stage} s"
            f" WHERE s.customer_id = a.customer_id), 0)",
            [
                *PART_COLUMNS,
                t.day(start),
                lo,
                hi,
                Status.CANCELLED,
                EntryKind.CORRECTION,
                *PART_COLUMNS,
            ],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def accrual_run_open(*, month: date, job_run_id: int | None = None) -> PointsRun:
    """The points run an accrual of ``month`` writes to: for a job run (CONV-5), its one open
    points run, made by its first caller (the check before the chunks are planned); for a
    direct call, a new one."""
    period = f"{dates.month_start(month):%Y-%m}"
    if job_run_id is None:
        return PointsRun.objects.create(
            job=PointsRun.Job.ACCRUAL, period=period, started_at=clock.now()
        )
    run, _created = PointsRun.objects.get_or_create(
        job_run_id=job_run_id,
        finished_at__isnull=True,
        defaults={"job": PointsRun.Job.ACCRUAL, "period": period, "started_at": clock.now()},
    )
    return run


def accrual_bounds(month: date) -> tuple[int, int] | None:
    """The customer ids the month's bills span (the ranges the chunks cover), None if none."""
    found = Bill.objects.filter(month=dates.month_start(month)).aggregate(
        lo=Min("customer_id"), hi=Max("customer_id")
    )
    return None if found["lo"] is None else (int(found["lo"]), int(found["hi"]))


def accrue_range(run: PointsRun, *, lo: int, hi: int) -> dict[str, int]:
    """POINTS-1..4 for the customers ``lo <= id < hi`` of ``run``'s month, in the caller's
    transaction (one chunk: a job chunk, or one step of ``points_accrue``). Idempotent:
    every part is written once per (customer, month), a changed bill adds a correction."""
    with transaction.atomic():
        return _accrue_chunk(run, dates.parse_month(run.period), lo, hi, clock.now())


def accrual_close(run: PointsRun, totals: dict[str, Any]) -> PointsRun:
    """Finish ``run``: its counts from the chunks' ``totals`` and the entries it wrote."""
    start = dates.parse_month(run.period)
    written = Entry.objects.filter(run=run).aggregate(points=Sum("amount"), n=Count("id"))
    run.counts = {
        "bills": Bill.objects.filter(month=start).count(),
        "customers": int(totals.get("staged", 0)),
        "accrual": int(totals.get(EntryKind.ACCRUAL, 0)),
        "reward_brand": int(totals.get(EntryKind.REWARD_BRAND, 0)),
        "reward_tenure": int(totals.get(EntryKind.REWARD_TENURE, 0)),
        "corrections": sum(int(v) for k, v in totals.items() if k.startswith("corrections_")),
        "short": int(totals.get("short", 0)),
        "entries": int(written["n"] or 0),
        "points": int(written["points"] or 0),
    }
    run.finished_at = clock.now()
    run.save(update_fields=["counts", "finished_at"])
    return run


def points_accrue(*, month: date, chunk: int | None = None) -> PointsRun:
    """POINTS-1..4: accrue ``month``'s bills in this process; safe to run again (CONV-5).

    The calendar job ``accrue_points`` (points/jobs.py) runs the same ranges as chunks on
    the workers; this is the direct call (the demo, the benchmark, the tests), over the
    ranges of ``chunk`` customer ids (``core.chunks.pk_ranges``, the job's plan's loop).
    Each chunk of customers is one transaction: a run that died halfway finishes the same
    when run again, since every part is written once per (customer, month).
    """
    size = int(chunk or programme("POINTS_BATCH_CUSTOMERS"))
    run = accrual_run_open(month=month)
    totals: dict[str, int] = {}
    for lo, hi in pk_ranges(accrual_bounds(month), size):
        for key, value in accrue_range(run, lo=lo, hi=hi).items():
            totals[key] = totals.get(key, 0) + value
    return accrual_close(run, totals)


def accrual_summary(period: str, c: dict[str, Any]) -> str:
    """The one-line summary the command prints, from the run's counts."""
    line = (
        f"accrue_points {period}: {c['bills']} bills, {c['customers']} accruing, "
        f"{c['accrual']} consumption, {c['reward_brand']} brand rewards, "
        f"{c['reward_tenure']} tenure rewards, {c['corrections']} corrections, "
        f"{c['points']:+d} points"
    )
    if c.get("short"):
        line += f", {c['short']} corrections short (points already spent)"
    return line
