"""TIER-3 / TIER-4 annual rating and TIER-11 rolling-average policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from core.errors import DomainError
from core.models import JobRun
from membership.models import Customer, GrantEvent, GrantSource, LevelGrant, RatingRun, Status
from membership.selectors.levels import effective_level
from membership.services.grants import grant_create
from membership.services.rating import GoToneAnnualPolicy, RollingAveragePolicy, get_policy
from tests.builders import make_bill, make_customer

pytestmark = pytest.mark.django_db

YEAR = 2025


def bills(customer: Customer, year: int, totals: list[str]) -> None:
    for month, total in enumerate(totals, start=1):
        make_bill(customer=customer, month=date(year, month, 1), total=Decimal(total))


def score_of(customer: Customer, year: int = YEAR) -> dict[str, Any]:
    return (
        GoToneAnnualPolicy()
        .scores(year)
        .values("score", "consumption", "tenure_points", "new_level")
        .get(pk=customer.pk)
    )


def test_tier_3_score_is_consumption_points_plus_tenure_score() -> None:
    customer = make_customer(joined_on=date(2020, 6, 1))  # 5 years on 31 Dec 2025 → 200
    bills(customer, YEAR, ["100.99"] * 12)  # POINTS-1: 100 points a month, fractions lost
    row = score_of(customer)
    assert row["consumption"] == 1200
    assert row["tenure_points"] == 200
    assert row["score"] == 1400
    assert row["new_level"] == "silver"


@pytest.mark.parametrize(
    ("consumption", "expected"),
    [
        (3700, "diamond"),
        (3699, "platinum"),
        (2700, "platinum"),
        (1700, "gold"),
        (700, "silver"),
        (200, "guest"),
        (199, None),
    ],
)
def test_tier_3_thresholds_at_the_boundary(consumption: int, expected: str | None) -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))  # ≥ 10 years: 300
    make_bill(customer=customer, month=date(YEAR, 3, 1), total=Decimal(consumption))
    assert score_of(customer)["score"] == consumption + 300
    assert score_of(customer)["new_level"] == expected  # exactly 4000 is diamond


def test_tier_3_tenure_reaching_its_anniversary_on_31_december_counts() -> None:
    on_time = make_customer(joined_on=date(2022, 12, 31))  # 3 years on 31 Dec 2025
    one_day_late = make_customer(joined_on=date(2023, 1, 1))  # 2 years
    assert score_of(on_time)["tenure_points"] == 200
    assert score_of(one_day_late)["tenure_points"] == 100


def test_tier_3_a_29_february_join_is_rated_by_its_28_february_anniversary() -> None:
    leap = make_customer(joined_on=date(2016, 2, 29))
    assert score_of(leap)["tenure_points"] == 200  # 9 years on 31 Dec 2025
    assert score_of(leap, 2026)["tenure_points"] == 300  # 10 years on 28 Feb 2026


def test_tier_3_rates_only_gotone_lines_with_a_year_of_tenure_that_are_not_cancelled() -> None:
    rated = make_customer(joined_on=date(2024, 12, 31))
    too_new = make_customer(joined_on=date(2025, 1, 1))
    mzone = make_customer(brand="mzone", joined_on=date(2010, 1, 1))
    cancelled = make_customer(status=Status.CANCELLED, joined_on=date(2010, 1, 1))
    ids = set(GoToneAnnualPolicy().scores(YEAR).values_list("pk", flat=True))
    assert rated.pk in ids
    assert not ids & {too_new.pk, mzone.pk, cancelled.pk}


def test_tier_3_zero_and_negative_bills_earn_nothing() -> None:
    customer = make_customer(joined_on=date(2024, 1, 1))
    bills(customer, YEAR, ["-50.00", "0.00", "0.99", "1.00"])
    assert score_of(customer)["consumption"] == 1


def test_tier_4_preview_counts_levels_and_movers_without_writing_grants() -> None:
    up = make_customer(joined_on=date(2012, 1, 1))
    down = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=up, month=date(YEAR, 5, 1), total=Decimal("3800"))  # diamond
    grant_create(
        customer=down,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2025, 2, 1),
        valid_until=date(2026, 1, 31),
    )
    preview = GoToneAnnualPolicy().preview(period=str(YEAR))
    assert preview.per_level["diamond"] == 1
    assert preview.per_level["none"] == 1  # down: 300 tenure points only
    assert preview.upgrades == 1
    assert preview.downgrades == 1
    assert preview.upgrade_sample[0]["msisdn"] == up.msisdn
    assert preview.downgrade_sample[0]["before"] == "gold"
    assert LevelGrant.objects.filter(rating_run__isnull=False).count() == 0
    assert RatingRun.objects.get().state == RatingRun.State.PREVIEWED


def test_tier_4_a_plan_grant_still_valid_is_not_a_downgrade() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2025, 2, 1),
        valid_until=date(2026, 1, 31),
    )
    grant_create(
        customer=customer, level="gold", source=GrantSource.PLAN, valid_from=date(2025, 6, 1)
    )
    assert GoToneAnnualPolicy().preview(period=str(YEAR)).downgrades == 0


def test_tier_4_commit_writes_grants_valid_1_february_to_31_january(supervisor: Any) -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("2700"))  # 3000
    run = GoToneAnnualPolicy().commit(period=str(YEAR), actor=supervisor)
    grant = LevelGrant.objects.get(customer=customer)
    assert (grant.level, grant.source) == ("platinum", "annual")
    assert (grant.valid_from, grant.valid_until) == (date(2026, 2, 1), date(2027, 1, 31))
    assert grant.rating_run == run
    assert run.committed_by == supervisor
    assert run.counts["granted"] == 1
    assert effective_level(customer, date(2026, 1, 31)) is None
    assert effective_level(customer, date(2026, 2, 1)) == "platinum"
    assert effective_level(customer, date(2027, 1, 31)) == "platinum"  # ends on that day
    assert effective_level(customer, date(2027, 2, 1)) is None
    event = GrantEvent.objects.get(grant=grant)  # TIER-10
    assert (event.action, event.actor, event.rating_run) == ("granted", supervisor, run)


def test_tier_4_a_second_commit_is_refused_and_changes_nothing() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("2000"))
    GoToneAnnualPolicy().commit(period=str(YEAR))
    with pytest.raises(DomainError, match="already committed"):
        GoToneAnnualPolicy().commit(period=str(YEAR))
    assert LevelGrant.objects.count() == 1
    assert RatingRun.objects.filter(state="committed").count() == 1


def test_tier_4_a_year_older_than_a_committed_one_is_refused_and_changes_nothing() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("2000"))
    make_bill(customer=customer, month=date(YEAR - 1, 5, 1), total=Decimal("2000"))
    GoToneAnnualPolicy().commit(period=str(YEAR))
    with pytest.raises(DomainError, match=f"The {YEAR} rating is already committed; {YEAR - 1}"):
        GoToneAnnualPolicy().commit(period=str(YEAR - 1))
    assert LevelGrant.objects.count() == 1
    assert list(RatingRun.objects.filter(state="committed").values_list("period", flat=True)) == [
        str(YEAR)
    ]


def test_tier_4_the_refusal_says_when_in_shanghai_and_who_committed(supervisor: Any) -> None:
    make_bill(customer=make_customer(), month=date(YEAR, 5, 1), total=Decimal("2000"))
    run = GoToneAnnualPolicy().commit(period=str(YEAR), actor=supervisor)
    local = timezone.localtime(run.committed_at)  # Asia/Shanghai (CONV-4)
    with pytest.raises(DomainError) as refused:
        GoToneAnnualPolicy().commit(period=str(YEAR))
    assert f"on {local:%Y-%m-%d %H:%M} by {supervisor.get_username()}" in refused.value.message


def test_tier_4_a_commit_from_the_command_line_is_said_to_be_one() -> None:
    make_bill(customer=make_customer(), month=date(YEAR, 5, 1), total=Decimal("2000"))
    GoToneAnnualPolicy().commit(period=str(YEAR))  # no user: the command
    with pytest.raises(DomainError, match="by the command line"):
        GoToneAnnualPolicy().commit(period=str(YEAR))


def test_rate_annual_command_previews_then_commits_and_is_safe_twice() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("4000"))
    out = StringIO()
    call_command("rate_annual", str(YEAR), stdout=out)
    assert "diamond 1" in out.getvalue()
    assert "upgrades 1" in out.getvalue()
    assert not LevelGrant.objects.exists()
    call_command("rate_annual", str(YEAR), "--commit", stdout=out)
    call_command("rate_annual", str(YEAR), "--commit", stdout=out)
    assert "already committed" in out.getvalue()
    assert LevelGrant.objects.get().level == "diamond"


def annual_command(*args: str) -> str:
    out = StringIO()
    call_command("rate_annual", *args, stdout=out)
    return out.getvalue()


def test_tier_4_the_preview_command_records_its_job_run_and_prints_the_contract_line() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("4000"))
    out = annual_command(str(YEAR))
    assert out == (
        "rating 2025 preview: rated 1 (diamond 1, platinum 0, gold 0, silver 0, guest 0, "
        "none 0); upgrades 1, downgrades 0; grants valid 2026-02-01–2027-01-31\n"
    )
    run = JobRun.objects.get(job="rate_annual_preview", period="2025")
    assert (run.status, run.trigger, run.triggered_by) == ("succeeded", "command", None)
    assert not LevelGrant.objects.exists()


def test_tier_4_conv_5_a_second_preview_is_fresh_and_sees_a_bill_added_in_between() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("1800"))  # 2100: gold
    first = annual_command(str(YEAR))
    make_bill(customer=customer, month=date(YEAR, 6, 1), total=Decimal("2000"))  # 4100: diamond
    second = annual_command(str(YEAR))
    assert "gold 1" in first
    assert "diamond 0" in first
    assert "diamond 1" in second
    assert "gold 0" in second
    run = JobRun.objects.get(job="rate_annual_preview", period="2025")
    assert (run.status, run.attempts, run.counts["per_level"]["diamond"]) == ("succeeded", 2, 1)
    assert RatingRun.objects.filter(state=RatingRun.State.PREVIEWED).count() == 2
    assert not LevelGrant.objects.exists()


def test_conv_5_the_preview_command_leaves_a_running_run_alone_and_exits_1() -> None:
    JobRun.objects.create(
        job="rate_annual_preview", period="2025", status="running", started_at=timezone.now()
    )
    with pytest.raises(CommandError, match="run_job rate_annual_preview 2025 --resume") as raised:
        annual_command(str(YEAR))
    assert raised.value.returncode == 1
    assert not RatingRun.objects.exists()


@pytest.mark.parametrize("bad", ["25", "2025-01", "next", "20255"])
@pytest.mark.parametrize("commit", [(), ("--commit",)])
def test_conv_5_rate_annual_refuses_a_bad_year(bad: str, commit: tuple[str, ...]) -> None:
    with pytest.raises(CommandError, match="is not a year in the form YYYY") as raised:
        annual_command(bad, *commit)
    assert raised.value.returncode == 1
    assert not JobRun.objects.exists()
    assert not RatingRun.objects.exists()


@override_settings(
    GOTONE={
        "ANNUAL_THRESHOLDS": {
            "diamond": 10000,
            "platinum": 8000,
            "gold": 6000,
            "silver": 4000,
            "guest": 2000,
        }
    }
)
def test_tier_3_thresholds_come_from_configuration() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(YEAR, 5, 1), total=Decimal("3700"))
    assert score_of(customer)["new_level"] == "silver"


def test_tier_11_the_policy_is_chosen_by_configuration() -> None:
    assert isinstance(get_policy(), GoToneAnnualPolicy)
    with override_settings(GOTONE={"RATING_POLICY": "rolling_average"}):
        assert isinstance(get_policy(), RollingAveragePolicy)


def six_months(customer: Customer, total: str, last: date) -> None:
    from core.dates import add_months

    for n in range(6):
        make_bill(customer=customer, month=add_months(last, -n), total=Decimal(total))


def test_tier_11_levels_on_the_six_month_average() -> None:
    silver = make_customer()
    gold = make_customer()
    diamond = make_customer()
    nothing = make_customer()
    for customer, total in (
        (silver, "150.00"),
        (gold, "300.00"),
        (diamond, "450.00"),
        (nothing, "149.99"),
    ):
        six_months(customer, total, date(2026, 3, 1))
    levels = dict(RollingAveragePolicy().scores(date(2026, 3, 1)).values_list("pk", "new_level"))
    assert levels == {silver.pk: "silver", gold.pk: "gold", diamond.pk: "diamond", nothing.pk: None}


def test_tier_11_grant_runs_12_months_ending_on_the_8th_and_only_rises() -> None:
    customer = make_customer()
    six_months(customer, "200.00", date(2026, 3, 1))
    policy = RollingAveragePolicy()
    policy.commit(period="2026-03")
    grant = LevelGrant.objects.get()
    assert (grant.level, grant.valid_from, grant.valid_until) == (
        "silver",
        date(2026, 4, 9),
        date(2027, 4, 8),
    )
    # April's bills are lower: within validity a level never falls.
    make_bill(customer=customer, month=date(2026, 4, 1), total=Decimal("0.00"))
    policy.commit(period="2026-04")
    assert LevelGrant.objects.count() == 1
    # May's bills lift the average to gold: the rise restarts the 12 months.
    make_bill(customer=customer, month=date(2026, 5, 1), total=Decimal("1500.00"))
    policy.commit(period="2026-05")
    grant.refresh_from_db()
    assert grant.valid_until == date(2026, 6, 8)
    new = LevelGrant.objects.exclude(pk=grant.pk).get()
    assert (new.level, new.valid_from, new.valid_until) == (
        "gold",
        date(2026, 6, 9),
        date(2027, 6, 8),
    )
    assert effective_level(customer, date(2026, 6, 9)) == "gold"


def test_tier_11_re_rated_in_the_month_before_expiry_may_fall() -> None:
    customer = make_customer()
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2025, 6, 9),
        valid_until=date(2026, 6, 8),
    )
    LevelGrant.objects.update(
        rating_run=RatingRun.objects.create(
            policy="rolling_average", period="2025-05", state="committed"
        )
    )
    six_months(customer, "160.00", date(2026, 4, 1))
    RollingAveragePolicy().commit(period="2026-04")  # run in May; expiry on 8 June
    renewal = LevelGrant.objects.order_by("-valid_from").first()
    assert renewal is not None
    assert (renewal.level, renewal.valid_from, renewal.valid_until) == (
        "silver",
        date(2026, 6, 9),
        date(2027, 6, 8),
    )
    assert effective_level(customer, date(2026, 6, 8)) == "gold"
    assert effective_level(customer, date(2026, 6, 9)) == "silver"


def test_tier_11_a_second_commit_of_a_month_changes_nothing() -> None:
    customer = make_customer()
    six_months(customer, "500.00", date(2026, 3, 1))
    RollingAveragePolicy().commit(period="2026-03")
    with pytest.raises(DomainError):
        RollingAveragePolicy().commit(period="2026-03")
    assert LevelGrant.objects.count() == 1
