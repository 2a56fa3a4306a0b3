"""PLAN-6: ordering by SMS code (KTQSL58 … KTQSL888), valid and invalid."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import override_settings

from plans.models import Subscription, SubscriptionStatus
from plans.sms import parse_order_code, sms_order_receive
from plans.tests.conftest import customer_in
from tests.factories import PlanFactory

TODAY = date(2026, 3, 31)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]


def _sms(msisdn: str, text: str, today: date = TODAY) -> Any:
    return sms_order_receive(msisdn=msisdn, text=text, today=today, language="en")


@pytest.mark.parametrize("text", ["KTQSL288", "ktqsl288", "  KtQsL 288\n", "KTQSL\t288 "])
def test_plan_6_sms_code_is_read_whatever_the_case_and_spacing(text: str) -> None:
    assert parse_order_code(text) == "KTQSL288"


def test_plan_6_a_valid_sms_code_places_an_order_on_the_sms_channel(nanjing: Any) -> None:
    reply = _sms(nanjing.msisdn, " ktqsl388 ")
    assert reply.outcome == "ordered"
    order = Subscription.objects.get(customer=nanjing)
    assert (order.plan.code, order.channel, order.status) == ("bt-388", "sms", "scheduled")
    assert order.effective_from == date(2026, 4, 1)  # sent on the last day of March
    assert "2026-04-01" in reply.text
    assert order.plan.name_zh in reply.text


@pytest.mark.parametrize(
    "code", [f"KTQSL{fee}" for fee in (58, 88, 128, 158, 188, 288, 388, 588, 888)]
)
def test_plan_6_every_source_sms_code_orders_its_plan(code: str) -> None:
    customer = customer_in("常州")
    assert _sms(customer.msisdn, code).outcome == "ordered"
    assert Subscription.objects.get(customer=customer).plan.order_code == code


@pytest.mark.parametrize("text", ["KTQSL99", "KTQSL", "hello", "", "KTQSL488", "QXQSL58"])
def test_plan_6_an_unknown_code_gets_a_clear_reply_and_writes_nothing(
    nanjing: Any, text: str
) -> None:
    reply = _sms(nanjing.msisdn, text)
    assert reply.outcome == "unknown_code"
    assert "KTQSL58" in reply.text  # the reply lists the codes that work
    assert "KTQSL488" not in reply.text.rsplit(":", 1)[1]  # not offered: not listed
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("msisdn", ["13800000000", "12345", "not a number"])
def test_plan_6_an_unknown_number_gets_a_clear_reply(msisdn: str) -> None:
    reply = _sms(msisdn, "KTQSL58")
    assert reply.outcome == "unknown_number"
    assert "10086" in reply.text
    assert not Subscription.objects.exists()


def test_plan_4_a_plan_closed_in_the_city_is_refused_by_sms_with_the_reason() -> None:
    PlanFactory(code="local-38", order_code="KTQSL38")  # a local plan; local is closed in 常州
    customer = customer_in("常州")
    reply = _sms(customer.msisdn, "ktqsl38")
    assert reply.outcome == "refused"
    assert "not offered in 常州" in reply.text
    assert not Subscription.objects.exists()


def test_plan_4_huaian_existing_customer_is_sent_to_a_designated_store_by_sms() -> None:
    customer = customer_in("淮安")
    reply = _sms(customer.msisdn, "KTQSL88")
    assert reply.outcome == "refused"
    assert "designated store" in reply.text
    assert not Subscription.objects.exists()


def test_plan_4_suzhou_sms_counts_as_the_customers_own_request() -> None:
    customer = customer_in("苏州")
    assert _sms(customer.msisdn, "KTQSL88").outcome == "ordered"
    assert Subscription.objects.get().customer_asked is True


@override_settings(GOTONE={"PLAN_SMS_FIRST_MONTH_OPTION": "half"})
def test_plan_5_a_new_customer_ordering_by_sms_gets_the_configured_first_month() -> None:
    customer = customer_in("南京", joined_on=date(2026, 3, 20))
    reply = _sms(customer.msisdn, "KTQSL58")
    order = Subscription.objects.get()
    assert reply.outcome == "ordered"
    assert (order.status, order.effective_from) == (SubscriptionStatus.EFFECTIVE, TODAY)
    assert (order.first_month_option, order.first_month_minutes) == ("half", 75)


def test_plan_6_a_second_sms_for_another_plan_replaces_the_pending_one(nanjing: Any) -> None:
    _sms(nanjing.msisdn, "KTQSL88", today=date(2026, 3, 2))
    _sms(nanjing.msisdn, "KTQSL128", today=date(2026, 3, 3))
    statuses = dict(Subscription.objects.values_list("plan__code", "status"))
    assert statuses == {"bt-88": "cancelled", "bt-128": "scheduled"}


def test_the_same_sms_twice_is_answered_without_a_second_order(nanjing: Any) -> None:
    _sms(nanjing.msisdn, "KTQSL88")
    reply = _sms(nanjing.msisdn, "KTQSL88")
    assert reply.outcome == "refused"
    assert "already ordered" in reply.text
    assert Subscription.objects.count() == 1


def test_the_reply_is_in_the_sites_language_by_default(nanjing: Any) -> None:
    reply = sms_order_receive(msisdn=nanjing.msisdn, text="KTQSL88", today=TODAY)
    assert reply.outcome == "ordered"
    assert "全球通商旅88套餐" in reply.text
