"""Credit stars 客户信用等级 (CREDIT-1..5), rated monthly as set-based SQL.

The point tables below are the rule's own numbers (from the source); the Defaults the rule
leaves open (spend window, suspension window and penalty) are read from core/programme.py.
The same tables drive both the plain-Python functions (used to explain a score and as the
tests' oracle) and the SQL of ``credit_rate_range``, so the two cannot drift apart.

A month is rated range by range (``credit_rate_range``, one pk range each, idempotent), then
finished once (``credit_rate_finish``: rows no longer due removed, stars counted): as the
chunks and the final step of the ``rate_credit`` job (membership/jobs.py, CONV-5), or all in
one transaction by ``credit_rate_month``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from core import clock
from core.dates import add_months, anniversary, month_end, month_start
from core.errors import DomainError
from core.programme import programme
from membership.models import Bill, Brand, CreditRating, Customer, Status, StatusChange

# CREDIT-1: points by brand.
CREDIT_BRAND_POINTS: dict[str, int] = {Brand.GOTONE: 50, Brand.MZONE: 30, Brand.EASYOWN: 20}
# CREDIT-2: (whole years of tenure at least, points), highest first; below 1 year → 0.
CREDIT_TENURE_POINTS: tuple[tuple[int, int], ...] = (
    (5, 300),
    (4, 250),
    (3, 200),
    (2, 150),
    (1, 50),
)
# CREDIT-3: (average monthly spend above, points), highest first; ≤ 20 yuan → 0.
CREDIT_SPEND_BANDS: tuple[tuple[int, int], ...] = (
    (400, 250),
    (200, 200),
    (120, 150),
    (80, 100),
    (50, 50),
    (20, 20),
)
# CREDIT-5: (score at least, stars), highest first; below 100 → no star.
CREDIT_STARS: tuple[tuple[int, int], ...] = ((500, 5), (400, 4), (300, 3), (200, 2), (100, 1))

# Customers per INSERT … SELECT statement (a pk range) of ``credit_rate_month``, the
# whole-table path in one transaction; 20,000 customers' six months of bills aggregate within
# PostgreSQL's default work_mem. The ``rate_credit`` job's chunks are JOB_CHUNK_SIZE.
CHUNK_SIZE = 20_000


# --- The rule in plain Python (explanations and the tests' oracle) -------------------------


def credit_brand_points(brand: str) -> int:
    """CREDIT-1."""
    return CREDIT_BRAND_POINTS.get(brand, 0)


def credit_tenure_points(years: int) -> int:
    """CREDIT-2: by whole years of tenure (CONV-2)."""
    return next((points for minimum, points in CREDIT_TENURE_POINTS if years >= minimum), 0)


def credit_spend_points(average: Decimal) -> int:
    """CREDIT-3: by the average monthly spend; band edges belong to the lower band."""
    return next((points for edge, points in CREDIT_SPEND_BANDS if average > edge), 0)


def credit_suspension_points(suspensions: int) -> int:
    """CREDIT-4: minus the penalty for each move into suspended (a negative number)."""
    return -int(programme("CREDIT_SUSPENSION_PENALTY")) * suspensions


def credit_stars(score: int) -> int:
    """CREDIT-5."""
    return next((stars for minimum, stars in CREDIT_STARS if score >= minimum), 0)


# --- Windows of a rated month ----------------------------------------------------------------


def tenure_cutoff(on: date, years: int) -> date:
    """CONV-2 turned around: tenure on ``on`` is ≥ ``years`` ⇔ joined_on ≤ this date.

    The anniversary moves forward with the join date, so the joins that have reached
    ``years`` by ``on`` are exactly those up to one last date: ``on`` moved back ``years``
    years (28 February when ``on`` is a 29 February and that year is common), or the day
    after it when that is a 29 February whose anniversary (28 February) falls on ``on``.
    """
    year = on.year - years
    try:
        cutoff = on.replace(year=year)
    except ValueError:  # ``on`` is 29 February and ``year`` is a common year
        cutoff = date(year, 2, 28)
    following = cutoff + timedelta(days=1)
    if following.year == year and anniversary(following, on.year) <= on:
        cutoff = following  # a 29 February join reaches its anniversary on 28 February
    return cutoff


def _local_midnight(day: date) -> datetime:
    """CONV-4: the start of ``day`` in the programme's calendar (Asia/Shanghai)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def credit_windows(month: date) -> dict[str, Any]:
    """The dates a rating of ``month`` looks at (CONV-3: as of the month's last day)."""
    month = month_start(month)
    last_day = month_end(month)
    spend_months = int(programme("CREDIT_SPEND_MONTHS"))
    suspension_months = int(programme("CREDIT_SUSPENSION_MONTHS"))
    return {
        "month": month,
        "last_day": last_day,
        # CREDIT-3 Default: the calendar months ending with the rated month.
        "bills_from": add_months(month, -(spend_months - 1)),
        "bills_to": month,
        # CREDIT-4 Default: the months ending on the rated month's last day, local time.
        "suspensions_from": _local_midnight(add_months(month, -(suspension_months - 1))),
        "suspensions_before": _local_midnight(last_day + timedelta(days=1)),
    }


def _cancelled_later(windows: dict[str, Any], customer_ref: str) -> Exists:
    """The line's move into ``cancelled`` happened after the rated month (NOT EXISTS-able)."""
    return Exists(
        StatusChange.objects.filter(
            customer_id=OuterRef(customer_ref),
            to_status=Status.CANCELLED,
            changed_at__gte=windows["suspensions_before"],
        )
    )


def credit_rated_customers(month: date) -> QuerySet[Customer]:
    """Who is rated for ``month`` (Decision D-CREDIT-1): every line that had joined by the
    month's last day and was not cancelled on it. A line cancelled later is still rated for
    the months before its cancellation, so re-running an old month keeps its rows."""
    windows = credit_windows(month)
    return Customer.objects.filter(joined_on__lte=windows["last_day"]).exclude(
        Q(status=Status.CANCELLED) & ~_cancelled_later(windows, "pk")
    )


def _ratings_no_longer_due(month: date) -> QuerySet[CreditRating]:
    """The month's rows of lines that ``credit_rated_customers`` no longer includes."""
    windows = credit_windows(month)
    return CreditRating.objects.filter(month=windows["month"]).filter(
        Q(customer__joined_on__gt=windows["last_day"])
        | (Q(customer__status=Status.CANCELLED) & ~_cancelled_later(windows, "customer_id"))
    )


# --- The monthly run, in SQL ----------------------------------------------------------------


def _case(branches: Iterable[tuple[str, int]], default: int = 0) -> str:
    """CASE WHEN condition THEN integer … ELSE default END; values are our own integers."""
    whens = " ".join(f"WHEN {condition} THEN {int(value)}" for condition, value in branches)
    return f"CASE {whens} ELSE {int(default)} END"


def _json_object(pairs: list[tuple[str, str]]) -> str:
    """A JSON object built in SQL: json_object() on SQLite, jsonb_build_object() on PG."""
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    args = ", ".join(f"'{key}', {expression}" for key, expression in pairs)
    return f"{function}({args})"


def _rating_sql(windows: dict[str, Any], low: int, high: int) -> tuple[str, list[Any]]:
    """One INSERT … SELECT … ON CONFLICT DO UPDATE for the customers with low ≤ pk < high.

    The range is repeated inside the aggregates so that each chunk reads only its own
    customers' bills and status changes. Spend is summed in whole fen (cents) as integers,
    so the band edges compare exactly on SQLite (whose decimals are floats) and PostgreSQL
    alike: mean > edge ⇔ sum_fen > edge × 100 × bill count.
    """
    qn = connection.ops.quote_name
    ops = connection.ops
    rating = qn(CreditRating._meta.db_table)
    customer = qn(Customer._meta.db_table)
    bill = qn(Bill._meta.db_table)
    change = qn(StatusChange._meta.db_table)
    penalty = int(programme("CREDIT_SUSPENSION_PENALTY"))
    last_day = windows["last_day"]

    brand_points = _case(  # CREDIT-1
        [(f"c.brand = '{brand}'", pts) for brand, pts in CREDIT_BRAND_POINTS.items()]
    )
    # CREDIT-2 with CONV-2: tenure ≥ n years on the last day ⇔ joined on or before a cutoff.
    cutoffs = {years: tenure_cutoff(last_day, years) for years, _p in CREDIT_TENURE_POINTS}
    tenure_points = _case(
        [
            (f"c.joined_on <= '{cutoffs[years]:%Y-%m-%d}'", pts)
            for years, pts in CREDIT_TENURE_POINTS
        ],
    )
    tenure_years = _case(
        [
            (f"c.joined_on <= '{cutoffs[years]:%Y-%m-%d}'", years)
            for years, _p in CREDIT_TENURE_POINTS
        ],
    )
    # CREDIT-3: the band of the mean bill (no bill: 0 > 0 is false → 0), compared in fen.
    spend_points = _case(
        [(f"p.bill_fen > {edge * 100} * p.bill_count", pts) for edge, pts in CREDIT_SPEND_BANDS],
    )
    stars = _case([(f"s.score >= {minimum}", st) for minimum, st in CREDIT_STARS])  # CREDIT-5
    breakdown = _json_object(
        [
            ("brand", "s.brand_points"),
            ("tenure", "s.tenure_points"),
            ("spend", "s.spend_points"),
            ("suspensions", f"-{penalty} * s.suspension_count"),  # CREDIT-4
            ("tenure_years", "s.tenure_years"),
            ("bill_count", "s.bill_count"),
            ("bill_fen", "s.bill_fen"),
            ("suspension_count", "s.suspension_count"),
        ]
    )
    # The cutoff dates are ISO literals: a date on PostgreSQL, ISO text on SQLite.
    eligible_sql, eligible_params = (
        credit_rated_customers(windows["month"])
        .filter(pk__gte=low, pk__lt=high)
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    sql = f"""
        INSERT INTO {rating} (customer_id, month, score, stars, breakdown, rated_at)
        SELECT s.customer_id, %s, s.score, {stars}, {breakdown}, %s
        FROM (
            SELECT q.*,
                   q.brand_points + q.tenure_points + q.spend_points
                   - {penalty} * q.suspension_count AS score
            FROM (
                SELECT p.*, {spend_points} AS spend_points
                FROM (
                    SELECT c.id AS customer_id,
                           {brand_points} AS brand_points,
                           {tenure_points} AS tenure_points,
                           {tenure_years} AS tenure_years,
                           COALESCE(b.bill_count, 0) AS bill_count,
                           COALESCE(b.bill_fen, 0) AS bill_fen,
                           COALESCE(x.suspension_count, 0) AS suspension_count
                    FROM {customer} c
                    LEFT JOIN (
                        SELECT customer_id, COUNT(*) AS bill_count,
                               SUM(CAST(ROUND(total * 100) AS BIGINT)) AS bill_fen
                        FROM {bill}
                        WHERE month >= %s AND month <= %s
                          AND customer_id >= %s AND customer_id < %s
                        GROUP BY customer_id
                    ) b ON b.customer_id = c.id
                    LEFT JOIN (
                        SELECT customer_id, COUNT(*) AS suspension_count
                        FROM {change}
                        WHERE to_status = %s AND changed_at >= %s AND changed_at < %s
                          AND customer_id >= %s AND customer_id < %s
                        GROUP BY customer_id
                    ) x ON x.customer_id = c.id
                    WHERE c.id IN ({eligible_sql}) AND c.id >= %s AND c.id < %s
                ) p
            ) q
        ) s
        WHERE TRUE
        ON CONFLICT (customer_id, month) DO UPDATE SET
            score = excluded.score,
            stars = excluded.stars,
            breakdown = excluded.breakdown,
            rated_at = excluded.rated_at
        WHERE {rating}.score <> excluded.score
           OR {rating}.stars <> excluded.stars
           OR {rating}.breakdown <> excluded.breakdown
    """
    params: list[Any] = [
        ops.adapt_datefield_value(windows["month"]),
        ops.adapt_datetimefield_value(clock.now()),
        ops.adapt_datefield_value(windows["bills_from"]),
        ops.adapt_datefield_value(windows["bills_to"]),
        low,
        high,
        Status.SUSPENDED.value,
        ops.adapt_datetimefield_value(windows["suspensions_from"]),
        ops.adapt_datetimefield_value(windows["suspensions_before"]),
        low,
        high,
        *eligible_params,
        low,
        high,
    ]
    return sql, params


def credit_month_check(month: date) -> date:
    """The month to rate (its first day), or a DomainError: CREDIT-1..5 rate a month as of
    its last day, so a month that has not ended (this month, or one to come) is refused —
    rating it would rewrite every line's stars from a month still being billed (the check
    before any chunk of ``rate_credit`` is planned)."""
    month = month_start(month)
    if month_end(month) >= clock.today():
        raise DomainError(
            _("%(month)s has not ended; it can be rated from %(day)s.")
            % {"month": f"{month:%Y-%m}", "day": month_end(month) + timedelta(days=1)},
            code="month_not_ended",
        )
    return month


@transaction.atomic
def credit_rate_range(*, month: date, lo: int, hi: int) -> dict[str, int]:
    """CREDIT-1..5 as of ``month``'s last day for the rated customers with lo ≤ pk < hi: one
    INSERT … SELECT … ON CONFLICT that writes only the rows whose score, stars or breakdown
    changed, so doing a range again changes nothing (CONV-5). Returns ``{"changed": n}``,
    the rows inserted or actually updated. One chunk of the ``rate_credit`` job."""
    windows = credit_windows(month)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statement is costed high enough to trigger JIT compilation, which costs
            # more than it saves on a plain join-and-aggregate (SET LOCAL: this transaction).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(*_rating_sql(windows, lo, hi))
        return {"changed": max(cursor.rowcount, 0)}


def credit_rate_finish(*, month: date, changed: int = 0) -> dict[str, Any]:
    """The final step of a month's rating, once every range is rated: remove the month's
    rows of lines no longer rated (D-CREDIT-1), then count the month's rows by stars
    (CREDIT-5). ``changed`` is the ranges' summed count, passed through to the result."""
    month = month_start(month)
    removed, _detail = _ratings_no_longer_due(month).delete()
    by_stars = dict(
        CreditRating.objects.filter(month=month)
        .values_list("stars")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "month": f"{month:%Y-%m}",
        "rated": sum(by_stars.values()),
        "changed": changed,
        "removed": removed,
        "stars": {str(stars): by_stars.get(stars, 0) for stars in range(5, -1, -1)},
    }


@transaction.atomic
def credit_rate_month(*, month: date, chunk_size: int = CHUNK_SIZE) -> dict[str, Any]:
    """CREDIT-1..5 for every rated customer as of ``month``'s last day (CONV-3), in one
    transaction: the whole-table path (the demo seed, the tests' reference), built from the
    same pieces as the chunked ``rate_credit`` job (membership/jobs.py).

    One row per customer and month (the history is kept). Running a month again replaces
    that month's rows and touches nothing else (CONV-5): a row whose score, stars and
    breakdown are unchanged is not written at all, and rows of customers no longer rated
    for that month are removed. The ranges are pk ranges of ``chunk_size`` customers.
    """
    month = credit_month_check(month)
    bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    changed = 0
    if bounds["low"] is not None:
        for low in range(bounds["low"], bounds["high"] + 1, chunk_size):
            changed += credit_rate_range(month=month, lo=low, hi=low + chunk_size)["changed"]
    return credit_rate_finish(month=month, changed=changed)
