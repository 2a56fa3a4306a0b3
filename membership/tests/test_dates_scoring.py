"""core.dates (CONV-2, CONV-3) and membership.scoring (POINTS-1, TIER-3 tenure score)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.dates import (
    add_months,
    anniversary,
    month_end,
    month_start,
    parse_month,
    tenure_months,
    tenure_years,
)
from membership.models import Bill, Customer
from membership.scoring import (
    consumption_points,
    consumption_points_sql,
    tenure_score,
    tenure_score_sql,
)
from tests.factories import BillFactory, CustomerFactory

# --- CONV-2 tenure in years ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined_on", "on", "years"),
    [
        (date(2024, 3, 15), date(2025, 3, 14), 0),  # the rule's own example
        (date(2024, 3, 15), date(2025, 3, 15), 1),  # reaching the anniversary counts
        (date(2024, 3, 15), date(2024, 3, 15), 0),  # the join day itself
        (date(2024, 3, 15), date(2024, 3, 1), 0),  # before joining
        (date(2015, 12, 31), date(2025, 12, 31), 10),
        (date(2016, 1, 1), date(2025, 12, 31), 9),
    ],
)
def test_conv_2_tenure_years_count_whole_years_and_the_anniversary_counts(
    joined_on: date, on: date, years: int
) -> None:
    assert tenure_years(joined_on, on) == years


@pytest.mark.parametrize(
    ("on", "years"),
    [
        (date(2025, 2, 27), 0),
        (date(2025, 2, 28), 1),  # a common year: the anniversary is 28 February
        (date(2025, 3, 1), 1),
        (date(2027, 2, 28), 3),
        (date(2028, 2, 28), 3),  # a leap year: the anniversary is 29 February itself
        (date(2028, 2, 29), 4),
    ],
)
def test_conv_2_a_29_february_join_has_its_anniversary_on_28_february_in_common_years(
    on: date, years: int
) -> None:
    assert tenure_years(date(2024, 2, 29), on) == years


@pytest.mark.parametrize(
    ("year", "day"),
    [(2025, date(2025, 2, 28)), (2028, date(2028, 2, 29)), (2100, date(2100, 2, 28))],
)
def test_conv_2_anniversary_of_a_leap_day_join(year: int, day: date) -> None:
    assert anniversary(date(2024, 2, 29), year) == day


# --- CONV-2 tenure in months and month-end clamping ----------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # clamped to a leap February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),  # and a common one
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 5, 31), 1, date(2024, 6, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),  # across the year
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 10, 1), -5, date(2024, 5, 1)),
    ],
)
def test_conv_2_add_months_clamps_to_the_end_of_a_shorter_month(
    day: date, months: int, result: date
) -> None:
    assert add_months(day, months) == result


@pytest.mark.parametrize(
    ("joined_on", "on", "months"),
    [
        (date(2024, 3, 15), date(2024, 4, 14), 0),
        (date(2024, 3, 15), date(2024, 4, 15), 1),
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # the month's last day stands in for 31
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2024, 1, 31), date(2024, 3, 30), 1),
        (date(2024, 1, 31), date(2024, 3, 31), 2),
        (date(2024, 2, 29), date(2024, 3, 28), 0),
        (date(2024, 2, 29), date(2024, 3, 29), 1),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2024, 3, 15), date(2024, 3, 1), 0),  # before joining
        (date(2020, 1, 1), date(2024, 12, 31), 59),  # POINTS-2 boundary: 60 from 1 Jan 2025
        (date(2020, 1, 1), date(2025, 1, 1), 60),
    ],
)
def test_conv_2_tenure_months_count_whole_months(joined_on: date, on: date, months: int) -> None:
    assert tenure_months(joined_on, on) == months


def test_conv_2_months_and_years_agree_for_every_join_date_of_a_leap_cycle() -> None:
    """Twelve whole months make a whole year, 29 February joins included."""
    checkpoints = [month_end(date(2027, m, 1)) for m in range(1, 13)] + [
        date(2028, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]
    join = date(2023, 1, 1)
    while join <= date(2026, 12, 31):
        for on in checkpoints:
            assert tenure_months(join, on) // 12 == tenure_years(join, on), (join, on)
        join += timedelta(days=1)


# --- CONV-3 and months ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2100, 2, 1), date(2100, 2, 28)),
        (date(2000, 2, 1), date(2000, 2, 29)),
        (date(2026, 12, 31), date(2026, 12, 31)),
        (date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_conv_3_a_monthly_rule_looks_at_the_months_last_day(day: date, last: date) -> None:
    assert month_end(day) == last
    assert month_start(day) == day.replace(day=1)


def test_parse_month_reads_yyyy_mm() -> None:
    assert parse_month("2026-10") == date(2026, 10, 1)


@pytest.mark.parametrize("bad", ["2026-1", "26-10", "2026-13", "2026-00", "October", "2026-10-01"])
def test_parse_month_refuses_anything_else(bad: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each bad form raises its own message
        parse_month(bad)


# --- POINTS-1 consumption points -----------------------------------------------------------

POINTS_CASES = [
    ("100.99", 100),  # fractions earn nothing
    ("100.00", 100),
    ("1.00", 1),
    ("0.99", 0),
    ("0.00", 0),  # zero earns nothing
    ("-5.50", 0),  # nor a negative total
    ("3999.99", 3999),
    ("4000.00", 4000),
    ("1234567890.99", 1234567890),
]


@pytest.mark.parametrize(("total", "points"), POINTS_CASES)
def test_points_1_one_point_per_whole_yuan(total: str, points: int) -> None:
    assert consumption_points(Decimal(total)) == points


@pytest.mark.django_db
def test_points_1_the_sql_expression_gives_the_same_points() -> None:
    customer = CustomerFactory.create()
    for n, (total, _points) in enumerate(POINTS_CASES):
        BillFactory.create(customer=customer, month=date(2020 + n, 1, 1), total=Decimal(total))
    got = dict(
        Bill.objects.annotate(points=consumption_points_sql()).values_list("total", "points")
    )
    assert {str(total): points for total, points in got.items()} == dict(POINTS_CASES)


# --- TIER-3 tenure score -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "score"), [(0, 0), (1, 100), (2, 100), (3, 200), (9, 200), (10, 300), (25, 300)]
)
def test_tier_3_tenure_score_by_whole_years(years: int, score: int) -> None:
    assert tenure_score(years) == score


TENURE_JOINS = [
    date(2026, 1, 1),  # 0 years on 31 Dec 2026
    date(2025, 12, 31),  # exactly 1 year on 31 Dec 2026
    date(2024, 1, 1),  # 2 years
    date(2023, 12, 31),  # exactly 3 years
    date(2017, 1, 1),  # 9 years
    date(2016, 12, 31),  # exactly 10 years
    date(2016, 2, 29),  # a leap-day join, 10 years
    date(2024, 2, 29),  # 2 years
    date(2027, 1, 1),  # joined after the rated year
]


@pytest.mark.django_db
def test_tier_3_the_sql_tenure_score_matches_tenure_on_31_december() -> None:
    for n, joined_on in enumerate(TENURE_JOINS):
        CustomerFactory.create(msisdn=f"1370000{n:04d}", joined_on=joined_on)
    got = dict(
        Customer.objects.annotate(score=tenure_score_sql(2026)).values_list("joined_on", "score")
    )
    expected = {
        joined_on: tenure_score(tenure_years(joined_on, date(2026, 12, 31)))
        for joined_on in TENURE_JOINS
    }
    assert got == expected
    assert [expected[d] for d in TENURE_JOINS] == [0, 100, 100, 200, 200, 300, 300, 100, 0]
