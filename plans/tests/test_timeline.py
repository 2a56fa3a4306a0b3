"""CUST-11: plan orders on the member timeline — each move of a subscription (ordered,
scheduled, in force, ended, cancelled; PLAN-6), newest first, named by the plan's Chinese
name."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

import pytest
from django.urls import reverse

from conftest import SHANGHAI
from membership.extensions import TIMELINE_PLAN
from membership.selectors.timeline import timeline_entries
from plans.models import Plan, Subscription, SubscriptionEvent, SubscriptionStatus
from tests.builders import make_customer
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def test_cust_11_plan_orders_and_their_moves_newest_first(clerk: Any) -> None:
    customer = make_customer(msisdn="13900000001")
    plan = cast(Plan, PlanFactory(name_zh="商旅288套餐"))
    subscription = Subscription.objects.create(
        customer=customer,
        plan=plan,
        status=SubscriptionStatus.EFFECTIVE,
        channel="counter",
        ordered_on=date(2026, 3, 10),
        effective_from=date(2026, 4, 1),
        availability="open",
        created_by=clerk,
    )
    moves = [
        ("", SubscriptionStatus.REQUESTED, _at(3, 10), clerk),
        (SubscriptionStatus.REQUESTED, SubscriptionStatus.SCHEDULED, _at(3, 10), clerk),
        (SubscriptionStatus.SCHEDULED, SubscriptionStatus.EFFECTIVE, _at(4, 1), None),
    ]
    for before, after, at, actor in moves:
        SubscriptionEvent.objects.create(
            subscription=subscription, from_status=before, to_status=after, at=at, actor=actor
        )
    entries = list(timeline_entries(customer, user=clerk, kinds=[TIMELINE_PLAN], limit=None))
    assert [e.title for e in entries] == [
        "Plan 商旅288套餐 in force",
        "Plan 商旅288套餐 scheduled from 2026-04-01",
        "Plan 商旅288套餐 ordered, in force from 2026-04-01",
    ]
    assert {e.rule for e in entries} == {"PLAN-6"}
    assert entries[0].actor == ""
    assert entries[1].actor == "王芳"
    assert entries[0].link == reverse("plans:customer_plans", args=["13900000001"])
    # Only plan kinds were asked: the other sources add nothing.
    assert {e.kind for e in entries} == {TIMELINE_PLAN}
