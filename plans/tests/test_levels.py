"""PLAN-2 / TIER-5 / TIER-9: the level a plan carries appears and goes with the plan."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from membership.models import Customer, GrantSource, LevelGrant
from membership.selectors.levels import effective_level
from membership.services.customers import customer_leave_gotone, customer_set_status
from plans.models import Subscription, SubscriptionStatus
from plans.services import plans_make_effective, subscription_order
from plans.tests.conftest import customer_in, plan

pytestmark = pytest.mark.django_db
OLDER_RULE = override_settings(GOTONE={"PLAN_LEVEL_NEXT_MONTH": True})


def _change(customer: Customer, code: str, on: date) -> Subscription:
    return subscription_order(customer=customer, plan=plan(code), channel="counter", today=on)


def _new_on(code: str, day: date, **kwargs: Any) -> Customer:
    customer = customer_in("南京", joined_on=day, **kwargs)
    subscription_order(
        customer=customer, plan=plan(code), channel="counter", first_month_option="full", today=day
    )
    return customer


def test_plan_2_tier_5_a_level_plan_grants_its_level_when_it_takes_effect(nanjing: Any) -> None:
    order = _change(nanjing, "bt-388", date(2026, 3, 10))
    assert effective_level(nanjing, date(2026, 4, 1)) is None  # scheduled only
    plans_make_effective(on=date(2026, 4, 1))
    assert effective_level(nanjing, date(2026, 3, 31)) is None
    assert effective_level(nanjing, date(2026, 4, 1)) == "gold"
    grant = LevelGrant.objects.get(customer=nanjing)
    assert (grant.source, grant.valid_from, grant.valid_until) == (
        GrantSource.PLAN,
        date(2026, 4, 1),
        None,
    )
    assert grant.cause_id == order.pk


def test_tier_5_changing_to_a_plan_with_another_level_ends_the_old_grant_and_makes_a_new_one(
    nanjing: Any,
) -> None:
    _change(nanjing, "bt-388", date(2026, 3, 10))
    plans_make_effective(on=date(2026, 4, 1))
    _change(nanjing, "bt-288", date(2026, 4, 30))  # the last day of April
    plans_make_effective(on=date(2026, 5, 1))
    assert effective_level(nanjing, date(2026, 4, 30)) == "gold"
    assert effective_level(nanjing, date(2026, 5, 1)) == "silver"
    gold = LevelGrant.objects.get(customer=nanjing, level="gold")
    assert gold.valid_until == date(2026, 4, 30)
    assert gold.events.filter(action="ended").count() == 1  # TIER-10 audit
    _change(nanjing, "bt-88", date(2026, 5, 20))
    plans_make_effective(on=date(2026, 6, 1))
    assert effective_level(nanjing, date(2026, 5, 31)) == "silver"
    assert effective_level(nanjing, date(2026, 6, 1)) is None
    ended = Subscription.objects.filter(customer=nanjing, status=SubscriptionStatus.ENDED).order_by(
        "ended_on"
    )
    assert [s.ended_on for s in ended] == [date(2026, 4, 30), date(2026, 5, 31)]


def test_tier_5_a_new_customers_level_plan_counts_from_the_day_it_is_ordered() -> None:
    customer = _new_on("bt-288", date(2026, 3, 10))
    assert effective_level(customer, date(2026, 3, 9)) is None
    assert effective_level(customer, date(2026, 3, 10)) == "silver"


def test_tier_2_a_plan_level_does_not_hide_a_higher_annual_grant(nanjing: Any) -> None:
    from membership.services.grants import grant_create

    grant_create(
        customer=nanjing,
        level="platinum",
        source="annual",
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )
    _change(nanjing, "bt-288", date(2026, 3, 10))
    plans_make_effective(on=date(2026, 4, 1))
    assert effective_level(nanjing, date(2026, 4, 1)) == "platinum"


@OLDER_RULE
def test_tier_5_older_rule_level_from_the_month_after_the_plan_is_chosen() -> None:
    customer = _new_on("bt-288", date(2026, 3, 10))
    assert effective_level(customer, date(2026, 3, 31)) is None
    assert effective_level(customer, date(2026, 4, 1)) == "silver"


@OLDER_RULE
def test_tier_5_older_rule_level_ends_at_the_end_of_the_month_after_a_change(
    nanjing: Any,
) -> None:
    _change(nanjing, "bt-388", date(2026, 3, 10))
    plans_make_effective(on=date(2026, 4, 1))
    assert effective_level(nanjing, date(2026, 4, 1)) == "gold"  # chosen in March
    _change(nanjing, "bt-88", date(2026, 4, 10))
    plans_make_effective(on=date(2026, 5, 1))
    assert effective_level(nanjing, date(2026, 5, 31)) == "gold"  # the month after the change
    assert effective_level(nanjing, date(2026, 6, 1)) is None
    grant = LevelGrant.objects.get(customer=nanjing)
    assert grant.valid_until == date(2026, 5, 31)


def test_tier_5_immediate_rule_is_the_default(nanjing: Any) -> None:
    _change(nanjing, "bt-388", date(2026, 3, 10))
    plans_make_effective(on=date(2026, 4, 1))
    _change(nanjing, "bt-88", date(2026, 4, 10))
    plans_make_effective(on=date(2026, 5, 1))
    assert effective_level(nanjing, date(2026, 4, 30)) == "gold"
    assert effective_level(nanjing, date(2026, 5, 1)) is None


@pytest.mark.parametrize("older_rule", [False, True])
def test_tier_9_cancelling_the_line_ends_the_plan_its_level_and_any_pending_change(
    nanjing: Any, clerk: Any, older_rule: bool
) -> None:
    with override_settings(GOTONE={"PLAN_LEVEL_NEXT_MONTH": older_rule}):
        _change(nanjing, "bt-588", date(2026, 3, 10))
        plans_make_effective(on=date(2026, 4, 1))
        pending = _change(nanjing, "bt-388", date(2026, 6, 3))
        at = datetime.combine(date(2026, 6, 15), time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
        customer_set_status(customer=nanjing, status="cancelled", actor=clerk, at=at)
    current = Subscription.objects.get(customer=nanjing, plan__code="bt-588")
    pending.refresh_from_db()
    assert (current.status, current.ended_on) == (SubscriptionStatus.ENDED, date(2026, 6, 14))
    assert pending.status == SubscriptionStatus.CANCELLED
    assert effective_level(nanjing, date(2026, 6, 14)) == "gold"
    assert effective_level(nanjing, date(2026, 6, 15)) is None
    assert effective_level(nanjing, date(2026, 7, 1)) is None
    assert current.events.last().note == "TIER-9: line cancelled"  # type: ignore[union-attr]


def test_tier_9_a_suspension_leaves_the_plan_alone(nanjing: Any) -> None:
    _change(nanjing, "bt-288", date(2026, 3, 10))
    plans_make_effective(on=date(2026, 4, 1))
    customer_set_status(customer=nanjing, status="suspended", reason="arrears")
    assert Subscription.objects.get(customer=nanjing).status == SubscriptionStatus.EFFECTIVE
    assert effective_level(nanjing, date(2026, 4, 2)) == "silver"


def test_tier_9_leaving_gotone_ends_the_plan_its_level_and_any_pending_change(
    nanjing: Any, clerk: Any
) -> None:
    _change(nanjing, "bt-588", date(2026, 3, 10))
    plans_make_effective(on=date(2026, 4, 1))
    pending = _change(nanjing, "bt-388", date(2026, 6, 3))
    customer_leave_gotone(customer=nanjing, last_day=date(2026, 6, 14), actor=clerk)
    current = Subscription.objects.get(customer=nanjing, plan__code="bt-588")
    pending.refresh_from_db()
    assert (current.status, current.ended_on) == (SubscriptionStatus.ENDED, date(2026, 6, 14))
    assert pending.status == SubscriptionStatus.CANCELLED
    assert effective_level(nanjing, date(2026, 6, 14)) == "gold"
    assert effective_level(nanjing, date(2026, 6, 15)) is None
