"""PLAN-4: the availability matrix city × family × new/existing customer, on the service."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest

from core.errors import DomainError
from plans.models import Availability, DesignatedStore, Plan, Subscription
from plans.services import subscription_order
from plans.tests.conftest import customer_in, plan
from tests.factories import PlanFactory

TODAY = date(2026, 3, 10)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]
# The source's table, as loaded by the catalogue migration; 南京 stands for "other cities".
STATES = {
    "南京": {"internet": "open", "business_travel": "open", "local": "open"},
    "苏州": {"internet": "on_request", "business_travel": "on_request", "local": "closed"},
    "常州": {"internet": "open", "business_travel": "open", "local": "closed"},
    "泰州": {"internet": "on_request", "business_travel": "on_request", "local": "on_request"},
    "盐城": {"internet": "on_request", "business_travel": "on_request", "local": "on_request"},
    "淮安": {"internet": "new_only", "business_travel": "new_only", "local": "new_only"},
}


def _plan_of(family: str) -> Plan:
    if family == "local":  # the source lists no local plan: a supervisor's own
        return cast(Plan, PlanFactory(code="local-68"))
    return plan({"internet": "net-88", "business_travel": "bt-88"}[family])


def _order(city: str, family: str, *, new: bool, asked: bool, store=None) -> str:
    joined = date(2026, 3, 2) if new else date(2015, 3, 15)
    customer = customer_in(city, joined_on=joined)
    try:
        subscription_order(
            customer=customer,
            plan=_plan_of(family),
            channel="counter",
            first_month_option="full" if new else "",
            customer_asked=asked,
            store=store,
            today=TODAY,
        )
    except DomainError as exc:
        assert not Subscription.objects.filter(customer=customer).exists()
        return f"refused:{exc.code}"
    return "ordered"


def _expected(state: str, *, new: bool, asked: bool) -> str:
    if state == Availability.OPEN:
        return "ordered"
    if state == Availability.ON_REQUEST:
        return "ordered" if asked else "refused:on_request"
    if state == Availability.NEW_ONLY:
        return "ordered" if new else "refused:new_only"
    return "refused:closed"


@pytest.mark.parametrize("city", list(STATES))
@pytest.mark.parametrize("family", ["internet", "business_travel", "local"])
@pytest.mark.parametrize("new", [True, False], ids=["new", "existing"])
@pytest.mark.parametrize("asked", [False, True], ids=["not-asked", "asked"])
def test_plan_4_availability_matrix(city: str, family: str, new: bool, asked: bool) -> None:
    state = STATES[city][family]
    assert _order(city, family, new=new, asked=asked) == _expected(state, new=new, asked=asked)


def test_plan_4_other_cities_are_open_by_default() -> None:
    assert _order("无锡", "local", new=False, asked=False) == "ordered"


def test_plan_4_huaian_existing_customer_orders_at_a_designated_store_on_request() -> None:
    store = DesignatedStore.objects.filter(city="淮安").first()
    assert _order("淮安", "business_travel", new=False, asked=True, store=store) == "ordered"
    order = Subscription.objects.get(store=store)
    assert (order.availability, order.customer_asked) == ("new_only", True)


def test_plan_4_huaian_designated_store_still_needs_the_customers_request() -> None:
    store = DesignatedStore.objects.filter(city="淮安").first()
    outcome = _order("淮安", "business_travel", new=False, asked=False, store=store)
    assert outcome == "refused:on_request"


def test_plan_4_a_store_of_another_city_or_a_closed_one_does_not_count() -> None:
    elsewhere = DesignatedStore.objects.create(city="南京", name="南京新街口店")
    assert _order("淮安", "internet", new=False, asked=True, store=elsewhere) == "refused:new_only"
    closed = DesignatedStore.objects.filter(city="淮安").first()
    assert closed is not None
    DesignatedStore.objects.filter(pk=closed.pk).update(active=False)
    closed.refresh_from_db()
    assert _order("淮安", "internet", new=False, asked=True, store=closed).startswith("refused")


def test_plan_4_on_request_tick_is_recorded_on_the_order() -> None:
    assert _order("苏州", "internet", new=False, asked=True) == "ordered"
    order = Subscription.objects.get()
    assert (order.availability, order.customer_asked) == ("on_request", True)


def test_plan_4_city_names_with_the_shi_suffix_match() -> None:
    assert _order("常州市", "local", new=False, asked=True) == "refused:closed"
