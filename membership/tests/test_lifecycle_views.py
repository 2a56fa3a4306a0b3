"""Views of the line's life cycle and the credit history page: permissions, forms, database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membership.models import (
    Customer,
    CustomerEvent,
    GrantSource,
    LevelGrant,
    Status,
    StatusChange,
)
from membership.services.grants import grant_create
from tests.factories import CreditRatingFactory, CustomerFactory

pytestmark = pytest.mark.django_db

MSISDN = "13900000001"
NEW_ID = "110105199003078828"
PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")
COUNTER = {"counter_clerk", "supervisor", "superuser"}
SUPERVISORS = {"supervisor", "superuser"}
ANY_STAFF = {"counter_clerk", "account_manager", "supervisor", "superuser"}

VIEWS = {
    "membership:customer_status": COUNTER,
    "membership:customer_transfer": COUNTER,
    "membership:customer_number": COUNTER,
    "membership:customer_move": SUPERVISORS,  # D-CUST-7
    "membership:customer_credit": ANY_STAFF,
}


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory.create(msisdn=MSISDN, name="张三", id_number="320102198001011238")


def url(name: str, msisdn: str = MSISDN) -> str:
    return reverse(name, kwargs={"msisdn": msisdn})


def login(client: Client, user: Any) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def card() -> str:
    return f"/customers/{MSISDN}/"


# --- Permission matrix: GET and POST, every view, every persona ------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_each_view_opens_for_its_roles_only(
    client: Client, personas: dict[str, Any], customer: Customer, name: str, persona: str
) -> None:
    response = login(client, personas[persona]).get(url(name))
    if persona in VIEWS[name]:
        assert response.status_code == 200
        assert "3201**********1238" in response.content.decode()  # CUST-8: masked
        assert "320102198001011238" not in response.content.decode()
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


POSTS: dict[str, dict[str, str]] = {
    "membership:customer_status": {"status": "suspended", "reason": "requested"},
    "membership:customer_transfer": {"new_name": "李四", "new_id_number": NEW_ID},
    "membership:customer_number": {"new_msisdn": "13900000002"},
    "membership:customer_move": {"new_msisdn": MSISDN, "province": "广东", "city": "广州"},
}


@pytest.mark.parametrize("persona", ["anonymous", "account_manager", "outsider"])
@pytest.mark.parametrize("name", list(POSTS))
def test_a_refused_role_changes_nothing_by_posting(
    client: Client, personas: dict[str, Any], customer: Customer, name: str, persona: str
) -> None:
    before = Customer.objects.filter(pk=customer.pk).values().get()
    response = login(client, personas[persona]).post(url(name), POSTS[name])
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    assert Customer.objects.filter(pk=customer.pk).values().get() == before
    assert not StatusChange.objects.exists()
    assert not CustomerEvent.objects.exists()


def test_a_counter_clerk_may_not_move_a_line_to_another_region(
    client: Client, clerk: Any, customer: Customer
) -> None:
    response = login(client, clerk).post(
        url("membership:customer_move"), POSTS["membership:customer_move"]
    )
    assert response.status_code == 403
    assert Customer.objects.get(pk=customer.pk).city == "苏州"


def test_an_unknown_or_malformed_number_is_not_found(client: Client, clerk: Any) -> None:
    login(client, clerk)
    assert client.get(url("membership:customer_status", "13999999999")).status_code == 404
    assert client.get(url("membership:customer_credit", "12345")).status_code == 404


# --- Status (CUST-4) -----------------------------------------------------------------------


def test_cust_4_the_form_offers_only_the_allowed_moves(client: Client, clerk: Any) -> None:
    CustomerFactory.create(msisdn=MSISDN, status=Status.PRE_CANCEL)
    response = login(client, clerk).get(url("membership:customer_status"))
    choices = [value for value, _label in response.context["form"].fields["status"].choices]
    assert choices == [Status.ACTIVE, Status.CANCELLED]


def test_cust_4_a_cancelled_line_is_offered_no_move(client: Client, clerk: Any) -> None:
    CustomerFactory.create(msisdn=MSISDN, status=Status.CANCELLED)
    response = login(client, clerk).get(url("membership:customer_status"))
    assert response.context["form"].fields["status"].choices == []
    response = client.post(url("membership:customer_status"), {"status": "active"})
    assert response.status_code == 200
    assert Customer.objects.get(msisdn=MSISDN).status == Status.CANCELLED


def test_cust_4_a_suspension_without_a_reason_is_refused_and_keeps_what_was_typed(
    client: Client, clerk: Any, customer: Customer
) -> None:
    response = login(client, clerk).post(
        url("membership:customer_status"), {"status": "suspended", "note": "客户来电"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert 'value="客户来电"' in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).status == Status.ACTIVE
    assert not StatusChange.objects.exists()


def test_cust_4_a_clerk_suspends_a_line_with_a_reason(
    client: Client, clerk: Any, customer: Customer
) -> None:
    response = login(client, clerk).post(
        url("membership:customer_status"),
        {"status": "suspended", "reason": "requested", "note": "出国"},
    )
    assert response.status_code == 302
    assert response["Location"] == card()
    customer.refresh_from_db()
    assert (customer.status, customer.suspension_reason) == (Status.SUSPENDED, "requested")
    change = StatusChange.objects.get()
    assert (change.to_status, change.reason, change.note, change.actor) == (
        Status.SUSPENDED,
        "requested",
        "出国",
        clerk,
    )


def test_cust_4_cancellation_asks_for_confirmation_first(
    client: Client, supervisor: Any, customer: Customer
) -> None:
    grant = grant_create(
        customer=customer, level="gold", source=GrantSource.ANNUAL, valid_from=date(2026, 2, 1)
    )
    login(client, supervisor)
    first = client.post(url("membership:customer_status"), {"status": "cancelled", "note": "x"})
    assert first.status_code == 200
    assert first.context["confirming"] is True
    assert 'data-testid="confirm-cancellation"' in first.content.decode()
    assert Customer.objects.get(pk=customer.pk).status == Status.ACTIVE

    second = client.post(
        url("membership:customer_status"), {"status": "cancelled", "note": "x", "confirm": "on"}
    )
    assert second.status_code == 302
    assert Customer.objects.get(pk=customer.pk).status == Status.CANCELLED
    grant.refresh_from_db()
    assert grant.valid_until is not None  # TIER-9


# --- Transfer, number, move (CUST-6/7) -------------------------------------------------------


def test_cust_6_a_rejected_transfer_keeps_what_was_typed(
    client: Client, clerk: Any, customer: Customer
) -> None:
    response = login(client, clerk).post(
        url("membership:customer_transfer"),
        {"new_name": "李四", "new_id_number": "110105199003078827"},  # wrong check digit
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="李四"' in body
    assert 'value="110105199003078827"' in body
    assert 'data-testid="form-errors"' in body
    assert Customer.objects.get(pk=customer.pk).name == "张三"
    assert not CustomerEvent.objects.exists()


def test_cust_6_a_clerk_transfers_the_line(client: Client, clerk: Any, customer: Customer) -> None:
    response = login(client, clerk).post(
        url("membership:customer_transfer"), {"new_name": "李四", "new_id_number": NEW_ID}
    )
    assert response.status_code == 302
    assert response["Location"] == card()
    customer.refresh_from_db()
    assert (customer.name, customer.id_number) == ("李四", NEW_ID)
    assert CustomerEvent.objects.get().actor == clerk


def test_cust_6_a_taken_number_is_refused_and_the_typed_number_kept(
    client: Client, clerk: Any, customer: Customer
) -> None:
    CustomerFactory.create(msisdn="13900000002")
    response = login(client, clerk).post(
        url("membership:customer_number"), {"new_msisdn": "139 0000 0002"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_msisdn"]
    assert 'value="139 0000 0002"' in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).msisdn == MSISDN


def test_cust_6_an_invalid_number_is_refused_by_the_form(
    client: Client, clerk: Any, customer: Customer
) -> None:
    response = login(client, clerk).post(url("membership:customer_number"), {"new_msisdn": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_msisdn"]
    assert Customer.objects.get(pk=customer.pk).msisdn == MSISDN


def test_cust_6_a_number_change_lands_on_the_new_numbers_card(
    client: Client, clerk: Any, customer: Customer
) -> None:
    response = login(client, clerk).post(
        url("membership:customer_number"), {"new_msisdn": "+86 139-0000-0002"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/customers/13900000002/"
    assert Customer.objects.get(pk=customer.pk).msisdn == "13900000002"


def test_cust_7_a_supervisor_moves_the_line_and_the_level_is_retained(
    client: Client, supervisor: Any, customer: Customer
) -> None:
    grant_create(
        customer=customer, level="gold", source=GrantSource.ANNUAL, valid_from=date(2026, 2, 1)
    )
    page = login(client, supervisor).get(url("membership:customer_move"))
    assert 'data-testid="retained-level"' in page.content.decode()
    assert page.context["level"] == "gold"

    response = client.post(
        url("membership:customer_move"),
        {"new_msisdn": "13800000001", "province": "广东", "city": "广州", "brand": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == "/customers/13800000001/"
    customer.refresh_from_db()
    assert (customer.msisdn, customer.province, customer.city) == ("13800000001", "广东", "广州")
    retained = LevelGrant.objects.get(source=GrantSource.RETAINED)
    assert retained.level == "gold"
    assert retained.valid_from == timezone.localdate()


def test_cust_7_a_move_to_the_same_region_is_refused_with_the_form_kept(
    client: Client, supervisor: Any, customer: Customer
) -> None:
    response = login(client, supervisor).post(
        url("membership:customer_move"),
        {"new_msisdn": "13800000001", "province": "江苏", "city": "苏州", "brand": "mzone"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="form-errors"' in body
    assert 'value="13800000001"' in body
    assert response.context["form"]["brand"].value() == "mzone"
    assert Customer.objects.get(pk=customer.pk).msisdn == MSISDN
    assert not CustomerEvent.objects.exists()


# --- Credit history page -------------------------------------------------------------------


def test_credit_page_shows_each_month_with_its_breakdown(
    client: Client, account_manager: Any, customer: Customer
) -> None:
    CreditRatingFactory.create(customer=customer, month=date(2026, 9, 1), score=350, stars=3)
    CreditRatingFactory.create(
        customer=customer,
        month=date(2026, 10, 1),
        score=90,
        stars=0,
        breakdown={
            "brand": 20,
            "tenure": 50,
            "spend": 20,
            "suspensions": 0,
            "tenure_years": 1,
            "bill_count": 2,
            "bill_fen": 4002,
            "suspension_count": 0,
        },
    )
    response = login(client, account_manager).get(url("membership:customer_credit"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [rating.month for rating, _parts in rows] == [date(2026, 10, 1), date(2026, 9, 1)]
    assert str(rows[0][1].average_spend) == "20.01"
    body = response.content.decode()
    assert "¥20.01" in body
    assert "2026-10" in body


def test_credit_page_query_count_does_not_grow_with_the_history(
    client: Client,
    clerk: Any,
    customer: Customer,
    django_assert_num_queries: Any,
) -> None:
    login(client, clerk)
    for month in range(1, 4):
        CreditRatingFactory.create(customer=customer, month=date(2025, month, 1))
    client.get(url("membership:customer_credit"))  # warm the session and role caches
    # session, user, roles (access), customer, count, page of ratings, roles (navigation)
    with django_assert_num_queries(6) as few:
        client.get(url("membership:customer_credit"))
    for month in range(4, 13):
        CreditRatingFactory.create(customer=customer, month=date(2025, month, 1))
    for month in range(1, 13):
        CreditRatingFactory.create(customer=customer, month=date(2024, month, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("membership:customer_credit"))
    assert len(response.context["rows"]) == 24


def test_credit_page_is_paginated(client: Client, clerk: Any, customer: Customer) -> None:
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            CreditRatingFactory.create(customer=customer, month=date(year, month, 1))
    response = login(client, clerk).get(url("membership:customer_credit") + "?page=2")
    assert response.context["page"].number == 2
    assert response.context["rows"][0][0].month == date(2023, 12, 1)
    assert len(response.context["rows"]) == 12
