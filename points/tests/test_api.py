"""The points API: balances, entries, rewards, redemptions, transfers; roles and query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membership.models import Customer
from points.models import Redemption, Transfer
from points.selectors import balances
from points.services import redemption_create, transfer_recipient_register
from points.tests.builders import earn, make_customer, make_item

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")
ALL = ("counter_clerk", "account_manager", "supervisor", "superuser")
ACTORS = ("counter_clerk", "supervisor", "superuser")


@pytest.fixture
def customer() -> Customer:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, 2024, 3000, month=5)
    earn(customer, 2025, 2000, month=5)
    return customer


def api_client(personas: dict[str, Any], persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if personas[persona] is not None:
        client.force_login(personas[persona])
    return client


def expect(response: Any, persona: str, allowed: tuple[str, ...], ok: int = 200) -> None:
    if persona in allowed:
        assert response.status_code == ok, (persona, response.status_code, response.content)
    else:
        assert response.status_code in (401, 403), (persona, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_account_endpoint_gives_the_balances_and_lots(
    personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    client = api_client(personas, persona)

    response = client.get(
        reverse("api:points-account", kwargs={"msisdn": "13900000001"}), {"on": "2025-12-31"}
    )

    expect(response, persona, ALL)
    if response.status_code == 200:
        assert response.json() == {
            "msisdn": "13900000001",
            "on": "2025-12-31",
            "redeemable": 5000,
            "redeemed": 0,
            "total_consumption": 5000,
            "annual_consumption": {"2024": 3000, "2025": 2000},
            "frozen": False,
            "expiring_this_year": 0,
            "lots": [
                {"year": 2024, "exempt": False, "balance": 3000, "expires_on": "2026-12-31"},
                {"year": 2025, "exempt": False, "balance": 2000, "expires_on": "2027-12-31"},
            ],
        }


def test_the_account_endpoint_refuses_a_malformed_date(clerk: Any, customer: Customer) -> None:
    client = Client()
    client.force_login(clerk)
    response = client.get(
        reverse("api:points-account", kwargs={"msisdn": "13900000001"}), {"on": "31/12/2025"}
    )
    assert response.status_code == 400


def test_the_customer_api_carries_the_points_block(clerk: Any, customer: Customer) -> None:
    client = Client()
    client.force_login(clerk)

    response = client.get("/api/customers/13900000001/", {"on": "2025-06-30"})

    assert response.status_code == 200
    assert response.json()["points"] == {
        "redeemable": 5000,
        "redeemed": 0,
        "total_consumption": 5000,
        "annual_consumption": {"2024": 3000, "2025": 2000},
        "frozen": False,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_entries_endpoint_is_paginated_and_filterable(
    personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    client = api_client(personas, persona)
    url = reverse("api:points-account-entries", kwargs={"msisdn": "13900000001"})

    response = client.get(url, {"year": "2024", "kind": "accrual"})

    expect(response, persona, ALL)
    if response.status_code == 200:
        body = response.json()
        assert body["count"] == 1
        assert body["results"][0]["amount"] == 3000
        assert body["results"][0]["month"] == "2024-05-01"


def test_the_entries_list_runs_a_fixed_number_of_queries(
    clerk: Any, customer: Customer, django_assert_num_queries: Any
) -> None:
    for month in range(6, 13):
        earn(customer, 2025, 10, month=month)
    client = Client()
    client.force_login(clerk)
    url = reverse("api:points-account-entries", kwargs={"msisdn": "13900000001"})
    client.get(url)

    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.json()["count"] == 9


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_redemption_through_the_api(
    personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    item = make_item(points_price=4000, stock=3)
    client = api_client(personas, persona)

    response = client.post(
        reverse("api:points-redemption-list"),
        {"msisdn": "13900000001", "item": item.pk, "quantity": 1},
        content_type="application/json",
    )

    expect(response, persona, ACTORS, ok=201)
    if persona in ACTORS:
        body = response.json()
        assert body["points"] == 4000
        assert body["lots"] == [{"year": 2024, "points": 3000}, {"year": 2025, "points": 1000}]
        assert balances(customer).redeemable == 1000
    else:
        assert not Redemption.objects.exists()


def test_a_refused_redemption_through_the_api_is_a_400_with_the_reason(
    clerk: Any, customer: Customer
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    item = make_item(name="蓝牙耳机", points_price=6000)

    response = client.post(
        reverse("api:points-redemption-list"),
        {"msisdn": "13900000001", "item": item.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": (
            "Not enough points: “蓝牙耳机” × 1 needs 6000 points, the redeemable balance is 5000."
        ),
        "code": "short",
    }
    assert not Redemption.objects.exists()


@pytest.mark.parametrize("action", ["cancel", "fulfil"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_cancelling_and_fulfilling_through_the_api(
    personas: dict[str, Any], persona: str, action: str, customer: Customer
) -> None:
    redemption = redemption_create(customer=customer, item=make_item(points_price=500))
    client = api_client(personas, persona)

    response = client.post(
        reverse(f"api:points-redemption-{action}", kwargs={"pk": redemption.pk}),
        {"note": "by API"},
        content_type="application/json",
    )

    expect(response, persona, ACTORS)
    redemption.refresh_from_db()
    if persona in ACTORS:
        assert redemption.status == {"cancel": "cancelled", "fulfil": "fulfilled"}[action]
        assert response.json()["status"] == redemption.status
    else:
        assert redemption.status == "requested"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_redemption_list_and_detail(
    personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    redemption = redemption_create(customer=customer, item=make_item(points_price=500))
    client = api_client(personas, persona)

    listed = client.get(reverse("api:points-redemption-list"), {"msisdn": "13900000001"})
    detail = client.get(reverse("api:points-redemption-detail", kwargs={"pk": redemption.pk}))

    expect(listed, persona, ALL)
    expect(detail, persona, ALL)
    if persona in ALL:
        assert listed.json()["count"] == 1
        assert detail.json()["lots"] == [{"year": 2024, "points": 500}]


def test_the_redemption_list_runs_a_fixed_number_of_queries(
    clerk: Any, customer: Customer, django_assert_num_queries: Any
) -> None:
    item = make_item(points_price=100, stock=50)
    for _n in range(8):
        redemption_create(customer=customer, item=item)
    client = Client()
    client.force_login(clerk)
    client.get(reverse("api:points-redemption-list"))

    with django_assert_num_queries(6):
        response = client.get(reverse("api:points-redemption-list"))
    assert response.json()["count"] == 8


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_transfer_through_the_api(
    personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    recipient = make_customer(msisdn="13900000002")
    transfer_recipient_register(sender=customer, recipient=recipient)
    client = api_client(personas, persona)

    response = client.post(
        reverse("api:points-transfer-list"),
        {"sender": "13900000001", "recipient": "13900000002", "points": 3500},
        content_type="application/json",
    )

    expect(response, persona, ACTORS, ok=201)
    if persona in ACTORS:
        assert response.json()["lots"] == [
            {"year": 2024, "points": 3000},
            {"year": 2025, "points": 500},
        ]
        assert balances(recipient).redeemable == 3500
    else:
        assert not Transfer.objects.exists()


def test_the_transfer_list_runs_a_fixed_number_of_queries(
    clerk: Any, customer: Customer, django_assert_num_queries: Any
) -> None:
    from points.services import transfer_create

    recipient = make_customer(msisdn="13900000002")
    transfer_recipient_register(sender=customer, recipient=recipient)
    for _n in range(6):
        transfer_create(sender=customer, recipient=recipient, points=100)
    client = Client()
    client.force_login(clerk)
    client.get(reverse("api:points-transfer-list"))

    with django_assert_num_queries(6):
        response = client.get(reverse("api:points-transfer-list"), {"sender": "13900000001"})
    assert response.json()["count"] == 6


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_reward_catalogue(personas: dict[str, Any], persona: str) -> None:
    make_item(name="保温杯", category="physical", points_price=4500, stock=0)
    make_item(name="咖啡券", category="partner", points_price=1200, stock=3)
    client = api_client(personas, persona)

    response = client.get(reverse("api:points-reward-list"), {"in_stock": "true"})

    expect(response, persona, ALL)
    if persona in ALL:
        assert [r["name"] for r in response.json()["results"]] == ["咖啡券"]
