"""The plans API: catalogue (filterable), orders (create, list, cancel), advice."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from plans.models import Subscription, SubscriptionStatus
from plans.services import subscription_order
from plans.tests.conftest import customer_in, plan

pytestmark = pytest.mark.django_db
ALL = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")
WRITERS = ("counter_clerk", "supervisor", "superuser")
READERS = ("counter_clerk", "account_manager", "supervisor", "superuser")


def _api(personas: dict[str, Any], persona: str) -> APIClient:
    client = APIClient()
    if personas[persona] is not None:
        client.force_authenticate(personas[persona])
    return client


def test_plans_list_filters_by_family_fee_and_level(clerk: Any) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    url = reverse("api:plan-list")
    internet = client.get(url, {"family": "internet"}).json()["results"]
    assert {p["code"] for p in internet} == {"net-88", "net-128"}
    mid = client.get(url, {"fee_min": "150", "fee_max": "300", "active": "true"}).json()["results"]
    assert {p["code"] for p in mid} == {"bt-158", "bt-188", "bt-288"}
    gold = client.get(url, {"level": "gold", "active": "true"}).json()["results"]
    assert [p["code"] for p in gold] == ["bt-388", "bt-588", "bt-888"]
    one = client.get(reverse("api:plan-detail", kwargs={"pk": gold[0]["id"]})).json()
    assert one["order_code"] == "KTQSL388"
    assert one["monthly_fee"] == "388.00"
    assert one["bundled_services"] == ["caller_id", "mailbox_139"]


def test_plans_list_query_count_is_constant(clerk: Any, django_assert_num_queries: Any) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    client.get(reverse("api:plan-list"))  # the user's roles are cached from here on
    with django_assert_num_queries(3):  # count, plans with families, bundled services
        response = client.get(reverse("api:plan-list"))
    assert response.json()["count"] == 12


def test_orders_list_query_count_is_constant(clerk: Any, django_assert_num_queries: Any) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    for code in ("bt-88", "bt-128", "bt-158"):
        subscription_order(customer=customer_in("南京"), plan=plan(code), channel="counter")
    client.get(reverse("api:plan-order-list"))  # the user's roles are cached from here on
    with django_assert_num_queries(2):
        response = client.get(reverse("api:plan-order-list"))
    assert response.json()["count"] == 3
    for code in ("bt-188", "bt-288"):
        subscription_order(customer=customer_in("南京"), plan=plan(code), channel="counter")
    with django_assert_num_queries(2):  # a count and one select, however many orders
        response = client.get(reverse("api:plan-order-list"))
    assert response.json()["count"] == 5


@pytest.mark.parametrize("persona", ALL)
def test_order_create_permission_matrix_and_database(
    personas: dict[str, Any], persona: str
) -> None:
    customer = customer_in("南京")
    response = _api(personas, persona).post(
        reverse("api:plan-order-list"),
        {"msisdn": customer.msisdn, "plan": "bt-388", "channel": "web"},
        format="json",
    )
    if persona in WRITERS:
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["msisdn"], body["plan"], body["status"], body["channel"]) == (
            customer.msisdn,
            "bt-388",
            "scheduled",
            "web",
        )
        assert Subscription.objects.get(customer=customer).created_by == personas[persona]
    else:
        assert response.status_code in (401, 403)
        assert not Subscription.objects.exists()


@pytest.mark.parametrize("persona", ALL)
def test_orders_list_and_advice_are_open_to_every_staff_role(
    personas: dict[str, Any], persona: str
) -> None:
    customer = customer_in("南京")
    order = subscription_order(customer=customer, plan=plan("bt-88"), channel="counter")
    client = _api(personas, persona)
    responses = [
        client.get(reverse("api:plan-order-list"), {"msisdn": customer.msisdn}),
        client.get(reverse("api:plan-order-detail", kwargs={"pk": order.pk})),
        client.get(reverse("api:plan-advice", kwargs={"msisdn": customer.msisdn})),
        client.get(reverse("api:plan-list")),
    ]
    if persona in READERS:
        assert [r.status_code for r in responses] == [200, 200, 200, 200]
        assert responses[0].json()["results"][0]["id"] == order.pk
    else:
        assert {r.status_code for r in responses} <= {401, 403}


@pytest.mark.parametrize("persona", ALL)
def test_order_cancel_action_permission_matrix_and_database(
    personas: dict[str, Any], persona: str
) -> None:
    order = subscription_order(customer=customer_in("南京"), plan=plan("bt-88"), channel="counter")
    response = _api(personas, persona).post(
        reverse("api:plan-order-cancel", kwargs={"pk": order.pk}), {"note": "api"}, format="json"
    )
    order.refresh_from_db()
    if persona in WRITERS:
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert order.status == SubscriptionStatus.CANCELLED
    else:
        assert response.status_code in (401, 403)
        assert order.status == SubscriptionStatus.SCHEDULED


def test_order_create_refused_by_a_rule_answers_400_with_the_reason(clerk: Any) -> None:
    customer = customer_in("常州")
    client = APIClient()
    client.force_authenticate(clerk)
    from tests.factories import PlanFactory

    PlanFactory(code="local-68")
    response = client.post(
        reverse("api:plan-order-list"),
        {"msisdn": customer.msisdn, "plan": "local-68", "channel": "counter"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "closed"
    assert "常州" in response.json()["detail"]
    assert not Subscription.objects.exists()


def test_order_create_validates_its_input(clerk: Any) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    url = reverse("api:plan-order-list")
    bad_plan = client.post(url, {"msisdn": "13900000001", "plan": "nope"}, format="json")
    assert bad_plan.status_code == 400
    assert "plan" in bad_plan.json()
    unknown = client.post(url, {"msisdn": "13912345678", "plan": "bt-88"}, format="json")
    assert unknown.status_code == 404
    sms = client.post(
        url, {"msisdn": "13912345678", "plan": "bt-88", "channel": "sms"}, format="json"
    )
    assert sms.status_code == 400
    assert "channel" in sms.json()
    customer = customer_in("南京")
    option = client.post(
        url,
        {"msisdn": customer.msisdn, "plan": "bt-88", "first_month_option": "quarter"},
        format="json",
    )
    assert option.status_code == 400
    assert "first_month_option" in option.json()
    assert not Subscription.objects.exists()


def test_cancelling_an_order_in_force_by_api_is_a_400(clerk: Any) -> None:
    from django.utils import timezone

    customer = customer_in("南京", joined_on=timezone.localdate())
    order = subscription_order(
        customer=customer, plan=plan("bt-58"), channel="counter", first_month_option="full"
    )
    client = APIClient()
    client.force_authenticate(clerk)
    response = client.post(reverse("api:plan-order-cancel", kwargs={"pk": order.pk}))
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"


def test_advice_endpoint_lists_plans_cheapest_first(account_manager: Any) -> None:
    customer = customer_in("南京")
    client = APIClient()
    client.force_authenticate(account_manager)
    body = client.get(reverse("api:plan-advice", kwargs={"msisdn": customer.msisdn})).json()
    totals = [p["total"] for p in body["plans"]]
    assert body["msisdn"] == customer.msisdn
    assert body["plans"][0]["plan"] == "bt-58"
    assert [float(t) for t in totals] == sorted(float(t) for t in totals)
    assert body["usage"]["months"] == 3


def test_the_api_schema_documents_the_plan_endpoints(supervisor: Any) -> None:
    client = APIClient()
    client.force_authenticate(supervisor)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/plans/" in schema["paths"]
    assert "/api/plan-orders/{id}/cancel/" in schema["paths"]
    assert "/api/plan-advice/{msisdn}/" in schema["paths"]
