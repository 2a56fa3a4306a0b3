"""PLAN-5 first month, PLAN-6 plan changes, the order state machine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest

from core.errors import DomainError
from membership.models import Customer, Status
from plans.models import Plan, Subscription, SubscriptionEvent, SubscriptionStatus
from plans.selectors import is_new_customer
from plans.services import (
    first_month_terms,
    subscription_cancel,
    subscription_order,
    subscription_set_status,
)
from plans.tests.conftest import customer_in, plan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _new_customer(joined_on: date = date(2026, 3, 2)) -> Customer:
    return customer_in("南京", joined_on=joined_on)


# PLAN-5 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "fee", "minutes", "data_mb"),
    [
        ("out_of_bundle", Decimal("0.00"), 0, 0),
        ("full", Decimal("58.00"), 150, 30),
        ("half", Decimal("29.00"), 75, 15),
    ],
)
def test_plan_5_first_month_fee_and_allowance_by_option(
    option: str, fee: Decimal, minutes: int, data_mb: int
) -> None:
    customer = _new_customer()
    order = subscription_order(
        customer=customer,
        plan=plan("bt-58"),
        channel="counter",
        first_month_option=option,
        today=date(2026, 3, 10),
    )
    order.refresh_from_db()
    assert order.new_customer is True
    assert (order.first_month_option, order.first_month_fee) == (option, fee)
    assert (order.first_month_minutes, order.first_month_data_mb) == (minutes, data_mb)
    # in force from today; the plan applies normally from the next month
    assert (order.status, order.effective_from) == (SubscriptionStatus.EFFECTIVE, date(2026, 3, 10))


def test_plan_5_half_means_half_and_never_halves_caller_id_or_the_mailbox() -> None:
    odd = cast(
        Plan,
        PlanFactory(
            code="odd", monthly_fee=Decimal("69.99"), included_minutes=301, included_data_mb=31
        ),
    )
    odd.bundled_services.set(plan("bt-58").bundled_services.all())
    full = first_month_terms(plan=odd, option="full")
    half = first_month_terms(plan=odd, option="half")
    assert (half.fee, half.minutes, half.data_mb) == (Decimal("35.00"), 150, 15)
    assert (full.fee, full.minutes, full.data_mb) == (Decimal("69.99"), 301, 31)
    assert set(half.bundled_services) == set(full.bundled_services) == {"来电显示", "139邮箱5元版"}


def test_plan_5_a_new_customer_must_choose_a_first_month_option() -> None:
    customer = _new_customer()
    with pytest.raises(DomainError, match="first-month option"):
        subscription_order(
            customer=customer, plan=plan("bt-88"), channel="counter", today=date(2026, 3, 10)
        )
    assert not Subscription.objects.exists()


def test_plan_5_first_month_options_are_refused_for_existing_customers(nanjing: Any) -> None:
    with pytest.raises(DomainError, match="new customers only"):
        subscription_order(
            customer=nanjing,
            plan=plan("bt-88"),
            channel="counter",
            first_month_option="half",
            today=date(2026, 3, 10),
        )
    assert not Subscription.objects.exists()


def test_plan_5_new_means_joined_this_month_and_never_on_a_plan() -> None:
    joined_end_of_january = _new_customer(joined_on=date(2026, 1, 31))
    assert is_new_customer(joined_end_of_january, date(2026, 1, 31)) is True
    assert is_new_customer(joined_end_of_january, date(2026, 2, 1)) is False
    customer = _new_customer()
    subscription_order(
        customer=customer,
        plan=plan("bt-58"),
        channel="counter",
        first_month_option="full",
        today=date(2026, 3, 10),
    )
    assert is_new_customer(customer, date(2026, 3, 20)) is False
    # a second order in the join month is a change for next month
    change = subscription_order(
        customer=customer, plan=plan("bt-88"), channel="counter", today=date(2026, 3, 20)
    )
    assert (change.new_customer, change.effective_from) == (False, date(2026, 4, 1))


# PLAN-6 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordered", "effective"),
    [
        (date(2026, 3, 1), date(2026, 4, 1)),
        (date(2026, 3, 10), date(2026, 4, 1)),
        (date(2026, 1, 31), date(2026, 2, 1)),  # the last day of a month
        (date(2026, 2, 28), date(2026, 3, 1)),
        (date(2028, 2, 29), date(2028, 3, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_plan_6_an_existing_customers_change_takes_effect_on_the_1st_of_next_month(
    nanjing: Any, ordered: date, effective: date
) -> None:
    order = subscription_order(
        customer=nanjing, plan=plan("bt-128"), channel="hotline", today=ordered
    )
    order.refresh_from_db()
    assert (order.status, order.ordered_on, order.effective_from) == (
        SubscriptionStatus.SCHEDULED,
        ordered,
        effective,
    )
    assert order.channel == "hotline"
    assert order.new_customer is False


def test_plan_6_a_newer_request_replaces_the_pending_one(nanjing: Any, clerk: Any) -> None:
    first = subscription_order(
        customer=nanjing, plan=plan("bt-88"), channel="counter", actor=clerk, today=date(2026, 3, 5)
    )
    second = subscription_order(
        customer=nanjing, plan=plan("bt-158"), channel="sms", today=date(2026, 3, 9)
    )
    first.refresh_from_db()
    assert first.status == SubscriptionStatus.CANCELLED
    last = first.events.last()
    assert last is not None
    assert last.note == "replaced by a newer request"  # PLAN-6, shown translated
    assert second.status == SubscriptionStatus.SCHEDULED
    assert (
        Subscription.objects.filter(customer=nanjing, status__in=["requested", "scheduled"]).count()
        == 1
    )


def test_plan_6_ordering_the_pending_plan_again_is_refused(nanjing: Any) -> None:
    subscription_order(
        customer=nanjing, plan=plan("bt-88"), channel="counter", today=date(2026, 3, 5)
    )
    with pytest.raises(DomainError, match="already ordered"):
        subscription_order(
            customer=nanjing, plan=plan("bt-88"), channel="counter", today=date(2026, 3, 6)
        )
    assert Subscription.objects.filter(customer=nanjing).count() == 1


def test_plan_6_ordering_the_plan_in_force_is_refused() -> None:
    customer = _new_customer()
    subscription_order(
        customer=customer,
        plan=plan("bt-58"),
        channel="counter",
        first_month_option="full",
        today=date(2026, 3, 10),
    )
    with pytest.raises(DomainError, match="already on"):
        subscription_order(
            customer=customer, plan=plan("bt-58"), channel="counter", today=date(2026, 3, 11)
        )


def test_plan_6_self_service_channels_count_as_the_customer_asking() -> None:
    suzhou = customer_in("苏州")
    order = subscription_order(
        customer=suzhou, plan=plan("net-88"), channel="web", today=date(2026, 3, 5)
    )
    assert (order.channel, order.customer_asked, order.availability) == (
        "web",
        True,
        "on_request",
    )


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.PRE_CANCEL])
def test_a_cancelled_or_closing_line_cannot_order(status: str) -> None:
    customer = customer_in("南京", status=status)
    with pytest.raises(DomainError, match="cannot order"):
        subscription_order(
            customer=customer, plan=plan("bt-88"), channel="counter", today=date(2026, 3, 5)
        )
    assert not Subscription.objects.exists()


def test_a_plan_no_longer_offered_cannot_be_ordered(nanjing: Any) -> None:
    with pytest.raises(DomainError, match="no longer offered"):
        subscription_order(
            customer=nanjing, plan=plan("bt-488"), channel="counter", today=date(2026, 3, 5)
        )


def test_an_unknown_channel_is_refused(nanjing: Any) -> None:
    with pytest.raises(DomainError, match="channel"):
        subscription_order(
            customer=nanjing, plan=plan("bt-88"), channel="fax", today=date(2026, 3, 5)
        )


# The state machine ----------------------------------------------------------------------


def test_every_move_of_an_order_is_recorded_with_who_when_from_and_to(
    nanjing: Any, clerk: Any
) -> None:
    order = subscription_order(
        customer=nanjing, plan=plan("bt-88"), channel="counter", actor=clerk, today=date(2026, 3, 5)
    )
    subscription_cancel(subscription=order, actor=clerk, note="customer changed their mind")
    moves = list(
        SubscriptionEvent.objects.filter(subscription=order).values_list(
            "from_status", "to_status", "actor__username"
        )
    )
    assert moves == [
        ("", "requested", "clerk"),
        ("requested", "scheduled", "clerk"),
        ("scheduled", "cancelled", "clerk"),
    ]
    assert SubscriptionEvent.objects.filter(subscription=order, at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (SubscriptionStatus.REQUESTED, SubscriptionStatus.EFFECTIVE),
        (SubscriptionStatus.REQUESTED, SubscriptionStatus.ENDED),
        (SubscriptionStatus.SCHEDULED, SubscriptionStatus.ENDED),
        (SubscriptionStatus.SCHEDULED, SubscriptionStatus.REQUESTED),
        (SubscriptionStatus.EFFECTIVE, SubscriptionStatus.CANCELLED),
        (SubscriptionStatus.EFFECTIVE, SubscriptionStatus.SCHEDULED),
        (SubscriptionStatus.ENDED, SubscriptionStatus.EFFECTIVE),
        (SubscriptionStatus.CANCELLED, SubscriptionStatus.SCHEDULED),
    ],
)
def test_the_state_machine_refuses_illegal_moves(nanjing: Any, start: str, target: str) -> None:
    order = subscription_order(
        customer=nanjing, plan=plan("bt-88"), channel="counter", today=date(2026, 3, 5)
    )
    Subscription.objects.filter(pk=order.pk).update(status=start, ended_on=date(2026, 3, 31))
    order.refresh_from_db()
    events = order.events.count()
    with pytest.raises(DomainError, match="cannot become"):
        subscription_set_status(subscription=order, status=target, ended_on=date(2026, 3, 31))
    order.refresh_from_db()
    assert order.status == start
    assert order.events.count() == events


def test_only_a_pending_order_can_be_cancelled() -> None:
    customer = _new_customer()
    order = subscription_order(
        customer=customer,
        plan=plan("bt-58"),
        channel="counter",
        first_month_option="out_of_bundle",
        today=date(2026, 3, 10),
    )
    with pytest.raises(DomainError, match="not yet in force"):
        subscription_cancel(subscription=order)
    order.refresh_from_db()
    assert order.status == SubscriptionStatus.EFFECTIVE
