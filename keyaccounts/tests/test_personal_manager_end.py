"""SERVICE-8 gaps closed (D-GROUP-10): a supervisor ends an assignment without a successor
(confirmed, with a reason, history kept, the customer then unassigned), and the personal
account manager shows on the customer and desk cards and in the customer API (an added
``personal_manager`` block)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import DomainError
from core.idempotency import FORM_FIELD
from keyaccounts.models import PersonalManager
from keyaccounts.selectors.personal import eligible_without_manager
from keyaccounts.services.personal import personal_manager_assign, personal_manager_end
from membership.models import Customer, GrantSource
from membership.services.grants import grant_create
from tests.builders import make_customer
from tests.test_idempotent_forms import TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

TODAY = date(2026, 11, 25)


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def assigned(supervisor: Any, account_manager: Any) -> Customer:
    customer = make_customer(msisdn="13900000001")
    grant_create(
        customer=customer, level="gold", source=GrantSource.ANNUAL, valid_from=date(2026, 1, 1)
    )
    account_manager.last_name, account_manager.first_name = "王", "芳"
    account_manager.save()
    personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)
    return customer


# ---- (a) ending an assignment without a successor ----


def test_service_8_a_supervisor_ends_an_assignment_with_a_reason_and_the_row_stays(
    assigned: Customer, supervisor: Any
) -> None:
    row = personal_manager_end(customer=assigned, actor=supervisor, note="客户要求不再联系")

    assert (row.ended_on, row.ended_by, row.end_note) == (TODAY, supervisor, "客户要求不再联系")
    assert PersonalManager.objects.filter(customer=assigned).count() == 1
    assert list(eligible_without_manager(TODAY)) == [assigned]


def test_service_8_ending_needs_a_supervisor_a_reason_and_a_current_manager(
    assigned: Customer, supervisor: Any, account_manager: Any
) -> None:
    with pytest.raises(DomainError):
        personal_manager_end(customer=assigned, actor=account_manager, note="x")
    with pytest.raises(DomainError):
        personal_manager_end(customer=assigned, actor=supervisor, note="  ")
    personal_manager_end(customer=assigned, actor=supervisor, note="left")
    with pytest.raises(DomainError):
        personal_manager_end(customer=assigned, actor=supervisor, note="again")


def test_service_8_the_end_page_confirms_first_and_ends_once(
    assigned: Customer, supervisor: Any
) -> None:
    client = login(supervisor)
    url = reverse("keyaccounts:vip_end")
    data = {"customer": "13900000001", "note": "销户"}

    page = client.post(url, data)
    assert 'data-testid="confirm-end"' in page.content.decode()
    assert PersonalManager.objects.get().ended_on is None  # nothing ended yet
    token = TOKEN.search(page.content.decode())
    assert token
    confirm = {**data, "confirmed": "1", FORM_FIELD: token.group(1)}
    assert client.post(url, confirm).status_code == 302
    assert client.post(url, confirm).status_code == 302  # replayed: done once

    row = PersonalManager.objects.get()
    assert (row.ended_on, row.end_note) == (TODAY, "销户")
    portfolio = client.get(reverse("keyaccounts:vip_portfolio")).content.decode()
    assert 'data-testid="unassigned-row"' in portfolio


def test_service_8_the_end_page_keeps_the_input_when_refused(supervisor: Any) -> None:
    make_customer(msisdn="13900000002")
    response = login(supervisor).post(
        reverse("keyaccounts:vip_end"), {"customer": "13900000002", "note": "搬家"}
    )

    page = response.content.decode()
    assert "no personal account manager" in page
    assert "搬家" in page


def test_service_8_only_supervisors_end(account_manager: Any) -> None:
    assert login(account_manager).get(reverse("keyaccounts:vip_end")).status_code == 403


# ---- (b) the manager on the cards and in the API ----


def test_service_8_the_desk_card_names_the_personal_manager(assigned: Customer, clerk: Any) -> None:
    page = login(clerk).get(reverse("servicedesk:desk_card", args=["13900000001"]))

    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="personal-manager-panel"' in text
    assert "王芳" in text


def test_service_8_the_desk_card_says_when_there_is_none(clerk: Any) -> None:
    make_customer(msisdn="13900000003")
    page = login(clerk).get(reverse("servicedesk:desk_card", args=["13900000003"]))

    assert 'data-testid="personal-manager-none"' in page.content.decode()


def test_service_8_the_customer_api_adds_the_personal_manager_on_the_day(
    assigned: Customer, clerk: Any, account_manager: Any, supervisor: Any
) -> None:
    client = login(clerk)
    url = reverse("api:customer-detail", args=["13900000001"])

    body = client.get(url).json()
    assert body["personal_manager"] == {
        "username": account_manager.username,
        "name": "王芳",
        "since": "2026-11-25",
    }
    assert {"msisdn", "brand", "status", "tier", "tier_grants", "points", "credit"} <= set(body)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert client.get(url, {"on": yesterday}).json()["personal_manager"] is None

    personal_manager_end(customer=assigned, actor=supervisor, note="left")
    assert client.get(url).json()["personal_manager"] is None
    assert client.get(url, {"on": "2026-11-25"}).json()["personal_manager"] is None
