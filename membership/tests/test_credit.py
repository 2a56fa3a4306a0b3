"""Credit stars CREDIT-1..5: the monthly set-based run, its windows and its history."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from core.dates import add_months, month_end, tenure_years
from core.errors import DomainError
from core.jobs import run_job
from core.models import JobRun
from membership.models import Brand, CreditRating, Customer, Status
from membership.selectors.credit import credit_breakdown, credit_history, latest_credit
from membership.services.credit import (
    credit_brand_points,
    credit_month_check,
    credit_rate_month,
    credit_spend_points,
    credit_stars,
    credit_suspension_points,
    credit_tenure_points,
    tenure_cutoff,
)
from tests.factories import (
    BillFactory,
    CreditRatingFactory,
    CustomerFactory,
    StatusChangeFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = date(2026, 10, 1)  # rated as of 2026-10-31 (CONV-3)
RECENT = date(2026, 6, 1)  # joined less than a year before October 2026: tenure 0

pytestmark = pytest.mark.django_db


def rate(month: date = OCTOBER, **kwargs: Any) -> dict[str, Any]:
    return credit_rate_month(month=month, **kwargs)


def rating(customer: Customer, month: date = OCTOBER) -> CreditRating:
    return CreditRating.objects.get(customer=customer, month=month)


def customer_with(
    *,
    brand: str = Brand.GOTONE,
    joined_on: date = RECENT,
    bills: Sequence[str] = (),
    suspensions: int = 0,
    month: date = OCTOBER,
) -> Customer:
    """A customer whose bills fall in the rated month and the months before it."""
    customer = CustomerFactory.create(brand=brand, joined_on=joined_on)
    for n, total in enumerate(bills):
        BillFactory.create(customer=customer, month=add_months(month, -n), total=Decimal(total))
    for n in range(suspensions):
        StatusChangeFactory.create(
            customer=customer,
            changed_at=datetime(month.year, month.month, 1, 10, n, tzinfo=SHANGHAI),
        )
    return customer


# --- CREDIT-1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("brand", "points"), [(Brand.GOTONE, 50), (Brand.MZONE, 30), (Brand.EASYOWN, 20)]
)
def test_credit_1_each_brand_earns_its_points(brand: str, points: int) -> None:
    customer = customer_with(brand=brand)
    rate()
    assert rating(customer).breakdown["brand"] == points
    assert rating(customer).score == points
    assert credit_brand_points(brand) == points


# --- CREDIT-2 (with CONV-2) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined_on", "years", "points"),
    [
        (date(2025, 11, 1), 0, 0),  # one day short of a year on 31 Oct 2026
        (date(2025, 10, 31), 1, 50),  # the anniversary falls on the month's last day
        (date(2024, 11, 1), 1, 50),
        (date(2024, 10, 31), 2, 150),
        (date(2023, 10, 31), 3, 200),
        (date(2022, 10, 31), 4, 250),
        (date(2021, 11, 1), 4, 250),  # five years one day too late
        (date(2021, 10, 31), 5, 300),  # exactly five years on the month's last day
        (date(2001, 1, 1), 5, 300),  # more than five counts as five
    ],
)
def test_credit_2_tenure_points_by_whole_years_on_the_months_last_day(
    joined_on: date, years: int, points: int
) -> None:
    customer = customer_with(brand=Brand.EASYOWN, joined_on=joined_on)
    rate()
    assert rating(customer).breakdown["tenure"] == points
    assert rating(customer).breakdown["tenure_years"] == years
    assert credit_tenure_points(min(tenure_years(joined_on, date(2026, 10, 31)), 5)) == points


@pytest.mark.parametrize(
    ("joined_on", "month", "points"),
    [
        # A 29 February join has its anniversary on 28 February in common years.
        (date(2024, 2, 29), date(2025, 2, 1), 50),  # 28 Feb 2025: one year
        (date(2024, 2, 29), date(2025, 1, 1), 0),
        (date(2020, 2, 29), date(2025, 2, 1), 300),  # 28 Feb 2025: five years
        (date(2020, 3, 1), date(2025, 2, 1), 250),
        # In a leap year the anniversary is 29 February itself.
        (date(2020, 2, 29), date(2024, 2, 1), 250),  # 29 Feb 2024: four years
        (date(2020, 3, 1), date(2024, 2, 1), 200),
        (date(2023, 2, 28), date(2024, 2, 1), 50),  # 28 Feb 2024 ≤ 29 Feb 2024
        (date(2023, 3, 1), date(2024, 2, 1), 0),
    ],
)
def test_credit_2_a_29_february_join_reaches_its_anniversary_on_28_february(
    joined_on: date, month: date, points: int
) -> None:
    customer = customer_with(joined_on=joined_on, month=month)
    rate(month)
    assert rating(customer, month).breakdown["tenure"] == points


@pytest.mark.parametrize(
    "on",
    [
        date(2025, 2, 28),
        date(2024, 2, 29),
        date(2024, 2, 28),
        date(2026, 10, 31),
        date(2026, 3, 1),
        date(2028, 2, 29),
        date(2100, 2, 28),  # 2100 is a common year
    ],
)
def test_credit_2_the_sql_cutoff_agrees_with_tenure_years_for_every_join_date(on: date) -> None:
    for years in range(1, 6):
        cutoff = tenure_cutoff(on, years)
        day = date(on.year - years - 1, 1, 1)
        while day <= date(on.year - years + 1, 12, 31):
            assert (day <= cutoff) == (tenure_years(day, on) >= years), (day, on, years)
            day += timedelta(days=1)


# --- CREDIT-3 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bills", "points"),
    [
        ([], 0),  # no bill at all
        (["20.00"], 0),
        (["20.01"], 20),
        (["50.00"], 20),
        (["50.01"], 50),
        (["80.00"], 50),
        (["80.01"], 100),
        (["120.00"], 100),
        (["120.01"], 150),
        (["200.00"], 150),
        (["200.01"], 200),
        (["400.00"], 200),
        (["400.01"], 250),
        (["19.99", "20.01"], 0),  # the mean is exactly 20.00
        (["20.00", "20.02"], 20),  # the mean is 20.01
        (["0.10", "0.20", "59.70"], 0),  # 60.00 / 3 = 20.00
        (["-30.00", "130.00"], 20),  # a credit note counts as a bill: mean 50.00
    ],
)
def test_credit_3_average_spend_band_edges(bills: list[str], points: int) -> None:
    customer = customer_with(brand=Brand.EASYOWN, bills=bills)
    rate()
    mean = sum((Decimal(b) for b in bills), Decimal(0)) / len(bills) if bills else Decimal(0)
    assert rating(customer).breakdown["spend"] == points
    assert credit_spend_points(mean) == points


def test_credit_3_zero_bills_count_in_the_mean_of_six() -> None:
    customer = customer_with(bills=["0.00"] * 5 + ["120.06"])  # 120.06 / 6 = 20.01
    rate()
    assert rating(customer).breakdown["spend"] == 20
    assert credit_breakdown(rating(customer)).average_spend == Decimal("20.01")


def test_credit_3_counts_only_the_six_calendar_months_ending_with_the_rated_month() -> None:
    customer = CustomerFactory.create(joined_on=RECENT, brand=Brand.EASYOWN)
    BillFactory.create(
        customer=customer, month=date(2026, 4, 1), total=Decimal("9000.00")
    )  # before
    BillFactory.create(
        customer=customer, month=date(2026, 11, 1), total=Decimal("9000.00")
    )  # after
    BillFactory.create(
        customer=customer, month=date(2026, 5, 1), total=Decimal("90.00")
    )  # first in
    BillFactory.create(
        customer=customer, month=date(2026, 10, 1), total=Decimal("10.00")
    )  # last in
    rate()
    parts = credit_breakdown(rating(customer))
    assert parts.bill_count == 2
    assert parts.average_spend == Decimal("50.00")
    assert parts.spend == 20  # 50.00 is in (20, 50]


# --- CREDIT-4 ------------------------------------------------------------------------------


def _shanghai(year: int, month: int, day: int, hour: int, minute: int, second: int) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("changed_at", "to_status", "counted"),
    [
        (_shanghai(2025, 10, 31, 23, 59, 59), Status.SUSPENDED, False),  # 13 months back
        (_shanghai(2025, 11, 1, 0, 0, 0), Status.SUSPENDED, True),  # the window opens
        (_shanghai(2026, 10, 31, 23, 59, 59), Status.SUSPENDED, True),  # the last second
        (_shanghai(2026, 11, 1, 0, 0, 0), Status.SUSPENDED, False),  # the next month
        (_shanghai(2026, 6, 1, 9, 0, 0), Status.PRE_CANCEL, False),  # not a suspension
        (_shanghai(2026, 6, 1, 9, 0, 0), Status.ACTIVE, False),  # reactivation
    ],
)
def test_credit_4_a_suspension_costs_100_within_the_12_months_ending_on_the_last_day(
    changed_at: datetime, to_status: str, counted: bool
) -> None:
    customer = customer_with(brand=Brand.GOTONE)
    StatusChangeFactory.create(customer=customer, changed_at=changed_at, to_status=to_status)
    rate()
    row = rating(customer)
    assert row.breakdown["suspension_count"] == (1 if counted else 0)
    assert row.breakdown["suspensions"] == (-100 if counted else 0)
    assert row.score == (50 - 100 if counted else 50)


def test_credit_4_each_suspension_counts_whatever_its_reason() -> None:
    customer = customer_with(joined_on=date(2020, 1, 1))
    for minute, reason in enumerate(["arrears", "requested", "forced"]):
        StatusChangeFactory.create(
            customer=customer,
            reason=reason,
            changed_at=_shanghai(2026, 3, 1, 10, minute, 0),
        )
    rate()
    assert rating(customer).score == 50 + 300 - 300
    assert credit_suspension_points(3) == -300


# --- CREDIT-5 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("brand", "years", "bill", "suspensions", "score", "stars"),
    [
        (Brand.EASYOWN, 1, "20.01", 0, 90, 0),
        (Brand.MZONE, 1, "20.01", 0, 100, 1),  # exactly 100
        (Brand.EASYOWN, 2, "20.01", 0, 190, 1),
        (Brand.GOTONE, 2, "0.00", 0, 200, 2),  # exactly 200
        (Brand.EASYOWN, 4, "20.01", 0, 290, 2),
        (Brand.GOTONE, 4, "0.00", 0, 300, 3),  # exactly 300
        (Brand.MZONE, 5, "50.01", 0, 380, 3),
        (Brand.GOTONE, 5, "50.01", 0, 400, 4),  # exactly 400
        (Brand.MZONE, 5, "120.01", 0, 480, 4),
        (Brand.GOTONE, 5, "120.01", 0, 500, 5),  # exactly 500
        (Brand.GOTONE, 5, "400.01", 1, 500, 5),  # 600 less one suspension
        (Brand.GOTONE, 0, "0.00", 2, -150, 0),  # a score may go below zero
    ],
)
def test_credit_5_stars_at_each_score_boundary(
    brand: str, years: int, bill: str, suspensions: int, score: int, stars: int
) -> None:
    joined_on = date(2026 - years, 10, 31) if years else RECENT
    customer = customer_with(
        brand=brand, joined_on=joined_on, bills=[bill], suspensions=suspensions
    )
    rate()
    row = rating(customer)
    assert (row.score, row.stars) == (score, stars)
    assert credit_stars(score) == stars
    parts = credit_breakdown(row)
    assert parts.total == score


# --- The run: who, history, CONV-5 ---------------------------------------------------------


def test_cancelled_lines_are_not_rated_but_lines_cancelled_later_are() -> None:
    cancelled = customer_with()
    cancelled.status = Status.CANCELLED
    cancelled.save()
    StatusChangeFactory.create(
        customer=cancelled, to_status=Status.CANCELLED, changed_at=_shanghai(2026, 10, 31, 23, 0, 0)
    )
    cancelled_after = CustomerFactory.create(joined_on=RECENT, status=Status.CANCELLED)
    StatusChangeFactory.create(
        customer=cancelled_after,
        to_status=Status.CANCELLED,
        changed_at=_shanghai(2026, 11, 1, 0, 0, 0),
    )
    imported_cancelled = CustomerFactory.create(joined_on=RECENT, status=Status.CANCELLED)
    suspended = CustomerFactory.create(joined_on=RECENT, status=Status.SUSPENDED)
    pre_cancel = CustomerFactory.create(joined_on=RECENT, status=Status.PRE_CANCEL)

    counts = rate()

    rated = set(CreditRating.objects.values_list("customer_id", flat=True))
    assert rated == {cancelled_after.pk, suspended.pk, pre_cancel.pk}
    assert imported_cancelled.pk not in rated
    assert counts["rated"] == 3


def test_a_line_that_joined_after_the_months_last_day_is_not_rated() -> None:
    on_time = customer_with(joined_on=date(2026, 10, 31))
    CustomerFactory.create(joined_on=date(2026, 11, 1))
    rate()
    assert list(CreditRating.objects.values_list("customer_id", flat=True)) == [on_time.pk]


def test_credit_5_history_is_kept_one_row_per_customer_and_month() -> None:
    customer = customer_with(joined_on=date(2025, 9, 30))
    rate(date(2026, 8, 1))
    rate(date(2026, 9, 1))
    rate(OCTOBER)
    rows = list(credit_history(customer).values_list("month", "score"))
    assert rows == [(date(2026, 10, 1), 100), (date(2026, 9, 1), 100), (date(2026, 8, 1), 50)]
    assert latest_credit(customer) == {"month": "2026-10", "score": 100, "stars": 1}


def test_conv_5_running_a_month_twice_changes_nothing() -> None:
    customers = [
        customer_with(joined_on=date(2020, 2, 29), bills=["88.88", "120.00"], suspensions=1),
        customer_with(brand=Brand.MZONE, bills=["20.00"]),
    ]
    first = rate()
    before = list(CreditRating.objects.order_by("id").values())
    second = rate()
    after = list(CreditRating.objects.order_by("id").values())
    assert after == before  # same ids, scores, breakdowns and even rated_at
    assert first["changed"] == 2
    assert second["changed"] == 0
    assert second["rated"] == first["rated"] == len(customers)


def test_conv_5_rerunning_a_month_replaces_only_that_months_rows() -> None:
    customer = customer_with(joined_on=date(2020, 1, 1), bills=["10.00"])
    rate(date(2026, 9, 1))
    rate(OCTOBER)
    september = CreditRating.objects.get(month=date(2026, 9, 1)).__dict__.copy()
    bill = customer.bills.get(month=OCTOBER)
    bill.total = Decimal("500.00")  # a corrected bill arrives
    bill.save()

    counts = rate(OCTOBER)

    assert counts["changed"] == 1
    assert rating(customer).breakdown["spend"] == 250
    refreshed = CreditRating.objects.get(month=date(2026, 9, 1)).__dict__
    assert {k: v for k, v in refreshed.items() if k != "_state"} == {
        k: v for k, v in september.items() if k != "_state"
    }


def test_conv_5_a_rerun_drops_the_month_row_of_a_line_no_longer_rated() -> None:
    customer = customer_with()
    rate(date(2026, 9, 1))
    rate(OCTOBER)
    Customer.objects.filter(pk=customer.pk).update(status=Status.CANCELLED)  # corrected import
    counts = rate(OCTOBER)
    assert counts["removed"] == 1
    assert list(CreditRating.objects.values_list("month", flat=True)) == [date(2026, 9, 1)]


def random_customers(count: int = 60) -> dict[int, tuple[int, int]]:
    """``count`` customers drawn at random around the rule's edges, and the (score, stars)
    the plain-Python rule gives each for October."""
    rng = random.Random(20261031)
    last_day = month_end(OCTOBER)
    expected: dict[int, tuple[int, int]] = {}
    for _ in range(count):
        joined = last_day - timedelta(days=rng.randrange(0, 8 * 366))
        if rng.random() < 0.1:
            joined = date(rng.choice([2020, 2024]), 2, 29)
        bills = [f"{rng.randrange(0, 60000) / 100:.2f}" for _ in range(rng.randrange(0, 8))]
        suspensions = rng.choice([0, 0, 0, 1, 2])
        brand = rng.choice(list(Brand))
        customer = customer_with(
            brand=brand, joined_on=joined, bills=bills, suspensions=suspensions
        )
        window = bills[:6]  # customer_with puts bills in the rated month and back
        mean = sum((Decimal(b) for b in window), Decimal(0)) / len(window) if window else 0
        score = (
            credit_brand_points(brand)
            + credit_tenure_points(tenure_years(joined, last_day))
            + credit_spend_points(Decimal(mean))
            + credit_suspension_points(suspensions)
        )
        expected[customer.pk] = (score, credit_stars(score))
    return expected


def test_the_run_gives_the_same_result_in_small_chunks_as_the_python_rule() -> None:
    expected = random_customers()

    counts = rate(chunk_size=7)

    got = {row.customer_id: (row.score, row.stars) for row in CreditRating.objects.all()}
    assert got == expected
    assert counts["rated"] == 60
    assert sum(counts["stars"].values()) == 60


def test_a_month_that_has_not_begun_is_refused() -> None:
    with pytest.raises(DomainError, match="has not ended"):
        credit_rate_month(month=date(2999, 1, 1))


def test_an_empty_programme_rates_nobody() -> None:
    assert rate()["rated"] == 0


# --- The chunked job (CONV-5) --------------------------------------------------------------


def month_rows(month: date = OCTOBER) -> list[tuple[Any, ...]]:
    return list(
        CreditRating.objects.filter(month=month)
        .order_by("customer_id")
        .values_list("customer_id", "score", "stars", "breakdown")
    )


def a_row_no_longer_due() -> Customer:
    """A line rated for October, then found cancelled by a corrected import."""
    customer = CustomerFactory.create(joined_on=RECENT, status=Status.CANCELLED)
    CreditRatingFactory.create(customer=customer, month=OCTOBER, score=50, stars=0)
    return customer


def run_credit_job(period: str = "2026-10", **options: Any) -> JobRun:
    outcome = run_job("rate_credit", period, rerun=True, inline=True, **options)
    outcome.run.refresh_from_db()
    return outcome.run


@override_settings(GOTONE={"JOB_CHUNK_SIZE": 7})
def test_credit_5_the_chunked_job_rates_exactly_as_the_whole_table_path() -> None:
    expected = random_customers()
    CreditRating.objects.create(  # another month: neither path touches it
        customer_id=min(expected), month=date(2026, 9, 1), score=1, stars=0, rated_at=timezone.now()
    )
    a_row_no_longer_due()
    whole = rate()
    by_whole = month_rows()
    CreditRating.objects.filter(month=OCTOBER).delete()
    gone = a_row_no_longer_due()

    run = run_credit_job()

    assert run.status == JobRun.Status.SUCCEEDED
    assert run.chunks_total == run.chunks_done == run.chunks.count() >= 9  # 62 customers, 7 a chunk
    assert month_rows() == by_whole
    assert {pk: (score, stars) for pk, score, stars, _b in month_rows()} == expected
    assert not CreditRating.objects.filter(customer=gone).exists()
    assert run.counts == whole  # the same counts: month, rated, changed, removed, stars
    assert (run.counts["rated"], run.counts["changed"], run.counts["removed"]) == (60, 60, 1)
    assert CreditRating.objects.get(month=date(2026, 9, 1)).score == 1


@override_settings(GOTONE={"JOB_CHUNK_SIZE": 3})
def test_conv_5_a_rerun_of_the_chunked_credit_job_changes_nothing() -> None:
    for n in range(8):
        customer_with(joined_on=date(2020 - n, 1, 1), bills=[f"{40 * n}.00"], suspensions=n % 2)
    first = run_credit_job()
    before = list(CreditRating.objects.order_by("id").values())

    again = run_credit_job()

    assert list(CreditRating.objects.order_by("id").values()) == before  # rated_at included
    assert (again.status, again.attempts) == (JobRun.Status.SUCCEEDED, 2)
    assert (first.counts["changed"], again.counts["changed"], again.counts["removed"]) == (8, 0, 0)
    assert again.counts["stars"] == first.counts["stars"]
    assert set(again.chunks.values_list("attempts", flat=True)) == {1}  # planned afresh


def test_credit_5_the_chunked_job_picks_up_a_corrected_bill_on_a_rerun() -> None:
    customer = customer_with(joined_on=date(2020, 1, 1), bills=["10.00"])
    run_credit_job()
    bill = customer.bills.get(month=OCTOBER)
    bill.total = Decimal("500.00")  # a corrected bill arrives
    bill.save()
    again = run_credit_job()
    assert again.counts["changed"] == 1
    assert rating(customer).breakdown["spend"] == 250


def test_credit_5_the_chunked_job_refuses_a_month_that_has_not_begun_before_any_chunk() -> None:
    CustomerFactory.create(joined_on=RECENT)
    run = run_credit_job("2999-01")
    assert run.status == JobRun.Status.FAILED
    assert "2999-01 has not ended" in run.error
    assert not run.chunks.exists()
    assert not CreditRating.objects.exists()


# --- The command (docs/interfaces.md) -------------------------------------------------------


def credit_command(*args: str) -> str:
    out = StringIO()
    call_command("rate_credit", *args, stdout=out)
    return out.getvalue()


def test_credit_5_the_command_records_its_job_run_and_prints_the_contract_line() -> None:
    customer_with(joined_on=date(2020, 1, 1), bills=["130.00"])
    with override_settings(GOTONE={"JOB_CHUNK_SIZE": 1}):
        out = credit_command("2026-10")
    assert out == (
        "credit 2026-10: rated 1 (5★ 1, 4★ 0, 3★ 0, 2★ 0, 1★ 0, 0★ 0); changed 1, removed 0\n"
    )
    run = JobRun.objects.get(job="rate_credit", period="2026-10")
    assert (run.status, run.trigger, run.triggered_by) == ("succeeded", "command", None)
    assert run.counts["rated"] == 1
    assert run.chunks_total == run.chunks_done >= 1


def test_conv_5_the_rate_credit_command_twice_reruns_and_writes_nothing_new() -> None:
    customer_with(joined_on=date(2020, 1, 1), bills=["130.00"])
    first = credit_command("2026-10")
    before = list(CreditRating.objects.values())
    second = credit_command("2026-10")
    assert first.count("\n") == second.count("\n") == 1
    assert "rated 1" in second
    assert "5★ 1" in second
    assert second.endswith("changed 0, removed 0\n")  # this run's own counts
    assert second.split(";")[0] == first.split(";")[0]
    assert list(CreditRating.objects.values()) == before
    run = JobRun.objects.get(job="rate_credit", period="2026-10")
    assert (run.status, run.attempts, run.counts["changed"]) == ("succeeded", 2, 0)


def test_conv_5_the_rate_credit_command_leaves_a_running_run_alone_and_exits_1() -> None:
    customer_with(joined_on=date(2020, 1, 1), bills=["130.00"])
    JobRun.objects.create(
        job="rate_credit", period="2026-10", status="running", started_at=timezone.now()
    )
    with pytest.raises(CommandError, match="run_job rate_credit 2026-10 --resume") as raised:
        credit_command("2026-10")
    assert raised.value.returncode == 1
    assert "already running" in str(raised.value)
    assert not CreditRating.objects.exists()
    assert JobRun.objects.get().status == "running"


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "October"])
def test_conv_5_the_rate_credit_command_refuses_a_bad_month(bad: str) -> None:
    with pytest.raises(CommandError, match="is not a month in the form YYYY-MM") as raised:
        credit_command(bad)
    assert raised.value.returncode == 1
    assert not CreditRating.objects.exists()
    assert not JobRun.objects.exists()  # refused before any run is recorded


def test_credit_5_the_rate_credit_command_refuses_a_month_that_has_not_begun() -> None:
    customer_with()
    with pytest.raises(CommandError, match="2999-01 has not ended") as raised:
        credit_command("2999-01")
    assert raised.value.returncode == 1
    assert not CreditRating.objects.exists()
    assert JobRun.objects.get(job="rate_credit", period="2999-01").status == "failed"


# --- Selectors -----------------------------------------------------------------------------


def test_latest_credit_is_none_for_a_customer_never_rated() -> None:
    assert latest_credit(CustomerFactory.create()) is None


def test_latest_credit_takes_the_newest_month_in_the_contract_form() -> None:
    customer = CustomerFactory.create()
    CreditRatingFactory.create(customer=customer, month=date(2026, 10, 1), score=350, stars=3)
    CreditRatingFactory.create(customer=customer, month=date(2026, 8, 1), score=510, stars=5)
    assert latest_credit(customer) == {"month": "2026-10", "score": 350, "stars": 3}


def test_credit_breakdown_rebuilds_the_average_spend_exactly() -> None:
    row = CreditRatingFactory.create(breakdown={"bill_count": 3, "bill_fen": 6001, "spend": 20})
    parts = credit_breakdown(row)
    assert parts.average_spend == Decimal("20.00")  # 60.01 / 3 = 20.003…
    assert parts.spend == 20
    assert credit_breakdown(CreditRatingFactory.create(breakdown={})).average_spend is None


@pytest.mark.now("2026-12-31 23:00")
def test_credit_5_the_month_that_has_not_ended_is_refused_and_the_last_one_is_not() -> None:
    """CREDIT-1..5 rate a month as of its last day: on its last day it has not ended yet."""
    with pytest.raises(DomainError, match="2026-12 has not ended; it can be rated from 2027-01-01"):
        credit_month_check(date(2026, 12, 1))
    assert credit_month_check(date(2026, 11, 15)) == date(2026, 11, 1)
