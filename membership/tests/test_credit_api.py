"""GET /api/customers/{msisdn}/credit/: the credit history, newest first, paginated."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from membership.models import Customer
from tests.factories import CreditRatingFactory, CustomerFactory

pytestmark = pytest.mark.django_db

MSISDN = "13900000001"


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory.create(msisdn=MSISDN)


def api_url(msisdn: str = MSISDN) -> str:
    return reverse("api:customer-credit", kwargs={"msisdn": msisdn})


def test_the_path_is_the_documented_one() -> None:
    assert api_url() == f"/api/customers/{MSISDN}/credit/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("counter_clerk", 200),
        ("account_manager", 200),
        ("supervisor", 200),
        ("superuser", 200),
    ],
)
def test_every_staff_role_may_read_the_credit_history(
    personas: dict[str, Any], customer: Customer, persona: str, status: int
) -> None:
    client = APIClient()
    if personas[persona] is not None:
        client.force_authenticate(personas[persona])
    assert client.get(api_url()).status_code == status


def test_it_lists_the_ratings_newest_first_in_the_contract_month_form(
    clerk: Any, customer: Customer
) -> None:
    CreditRatingFactory.create(customer=customer, month=date(2026, 9, 1), score=350, stars=3)
    CreditRatingFactory.create(customer=customer, month=date(2026, 10, 1), score=510, stars=5)
    CreditRatingFactory.create(month=date(2026, 10, 1))  # another customer's
    client = APIClient()
    client.force_authenticate(clerk)
    body = client.get(api_url()).json()
    assert body["count"] == 2
    assert [(r["month"], r["score"], r["stars"]) for r in body["results"]] == [
        ("2026-10", 510, 5),
        ("2026-09", 350, 3),
    ]
    assert body["results"][0]["breakdown"]["brand"] == 50
    assert set(body["results"][0]) == {"month", "score", "stars", "breakdown", "rated_at"}


def test_a_token_works_like_a_session(account_manager: Any, customer: Customer) -> None:
    CreditRatingFactory.create(customer=customer)
    token = Token.objects.create(user=account_manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(api_url())
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_it_accepts_a_number_with_the_country_prefix(clerk: Any, customer: Customer) -> None:
    CreditRatingFactory.create(customer=customer)
    client = APIClient()
    client.force_authenticate(clerk)
    assert client.get(api_url("+8613900000001")).json()["count"] == 1


@pytest.mark.parametrize("msisdn", ["13999999999", "12345"])
def test_an_unknown_or_malformed_number_is_not_found(clerk: Any, msisdn: str) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    assert client.get(api_url(msisdn)).status_code == 404


def test_it_is_paginated(clerk: Any, customer: Customer) -> None:
    for year in range(2021, 2026):
        for month in range(1, 13):
            CreditRatingFactory.create(customer=customer, month=date(year, month, 1))
    client = APIClient()
    client.force_authenticate(clerk)
    first = client.get(api_url()).json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["next"]
    second = client.get(first["next"]).json()
    assert [r["month"] for r in second["results"]][-1] == "2021-01"


def test_the_query_count_does_not_grow_with_the_history(
    clerk: Any, customer: Customer, django_assert_num_queries: Any
) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    CreditRatingFactory.create(customer=customer, month=date(2026, 1, 1))
    client.get(api_url())  # the user's roles are read once and kept on the user
    # customer, count, page
    with django_assert_num_queries(3):
        client.get(api_url())
    for month in range(2, 13):
        CreditRatingFactory.create(customer=customer, month=date(2025, month, 1))
    with django_assert_num_queries(3):
        response = client.get(api_url())
    assert response.json()["count"] == 12
