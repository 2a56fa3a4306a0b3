"""GET /api/customers/{msisdn}/ (docs/interfaces.md) and the filtered list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from membership.models import CreditRating, GrantSource
from membership.services.grants import grant_create
from tests.builders import make_customer

pytestmark = pytest.mark.django_db


def test_customer_detail_has_the_contract_fields(client: Client, clerk: Any) -> None:
    customer = make_customer(msisdn="13900000001")
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )
    CreditRating.objects.create(customer=customer, month=date(2026, 10, 1), score=350, stars=3)
    client.force_login(clerk)
    body = client.get("/api/customers/13900000001/", {"on": "2026-06-01"}).json()
    assert set(body) >= {"msisdn", "brand", "status", "tier", "tier_grants", "points", "credit"}
    assert body["msisdn"] == "13900000001"
    assert body["brand"] == "gotone"
    assert body["status"] == "active"
    assert body["tier"] == "gold"
    assert body["tier_grants"] == [
        {
            "level": "gold",
            "source": "annual",
            "valid_from": "2026-02-01",
            "valid_until": "2027-01-31",
        }
    ]
    assert body["credit"] == {"month": "2026-10", "score": 350, "stars": 3}


def test_customer_detail_on_a_date_outside_every_grant_is_not_vip(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn="13900000001")
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )
    client.force_login(clerk)
    body = client.get("/api/customers/13900000001/", {"on": "2027-02-01"}).json()
    assert body["tier"] is None
    assert body["tier_grants"] == []
    assert body["credit"] is None


def test_customer_detail_refuses_a_bad_date_and_an_unknown_number(
    client: Client, clerk: Any
) -> None:
    make_customer(msisdn="13900000001")
    client.force_login(clerk)
    assert client.get("/api/customers/13900000001/", {"on": "2026-13-01"}).status_code == 400
    assert client.get("/api/customers/13900000009/").status_code == 404
    assert client.get("/api/customers/12345/").status_code == 404


def test_token_authentication_works_for_staff(clerk: Any) -> None:
    make_customer(msisdn="13900000001")
    token = Token.objects.create(user=clerk)
    response = Client().get("/api/customers/13900000001/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_anonymous_and_roleless_users_are_refused(outsider: Any) -> None:
    make_customer(msisdn="13900000001")
    assert Client().get("/api/customers/13900000001/").status_code == 403
    client = Client()
    client.force_login(outsider)
    assert client.get("/api/customers/13900000001/").status_code == 403


def test_customer_list_filters_by_brand_tier_city_status(
    client: Client, supervisor: Any, django_assert_num_queries: Any
) -> None:
    gold = make_customer(city="苏州")
    grant_create(customer=gold, level="gold", source=GrantSource.PLAN, valid_from=date(2020, 1, 1))
    make_customer(city="苏州")
    make_customer(city="常州", brand="mzone")
    for n in range(20):
        make_customer(msisdn=f"1370000{n:04d}", city="淮安", status="suspended")
    client.force_login(supervisor)
    with django_assert_num_queries(5):  # session, user, roles, count, page: not per row
        body = client.get("/api/customers/", {"city": "苏州", "tier": "gold"}).json()
    assert [row["msisdn"] for row in body["results"]] == [gold.msisdn]
    assert body["results"][0]["tier"] == "gold"
    assert client.get("/api/customers/", {"brand": "mzone"}).json()["count"] == 1
    assert client.get("/api/customers/", {"status": "suspended"}).json()["count"] == 20
    assert client.get("/api/customers/", {"tier": "none", "city": "苏州"}).json()["count"] == 1
    assert client.get("/api/customers/", {"tier": "bogus"}).status_code == 400
