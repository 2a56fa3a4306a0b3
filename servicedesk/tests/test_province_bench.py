"""The province generator and benchmark measure what they say (issue: province scale).

No timings here: the generator's files pass the real import path, the floors do the same work
as the jobs (same rows), and the jobs' query counts do not grow with the number of customers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from membership.models import Bill, Customer, LevelGrant, RatingRun, Usage
from membership.province import ProvinceFiles, generate_province, msisdn_of
from membership.services.imports import bills_import, customers_import, usage_import
from membership.services.rating import get_policy
from points.models import Entry
from points.services.accrual import accrual_run_open, accrue_range, points_accrue
from servicedesk import province_bench as bench

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-12-03")]

ON_POSTGRES = connection.vendor == "postgresql"
PERIODS = bench.Periods.for_today(date(2026, 12, 3))


def _province(tmp_path: Path, customers: int, seed: int = 7) -> ProvinceFiles:
    return generate_province(
        tmp_path / f"p{customers}-{seed}",
        customers=customers,
        last_month=PERIODS.last_month,
        usage_day=PERIODS.birthday,
        seed=seed,
    )


def _load(files: ProvinceFiles) -> None:
    for service, path in (
        (customers_import, files.customers),
        (bills_import, files.bills),
        (usage_import, files.usage),
    ):
        result = service(path_or_file=path)
        assert result.ok, result.errors[:5]


def test_periods_put_every_job_in_the_past_with_lots_old_enough_to_expire() -> None:
    assert PERIODS.last_month == date(2024, 12, 1)
    assert PERIODS.first_month == date(2023, 12, 1)  # 13 months
    assert PERIODS.rating_year == 2024
    # POINTS-6: expire_points 2025 (31 Dec 2025 has passed) clears lots earned in 2023,
    # which the accrual of the first billed month (2023-12) creates.
    assert PERIODS.expire_year - 2 == PERIODS.first_month.year


def test_generated_province_goes_through_the_real_imports(tmp_path: Path) -> None:
    files = _province(tmp_path, 300)
    _load(files)
    assert Customer.objects.count() == files.customer_rows == 300
    assert Bill.objects.count() == files.bill_rows
    assert Usage.objects.count() == files.usage_rows
    # 13 months at most per customer, none before the month they joined (CUST-9)
    assert files.bill_rows <= 300 * 13
    for customer in Customer.objects.all()[:50]:
        months = list(customer.bills.values_list("month", flat=True))
        assert all(m >= customer.joined_on.replace(day=1) for m in months)
        assert all(PERIODS.first_month <= m <= PERIODS.last_month for m in months)
    brands = set(Customer.objects.values_list("brand", flat=True))
    assert brands == {"gotone", "mzone", "easyown"}
    assert Customer.objects.filter(status="active").count() > 250


def test_generator_is_deterministic_and_numbers_are_unique(tmp_path: Path) -> None:
    first, second = _province(tmp_path, 120, seed=3), _province(tmp_path, 120, seed=3)
    assert first.customers.read_bytes() == second.customers.read_bytes()
    assert first.bills.read_bytes() == second.bills.read_bytes()
    assert len({msisdn_of(i) for i in range(100_000)}) == 100_000


def test_usage_is_the_birthday_customers_day(tmp_path: Path) -> None:
    files = _province(tmp_path, 2000)
    _load(files)
    days = set(Usage.objects.values_list("date", flat=True))
    assert days <= {PERIODS.birthday}
    for usage in Usage.objects.select_related("customer")[:20]:
        birth = usage.customer.birth_date
        assert birth is not None
        assert (birth.month, birth.day) == (PERIODS.birthday.month, PERIODS.birthday.day)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: the floors are PostgreSQL SQL")
def test_floors_do_the_same_work_as_the_jobs(tmp_path: Path) -> None:
    files = _province(tmp_path, 600)
    _load(files)
    year = str(PERIODS.rating_year)
    # the feeds: COPY into a bare table loads every row of the file
    _s, rows = bench.timed_floor(bench.floor_copy(files.bills, bench.BILL_COLUMNS))
    assert rows == files.bill_rows
    _s, rows = bench.timed_floor(bench.floor_copy(files.customers, bench.CUSTOMER_COLUMNS))
    assert rows == files.customer_rows
    # TIER-3: the floor's GROUP BY rates the same customers and grants the same number
    _s, rated = bench.timed_floor(bench.floor_rating_preview(PERIODS.rating_year))
    _s, floor_grants = bench.timed_floor(bench.floor_rating_commit(PERIODS.rating_year))
    run = get_policy("gotone_annual").commit(period=year)
    granted = LevelGrant.objects.filter(rating_run=run).count()
    assert granted > 0
    assert floor_grants == granted == run.counts["granted"]
    assert rated == run.counts["rated"]
    # POINTS-1/2: the floor writes as many entries as the accrual
    _s, floor_entries = bench.timed_floor(bench.floor_accrual(PERIODS.last_month))
    points_accrue(month=PERIODS.last_month)
    assert floor_entries == Entry.objects.filter(month=PERIODS.last_month).count() > 0
    assert not RatingRun.objects.filter(period="1999").exists()


class _Undo(Exception):
    def __init__(self, value: int) -> None:
        self.value = value


def _imports(files: ProvinceFiles) -> None:
    assert customers_import(path_or_file=files.customers).ok
    assert bills_import(path_or_file=files.bills).ok


def _accrual_chunk(files: ProvinceFiles) -> None:
    run = accrual_run_open(month=PERIODS.last_month)
    counts = accrue_range(run, lo=0, hi=2**62)
    assert counts["accrual"] > 0


def _rating(files: ProvinceFiles) -> None:
    run = get_policy("gotone_annual").commit(period=str(PERIODS.rating_year))
    assert run.counts["granted"] > 0


@pytest.mark.parametrize("work", ["imports", "accrual", "rating"])
def test_cust_9_points_1_tier_3_job_statements_do_not_grow_with_the_customers(
    work: str, tmp_path: Path
) -> None:
    """CUST-9 imports, a POINTS-1..4 accrual chunk and the TIER-3 commit issue the same number
    of statements for 100 customers as for 300 (fewer than one 5,000-row batch of bills
    either way): set-based, never a statement per row."""
    if work == "imports":
        measure: Callable[[ProvinceFiles], None] = _imports
    else:
        step = _accrual_chunk if work == "accrual" else _rating

        def measure(files: ProvinceFiles) -> None:
            _imports(files)
            with CaptureQueriesContext(connection) as inner:
                step(files)
            raise _Undo(len(inner))

    def counted(size: int) -> int:
        files = _province(tmp_path, size, seed=size)
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    measure(files)
                raise _Undo(len(queries))
        except _Undo as undo:
            return undo.value

    assert counted(100) == counted(300)
