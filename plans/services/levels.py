"""PLAN-2 / TIER-5: the level a plan carries, written as grants through membership's grant
service only (the single writer of LevelGrant)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from core.dates import add_months, month_end, month_start
from core.programme import programme
from membership.models import GrantSource, LevelGrant
from membership.services.grants import grant_create, grant_end, grants_for_cause
from plans.models import Subscription


def level_next_month() -> bool:
    """TIER-5: True when the province runs the older rule (D-PLANS-5)."""
    return bool(programme("PLAN_LEVEL_NEXT_MONTH"))


def plan_grant_start_day(subscription: Subscription) -> date:
    """TIER-5: the first day of the plan's level.

    Immediate (default): the day the plan takes effect. Older rule: the 1st of the month
    after the plan was chosen (ordered), and never before it takes effect.
    """
    if not level_next_month():
        return subscription.effective_from
    return max(subscription.effective_from, add_months(month_start(subscription.ordered_on), 1))


def plan_grant_last_day(last_day_in_force: date, *, cancellation: bool = False) -> date:
    """TIER-5: the last day of the level of a plan in force until ``last_day_in_force``.

    Immediate: that same day. Older rule: the end of the following month ("转套餐或离网后次月
    终止"). A cancelled line loses every grant at once whatever the rule (TIER-9).
    """
    if cancellation or not level_next_month():
        return last_day_in_force
    return month_end(add_months(month_start(last_day_in_force), 1))


def plan_grant_create(*, subscription: Subscription, actor: Any = None) -> LevelGrant | None:
    """PLAN-2 / TIER-5: grant the level the subscription's plan carries, if any."""
    plan = subscription.plan
    if not plan.carried_level:
        return None
    return grant_create(
        customer=subscription.customer,
        level=plan.carried_level,
        source=GrantSource.PLAN,
        valid_from=plan_grant_start_day(subscription),
        cause=subscription,
        actor=actor,
        reason=f"PLAN-2/TIER-5: {plan.name_zh} (order #{subscription.pk})",
    )


def plan_grants_end(
    *,
    subscription: Subscription,
    last_day_in_force: date,
    actor: Any = None,
    reason: str,
    cancellation: bool = False,
) -> int:
    """TIER-5 / TIER-9: end the grants the subscription caused; returns how many changed."""
    last_day = plan_grant_last_day(last_day_in_force, cancellation=cancellation)
    grants = grants_for_cause(subscription).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)
    )
    count = 0
    for grant in grants:
        grant_end(grant=grant, last_day=last_day, actor=actor, reason=reason)
        count += 1
    return count
