"""Property-based tests (hypothesis) of the engines: levels, credit stars, points.

For any input the engines must give a defined result (a level of TIER-1 or none, 0–5
stars), never a negative balance, and the same result when run twice (CONV-5). The set-based
SQL of each engine is checked against its plain-Python twin — the rule as written — on
generated customers and bills.

Database-backed properties build each example inside a savepoint that is rolled back, so
examples never see each other's rows (hypothesis runs every example inside the one
function-scoped ``db`` fixture, hence ``HealthCheck.function_scoped_fixture``). Examples are
few and small: the whole module runs in well under a minute on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dates import add_months, month_end, tenure_months, tenure_years
from core.errors import DomainError
from core.programme import programme
from core.validators import normalise_msisdn
from membership.models import (
    LEVEL_RANK,
    RANK_LEVEL,
    Bill,
    Brand,
    CreditRating,
    Customer,
    GrantSource,
    Level,
    LevelGrant,
    Status,
    StatusChange,
)
from membership.scoring import consumption_points, tenure_score
from membership.selectors.levels import customers_with_level, effective_level
from membership.services.credit import (
    credit_brand_points,
    credit_rate_month,
    credit_spend_points,
    credit_stars,
    credit_tenure_points,
    tenure_cutoff,
)
from membership.services.grants import grant_create
from membership.services.rating import GoToneAnnualPolicy, RollingAveragePolicy
from membership.services.rating.base import level_of_rank
from membership.services.rating.gotone import rank_for_score
from points.models import Entry, EntryKind, Lot, Redemption
from points.selectors import accrual_start, balances
from points.services import points_accrue
from points.services.accrual import brand_reward_percent, tenure_reward_percent
from points.services.ledger import take_oldest_first
from points.services.redemptions import redemption_cancel, redemption_create
from points.tests.builders import make_item
from tests.builders import make_customer
from tests.factories import points_earned

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = "2026-11-25 10:00"
LEVELS = [*Level.values]

# Pure functions: many examples, no database.
PURE = settings(max_examples=200, deadline=None, database=None)
# Database-backed: few, small examples, each in a rolled-back savepoint.
DB = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's rows, gone afterwards (a savepoint inside the test's transaction)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def customer(**fields: Any) -> Customer:
    return make_customer(**fields)


# --- strategies ------------------------------------------------------------------------------

# CONV-1: yuan with 2 decimals, credits included, with the rules' edges made likely.
EDGES = [Decimal(v) for v in ("0", "0.99", "1", "20", "20.01", "50", "150", "300", "450")]
money = st.one_of(
    st.decimals(
        min_value=Decimal("-300"),
        max_value=Decimal("6000"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.sampled_from(EDGES),
    st.sampled_from(EDGES).map(lambda edge: edge - Decimal("0.01")),
)
join_days = st.dates(min_value=date(1996, 1, 1), max_value=date(2026, 10, 31))
brands = st.sampled_from(Brand.values)


# --- TIER-1/3: levels from scores ------------------------------------------------------------


@PURE
@given(st.integers(min_value=-10_000, max_value=100_000), st.integers(0, 20_000))
def test_tier_3_every_score_has_a_defined_level_and_more_never_rates_lower(
    score: int, more: int
) -> None:
    rank = rank_for_score(score)
    assert rank in {0, *LEVEL_RANK.values()}
    assert level_of_rank(rank) in {*LEVELS, "none"}
    assert rank_for_score(score + more) >= rank  # monotone
    assert rank_for_score(score) == rank  # deterministic


@PURE
@given(st.integers(0, 80), st.integers(0, 80))
def test_tier_3_tenure_score_is_one_of_the_rule_s_steps_and_grows_with_tenure(
    years: int, more: int
) -> None:
    assert tenure_score(years) in {0, 100, 200, 300}
    assert tenure_score(years + more) >= tenure_score(years)


@PURE
@given(money)
def test_points_1_consumption_points_are_whole_yuan_never_negative(total: Decimal) -> None:
    points = consumption_points(total)
    assert points >= 0
    assert points == (int(total) if total > 0 else 0)  # whole yuan, fractions dropped


# --- CONV-2: tenure ----------------------------------------------------------------------------


@PURE
@given(join_days, st.dates(min_value=date(1996, 1, 1), max_value=date(2040, 12, 31)))
def test_conv_2_tenure_cutoff_is_tenure_years_turned_around(joined: date, on: date) -> None:
    years = tenure_years(joined, on)
    assert years >= 0
    assert tenure_months(joined, on) // 12 == years
    for n in (1, 2, 3, 5, 10):
        assert (joined <= tenure_cutoff(on, n)) == (years >= n)


# --- CREDIT-1..5 in Python ---------------------------------------------------------------------


@PURE
@given(
    brands,
    st.integers(0, 60),
    money,
    st.integers(0, 12),
)
def test_credit_5_every_score_gives_zero_to_five_stars_monotone_in_each_part(
    brand: str, years: int, spend: Decimal, suspensions: int
) -> None:
    score = (
        credit_brand_points(brand)
        + credit_tenure_points(years)
        + credit_spend_points(spend)
        - 100 * suspensions
    )
    assert credit_stars(score) in range(6)
    assert credit_tenure_points(years + 1) >= credit_tenure_points(years)
    assert credit_spend_points(spend + Decimal("0.01")) >= credit_spend_points(spend)
    assert credit_stars(score + 1) >= credit_stars(score)


# --- POINTS-5: oldest first ------------------------------------------------------------------


@PURE
@given(st.lists(st.integers(0, 5000), min_size=0, max_size=6), st.integers(0, 40_000))
def test_points_5_taking_oldest_first_never_overdraws_a_lot(
    balances_: list[int], wanted: int
) -> None:
    lots = [Lot(year=2020 + i, balance=b) for i, b in enumerate(balances_)]
    plan = take_oldest_first(lots, wanted)
    taken = [take for _lot, take in plan]
    assert all(0 < take <= lot.balance for lot, take in plan)
    assert sum(taken) == min(wanted, sum(balances_))
    if plan:  # every lot before the last one touched is emptied (先产生的积分先消费)
        last = lots.index(plan[-1][0])
        emptied = {lot.year for lot, take in plan if take == lot.balance}
        assert all(lot.year in emptied for lot in lots[:last] if lot.balance)


# --- CUST-1 / D-VALID-3: the phone number normaliser ------------------------------------------

FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")


@PURE
@given(
    st.from_regex(r"\A1[3-9][0-9]{9}\Z", fullmatch=True),
    st.sampled_from(["", "+86", "0086", "86", "＋86", "+86 "]),
    st.lists(st.sampled_from([" ", "-", "\u3000", "－", "—"]), min_size=10, max_size=10),
    st.lists(st.booleans(), min_size=10, max_size=10),
    st.booleans(),
)
def test_cust_1_a_number_typed_any_usual_way_normalises_to_its_eleven_digits(
    number: str, prefix: str, separators: list[str], gaps: list[bool], full_width: bool
) -> None:
    typed = prefix + "".join(
        digit + (separator if gap else "")
        for digit, separator, gap in zip(number, [*separators, ""], [*gaps, False], strict=True)
    )
    if full_width:
        typed = typed.translate(FULL_WIDTH)
    assert normalise_msisdn(typed) == number
    assert normalise_msisdn(normalise_msisdn(typed)) == number  # idempotent


# --- TIER-2: the effective level (database) -----------------------------------------------

grant_specs = st.lists(
    st.tuples(
        st.sampled_from(LEVELS),
        st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
        st.one_of(st.none(), st.integers(0, 500)),
        st.sampled_from([GrantSource.PLAN, GrantSource.KEY_PERSON, GrantSource.ANNUAL]),
    ),
    max_size=5,
)


@pytest.mark.django_db
@DB
@given(grant_specs, st.dates(min_value=date(2023, 6, 1), max_value=date(2027, 6, 1)))
def test_tier_2_the_effective_level_is_the_highest_valid_grant_or_none(
    specs: list[tuple[str, date, int | None, str]], on: date
) -> None:
    with rolled_back():
        line = customer()
        for level, start, days, source in specs:
            until = None if days is None else start + timedelta(days=days)
            grant_create(
                customer=line, level=level, source=source, valid_from=start, valid_until=until
            )
        valid = [
            LEVEL_RANK[level]
            for level, start, days, _source in specs
            if start <= on and (days is None or on <= start + timedelta(days=days))
        ]
        expected = RANK_LEVEL[max(valid)] if valid else None
        assert effective_level(line, on) == expected
        assert effective_level(line, on) == expected  # the same when asked again
        rank = customers_with_level(on).get(pk=line.pk).level_rank
        assert RANK_LEVEL.get(rank) == expected  # the SQL twin agrees


# --- TIER-3/4: the annual rating (database) --------------------------------------------------

YEAR = 2025
rated_lines = st.lists(
    st.tuples(
        brands,
        join_days,
        st.sampled_from([Status.ACTIVE, Status.SUSPENDED, Status.PRE_CANCEL, Status.CANCELLED]),
        st.lists(st.tuples(st.integers(1, 12), money), max_size=6),
    ),
    min_size=1,
    max_size=4,
)


@pytest.mark.django_db
@pytest.mark.now(TODAY)
@settings(DB, max_examples=10)  # a preview and a commit each: the slowest example here
@given(rated_lines)
def test_tier_3_the_annual_rating_matches_the_rule_and_is_the_same_twice(
    lines: list[tuple[str, date, str, list[tuple[int, Decimal]]]],
) -> None:
    with rolled_back():
        expected: dict[int, str | None] = {}
        for brand, joined, status, bills in lines:
            line = customer(brand=brand, joined_on=joined, status=status)
            months = dict(bills)  # one bill a month
            for month, total in months.items():
                Bill.objects.create(customer=line, month=date(YEAR, month, 1), total=total)
            if (
                brand == Brand.GOTONE
                and joined <= date(YEAR - 1, 12, 31)
                and (status != Status.CANCELLED)
            ):
                score = sum(consumption_points(t) for t in months.values()) + tenure_score(
                    tenure_years(joined, date(YEAR, 12, 31))
                )
                expected[line.pk] = RANK_LEVEL.get(rank_for_score(score))
        policy = GoToneAnnualPolicy()
        rows = {r["id"]: r["new_level"] for r in policy.scores(YEAR).values("id", "new_level")}
        assert rows == expected
        assert all(level in {*LEVELS, None} for level in rows.values())
        again = {r["id"]: r["new_level"] for r in policy.scores(YEAR).values("id", "new_level")}
        assert again == rows  # the same twice
        preview = policy.preview(period=str(YEAR), sample=3, record=False)
        assert preview.rated == len(expected)
        assert preview.per_level == {
            level: sum(1 for found in expected.values() if (found or "none") == level)
            for level in [*LEVELS, "none"]
        }
        run = policy.commit(period=str(YEAR))
        granted = dict(
            LevelGrant.objects.filter(rating_run=run).values_list("customer_id", "level")
        )
        assert granted == {pk: level for pk, level in expected.items() if level}
        with pytest.raises(DomainError):  # CONV-5: committed once, the second changes nothing
            policy.commit(period=str(YEAR))
        assert LevelGrant.objects.filter(source=GrantSource.ANNUAL).count() == len(granted)


# --- TIER-11: the rolling-average rating (database) -------------------------------------------

ROLLING_MONTH = date(2026, 10, 1)
rolling_lines = st.lists(
    st.lists(st.tuples(st.integers(0, 7), money), min_size=1, max_size=6),
    min_size=1,
    max_size=3,
)


@pytest.mark.django_db
@pytest.mark.now(TODAY)
@DB
@given(rolling_lines)
def test_tier_11_the_rolling_rating_uses_the_exact_mean_of_six_months(
    lines: list[list[tuple[int, Decimal]]],
) -> None:
    """The mean bill of the 6 months ending with the rated month against 150 / 300 / 450;
    bills of older months do not count; a mean at the threshold reaches it."""
    thresholds = sorted(
        ((LEVEL_RANK[level], Decimal(v)) for level, v in programme("ROLLING_THRESHOLDS").items()),
        reverse=True,
    )
    with rolled_back():
        expected: dict[int, str | None] = {}
        for bills in lines:
            line = customer(brand=Brand.GOTONE, joined_on=date(2015, 1, 1))
            months = dict(bills)
            for back, total in months.items():
                month = date(2026, 10 - back, 1)
                Bill.objects.create(customer=line, month=month, total=total)
            window = [total for back, total in months.items() if back < 6]
            if window:
                mean = sum(window) / len(window)
                rank = next((r for r, minimum in thresholds if mean >= minimum), 0)
                expected[line.pk] = RANK_LEVEL.get(rank)
        policy = RollingAveragePolicy()
        rows = {
            r["id"]: r["new_level"] for r in policy.scores(ROLLING_MONTH).values("id", "new_level")
        }
        assert rows == expected
        again = {
            r["id"]: r["new_level"] for r in policy.scores(ROLLING_MONTH).values("id", "new_level")
        }
        assert again == rows


def _rolling_rank(bills: dict[date, Decimal], month: date) -> int | None:
    """TIER-11 in plain Python: the rank the mean bill of the 6 months ending with ``month``
    reaches (0 below silver), None when there is no bill to rate."""
    window = [total for day, total in bills.items() if add_months(month, -5) <= day <= month]
    if not window:
        return None
    mean = sum(window) / len(window)
    table = programme("ROLLING_THRESHOLDS")
    return max((LEVEL_RANK[level] for level, v in table.items() if mean >= Decimal(v)), default=0)


@pytest.mark.django_db
@pytest.mark.now(TODAY)
@settings(DB, max_examples=15)
@given(st.lists(st.lists(st.tuples(st.integers(0, 6), money), max_size=6), min_size=1, max_size=3))
def test_tier_11_within_validity_a_level_only_rises(
    lines: list[list[tuple[int, Decimal]]],
) -> None:
    """Two monthly runs (bills of August, then of September 2026): a rise ends the August
    grant on 8 October and starts a 12-month one on the 9th; a fall changes nothing; never
    two rolling grants on one day."""
    august, september = date(2026, 8, 1), date(2026, 9, 1)
    with rolled_back():
        expected: dict[int, list[tuple[int, date, date | None]]] = {}
        for bills in lines:
            line = customer(brand=Brand.GOTONE, joined_on=date(2015, 1, 1))
            months = {date(2026, 9 - back, 1): total for back, total in bills}
            for month, total in months.items():
                Bill.objects.create(customer=line, month=month, total=total)
            first, second = _rolling_rank(months, august), _rolling_rank(months, september)
            grants: list[tuple[int, date, date | None]] = []
            if first:
                grants.append((first, date(2026, 9, 9), date(2027, 9, 8)))
            if second and second > (first or 0):
                if first:
                    grants[0] = (first, date(2026, 9, 9), date(2026, 10, 8))
                grants.append((second, date(2026, 10, 9), date(2027, 10, 8)))
            expected[line.pk] = grants
        policy = RollingAveragePolicy()
        policy.commit(period="2026-08")
        policy.commit(period="2026-09")
        found: dict[int, list[tuple[int, date, date | None]]] = {pk: [] for pk in expected}
        for pk, rank, start, until in LevelGrant.objects.order_by("valid_from").values_list(
            "customer_id", "rank", "valid_from", "valid_until"
        ):
            found[pk].append((rank, start, until))
        assert found == expected
        for grants in found.values():  # one rolling grant a day at most
            for (_r1, _s1, end), (_r2, start, _e2) in itertools.pairwise(grants):
                assert end is not None
                assert end < start


# --- CREDIT-1..5: the monthly run against its Python twin (database) --------------------------

CREDIT_MONTH = date(2026, 10, 1)
credit_lines = st.lists(
    st.tuples(
        brands,
        st.dates(min_value=date(2018, 1, 1), max_value=date(2026, 11, 20)),
        st.sampled_from([Status.ACTIVE, Status.SUSPENDED, Status.PRE_CANCEL, Status.CANCELLED]),
        st.lists(st.tuples(st.integers(0, 7), money), max_size=6),
        # suspensions, in minutes before the end of the rated month (its window is the 12
        # months ending then: 525,600 minutes back from 1 Nov 2026 is 1 Nov 2025, 00:00)
        st.lists(
            st.one_of(st.integers(1, 600_000), st.sampled_from([1, 525_600, 525_601])),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=4,
)


@pytest.mark.django_db
@pytest.mark.now(TODAY)
@DB
@given(credit_lines, st.sampled_from([1, 2, 20_000]))
def test_credit_1_to_5_the_monthly_run_matches_the_rule_and_a_second_run_changes_nothing(
    lines: list[tuple[str, date, str, list[tuple[int, Decimal]], list[int]]], chunk: int
) -> None:
    """Whatever the chunk size (D-CREDIT-4: the job's pk ranges), the same rows."""
    last_day = month_end(CREDIT_MONTH)
    window_start = datetime.combine(date(2025, 11, 1), time.min, tzinfo=SHANGHAI)
    window_end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    with rolled_back():
        expected: dict[int, tuple[int, int]] = {}
        for brand, joined, status, bills, suspended_days in lines:
            line = customer(brand=brand, joined_on=joined, status=status)
            months = dict(bills)
            for back, total in months.items():
                Bill.objects.create(customer=line, month=date(2026, 10 - back, 1), total=total)
            counted = 0
            for minutes in suspended_days:
                at = window_end - timedelta(minutes=minutes)
                StatusChange.objects.create(
                    customer=line,
                    from_status=Status.ACTIVE,
                    to_status=Status.SUSPENDED,
                    reason="arrears",
                    changed_at=at,
                )
                counted += window_start <= at < window_end
            if joined > last_day or status == Status.CANCELLED:
                continue  # D-CREDIT-1: not rated (an imported cancellation has no move)
            window = [total for back, total in months.items() if back < 6]
            mean = Decimal(sum(window)) / len(window) if window else Decimal(0)
            score = (
                credit_brand_points(brand)
                + credit_tenure_points(tenure_years(joined, last_day))
                + credit_spend_points(mean)
                - 100 * counted
            )
            expected[line.pk] = (score, credit_stars(score))
        first = credit_rate_month(month=CREDIT_MONTH, chunk_size=chunk)
        rows = {
            r.customer_id: (r.score, r.stars)
            for r in CreditRating.objects.filter(month=CREDIT_MONTH)
        }
        assert rows == expected
        assert all(stars in range(6) for _score, stars in rows.values())
        stamps = dict(CreditRating.objects.values_list("customer_id", "rated_at"))
        second = credit_rate_month(month=CREDIT_MONTH, chunk_size=chunk)
        assert second["changed"] == 0  # CONV-5
        assert (second["rated"], second["stars"]) == (first["rated"], first["stars"])
        assert dict(CreditRating.objects.values_list("customer_id", "rated_at")) == stamps


# --- POINTS-1..4: accrual, a corrected bill, and spending in between (database) -------------

ACCRUAL_MONTH = date(2026, 10, 1)
accrual_lines = st.lists(
    st.tuples(
        brands,
        join_days,
        st.one_of(st.none(), st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31))),
        st.sampled_from([Status.ACTIVE, Status.SUSPENDED, Status.CANCELLED]),
        st.one_of(st.none(), st.sampled_from(LEVELS)),
        money,  # the bill
        money,  # the bill as re-imported
        st.integers(0, 100),  # percent of the balance spent before the re-import
    ),
    min_size=1,
    max_size=4,
)


def _owed(line: Customer, total: Decimal) -> dict[str, int]:
    """POINTS-1..3 in plain Python: what a line should hold for ACCRUAL_MONTH's bill."""
    start = accrual_start(line)
    if line.status == Status.CANCELLED or start is None or start > ACCRUAL_MONTH:
        return {}
    end = month_end(ACCRUAL_MONTH)
    points = consumption_points(total)
    level = effective_level(line, end)
    parts = {
        EntryKind.ACCRUAL: points,
        EntryKind.REWARD_BRAND: points * brand_reward_percent(line.brand, level) // 100,
        EntryKind.REWARD_TENURE: points
        * tenure_reward_percent(tenure_months(line.joined_on, end))
        // 100,
    }
    return {kind: amount for kind, amount in parts.items() if amount}


def _held(line: Customer) -> dict[str, int]:
    """The month's accrual parts as the ledger has them (corrections included)."""
    held: dict[str, int] = {}
    for kind, corrects, amount in Entry.objects.filter(
        customer=line, month=ACCRUAL_MONTH
    ).values_list("kind", "corrects", "amount"):
        part = corrects or kind
        held[part] = held.get(part, 0) + amount
    return {kind: amount for kind, amount in held.items() if amount}


@pytest.mark.django_db
@pytest.mark.now(TODAY)
@DB
@given(accrual_lines, st.sampled_from([1, 2, 20_000]))
def test_points_1_to_4_accrual_is_the_rule_idempotent_and_never_negative(
    lines: list[tuple[str, date, date | None, str, str | None, Decimal, Decimal, int]],
    chunk: int,
) -> None:
    """Whatever the chunk of customers (D-POINTS-4), the same entries."""
    with rolled_back():
        made: list[tuple[Customer, Decimal, Decimal, int]] = []
        for brand, joined, registered, status, level, total, corrected, spend in lines:
            line = customer(
                brand=brand, joined_on=joined, real_name_registered_on=registered, status=status
            )
            if level is not None:
                grant_create(customer=line, level=level, source=GrantSource.PLAN, valid_from=joined)
            Bill.objects.create(customer=line, month=ACCRUAL_MONTH, total=total)
            made.append((line, total, corrected, spend))

        points_accrue(month=ACCRUAL_MONTH, chunk=chunk)
        for line, total, _corrected, _spend in made:
            assert _held(line) == _owed(line, total)
        entries = Entry.objects.count()
        points_accrue(month=ACCRUAL_MONTH, chunk=chunk)  # POINTS-4 / CONV-5: nothing new
        assert Entry.objects.count() == entries

        # Some points are spent, then billing corrects the bill (POINTS-4).
        spent: dict[int, int] = {}
        for line, _total, corrected, spend in made:
            balance = balances(line).redeemable
            cost = balance * spend // 100
            if cost and line.status == Status.ACTIVE:
                item = make_item(points_price=cost, stock=1)
                redemption_create(customer=line, item=item)
                spent[line.pk] = cost
            Bill.objects.filter(customer=line, month=ACCRUAL_MONTH).update(total=corrected)
        run = points_accrue(month=ACCRUAL_MONTH, chunk=chunk)
        short = 0
        for line, total, corrected, _spend in made:
            assert Lot.objects.filter(customer=line, balance__lt=0).count() == 0
            redeemable = balances(line).redeemable
            assert redeemable >= 0
            ledger = Lot.objects.filter(customer=line).aggregate(s=Sum("balance"))["s"] or 0
            assert ledger == redeemable  # the lot cache is the entries' sum (D-POINTS-1)
            if line.pk not in spent:  # nothing spent: the ledger follows the corrected bill
                assert _held(line) == _owed(line, corrected)
            # D-POINTS-4: each part's correction in turn, a debit stopping at what is left
            before, after = _owed(line, total), _owed(line, corrected)
            left = sum(before.values()) - spent.get(line.pk, 0)
            for kind in (EntryKind.ACCRUAL, EntryKind.REWARD_BRAND, EntryKind.REWARD_TENURE):
                left += max(after.get(kind, 0) - before.get(kind, 0), -left)
            assert redeemable == left
            held = _held(line)
            short += sum(held.get(kind, 0) != after.get(kind, 0) for kind in before)
        assert run.counts["short"] == short  # the summary's "corrections short"
        entries = Entry.objects.count()
        again = points_accrue(month=ACCRUAL_MONTH, chunk=chunk)
        assert Entry.objects.count() == entries
        assert again.counts["short"] == short


# --- POINTS-5/7: redemption and cancellation (database) -------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("redeem"), st.integers(1, 4000), st.integers(1, 3)),
        st.tuples(st.just("cancel"), st.integers(0, 10), st.just(0)),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@pytest.mark.now(TODAY)
@DB
@given(
    st.lists(st.tuples(st.integers(2024, 2026), st.integers(1, 4000)), max_size=4),
    operations,
)
def test_points_7_redemption_never_overdraws_and_cancelling_gives_back_exactly(
    earned: list[tuple[int, int]], ops: list[tuple[str, int, int]]
) -> None:
    with rolled_back():
        line = customer(brand=Brand.GOTONE)
        for n, (year, points) in enumerate(earned):
            points_earned(line, year, points, month=1 + n)
        total = sum(points for _year, points in earned)
        live: list[Redemption] = []
        held = 0  # points of redemptions not cancelled
        for op, price, quantity in ops:
            before = {lot.pk: lot.balance for lot in Lot.objects.filter(customer=line)}
            if op == "redeem":
                item = make_item(points_price=price, stock=5)
                if price * quantity > total - held:
                    with pytest.raises(DomainError):
                        redemption_create(customer=line, item=item, quantity=quantity)
                    assert {
                        lot.pk: lot.balance for lot in Lot.objects.filter(customer=line)
                    } == before
                    continue
                live.append(redemption_create(customer=line, item=item, quantity=quantity))
                held += price * quantity
            elif live:
                redemption = live.pop(price % len(live))
                redemption_cancel(redemption=redemption)
                held -= redemption.points
            assert Lot.objects.filter(customer=line, balance__lt=0).count() == 0
            state = balances(line)
            assert state.redeemable == total - held >= 0
            assert state.redeemed == held
        for redemption in live:
            redemption_cancel(redemption=redemption)
        assert balances(line).redeemable == total  # every point back where it came from
        assert dict(Lot.objects.filter(customer=line).values_list("year", "balance")) == {
            year: sum(p for y, p in earned if y == year) for year, _p in earned
        }
