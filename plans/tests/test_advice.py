"""PLAN-7: plan advice on a customer with known usage, to the fen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from membership.models import Customer, Usage
from plans.advice import plan_advice, usage_profile
from plans.services import plans_make_effective, subscription_order
from plans.tests.conftest import customer_in, plan
from tests.factories import BillFactory

pytestmark = pytest.mark.django_db
ON = date(2026, 4, 15)  # window: January to March 2026


def _usage(customer: Customer, day: date, category: str, amount: str) -> None:
    Usage.objects.create(customer=customer, date=day, category=category, amount=Decimal(amount))


def _known_usage(customer: Customer) -> None:
    for month in (1, 2, 3):
        _usage(customer, date(2026, month, 3), "domestic_voice", "50.00")
        _usage(customer, date(2026, month, 17), "domestic_voice", "46.00")  # 96.00 a month
        _usage(customer, date(2026, month, 9), "domestic_data", "30.72")
        _usage(customer, date(2026, month, 9), "domestic_sms", "3.10")
    _usage(customer, date(2026, 2, 14), "hmt", "15.00")  # 5.00 a month
    _usage(customer, date(2026, 3, 1), "call_forwarding", "3.00")  # 1.00 a month
    # outside the window: ignored
    _usage(customer, date(2025, 12, 31), "domestic_voice", "999.00")
    _usage(customer, date(2026, 4, 1), "international", "999.00")


def test_plan_7_usage_is_turned_into_minutes_and_data_at_the_reference_rates() -> None:
    customer = customer_in("常州")
    _known_usage(customer)
    profile = usage_profile(customer, ON)
    assert (profile.first_month, profile.last_month, profile.months) == (
        date(2026, 1, 1),
        date(2026, 3, 1),
        3,
    )
    assert (profile.voice_yuan, profile.minutes) == (Decimal("96.00"), 240)  # ÷ 0.40
    assert (profile.data_yuan, profile.data_kb) == (Decimal("30.72"), 3072)  # ÷ 0.01
    assert profile.uncovered == {
        "domestic_sms": Decimal("3.10"),
        "hmt": Decimal("5.00"),
        "call_forwarding": Decimal("1.00"),
    }
    assert profile.uncovered_total == Decimal("9.10")


def test_plan_7_estimated_cost_of_each_open_plan_cheapest_first() -> None:
    customer = customer_in("常州")
    _known_usage(customer)
    advice = plan_advice(customer=customer, on=ON)
    totals = [(e.plan.code, e.total) for e in advice.estimates]
    assert totals == [
        ("bt-58", Decimal("89.60")),  # 58 + (240 − 150) × 0.25 + 0 + 9.10
        ("bt-88", Decimal("100.17")),  # 88 + 0 + 3072 KB × 0.001 + 9.10
        ("net-88", Decimal("104.70")),  # 88 + (240 − 200) × 0.19 + 0 + 9.10
        ("net-128", Decimal("137.10")),
        ("bt-128", Decimal("140.17")),
        ("bt-158", Decimal("170.17")),
        ("bt-188", Decimal("200.17")),
        ("bt-288", Decimal("300.17")),
        ("bt-388", Decimal("400.17")),
        ("bt-588", Decimal("600.17")),
        ("bt-888", Decimal("900.17")),
    ]
    cheapest = advice.estimates[0]
    assert (cheapest.fee, cheapest.minutes_over, cheapest.voice_overage) == (
        Decimal("58.00"),
        90,
        Decimal("22.50"),
    )
    assert (cheapest.data_kb_over, cheapest.data_overage, cheapest.uncovered) == (
        0,
        Decimal("0.00"),
        Decimal("9.10"),
    )


def test_plan_7_closed_families_and_plans_not_offered_are_left_out() -> None:
    from tests.factories import PlanFactory

    PlanFactory(code="local-68")  # local is closed in 常州, open in 南京
    changzhou = plan_advice(customer=customer_in("常州"), on=ON)
    nanjing = plan_advice(customer=customer_in("南京"), on=ON)
    assert "local-68" not in {e.plan.code for e in changzhou.estimates}
    assert "local-68" in {e.plan.code for e in nanjing.estimates}
    assert "bt-488" not in {e.plan.code for e in nanjing.estimates}


def test_plan_7_on_request_plans_are_listed_with_their_condition() -> None:
    advice = plan_advice(customer=customer_in("苏州"), on=ON)
    assert {e.availability for e in advice.estimates} == {"on_request"}


def test_plan_7_a_recent_customer_is_averaged_over_the_months_since_joining() -> None:
    customer = customer_in("南京", joined_on=date(2026, 2, 10))
    _usage(customer, date(2026, 2, 20), "domestic_voice", "60.00")
    _usage(customer, date(2026, 3, 20), "domestic_voice", "100.00")
    profile = usage_profile(customer, ON)
    assert (profile.months, profile.voice_yuan, profile.minutes) == (2, Decimal("80.00"), 200)


def test_plan_7_without_usage_the_estimate_is_the_fee(nanjing: Any) -> None:
    BillFactory(customer=nanjing, month=date(2026, 3, 1), total=Decimal("123.45"))
    advice = plan_advice(customer=nanjing, on=ON)
    assert advice.profile.has_usage is False
    assert advice.profile.average_bill == Decimal("123.45")
    assert [e.total for e in advice.estimates] == [e.fee for e in advice.estimates]
    assert advice.estimates[0].plan.code == "bt-58"


def test_plan_7_the_plan_in_force_is_marked(nanjing: Any) -> None:
    subscription_order(
        customer=nanjing, plan=plan("bt-188"), channel="counter", today=date(2026, 3, 2)
    )
    plans_make_effective(on=date(2026, 4, 1))
    advice = plan_advice(customer=nanjing, on=ON)
    assert [e.plan.code for e in advice.estimates if e.current] == ["bt-188"]
