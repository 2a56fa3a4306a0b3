"""D-VALID-3 / CUST-1: a phone number is read the same wherever a person types it.

Full-width digits (０-９), spaces (the ideographic one too), dashes and a leading
+86 / 0086 / 86 are dropped by the one normaliser, ``core.validators.normalise_msisdn``;
each entry point below — lookup boxes, forms, API paths and bodies, filters, admin search —
finds the line ``13900000001`` from the way a clerk may type it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.validators import msisdn_or_none, normalise_msisdn, validate_msisdn
from keyaccounts.forms.groups import MemberAddForm
from keyaccounts.services.groups import key_person_create
from keyaccounts.services.upgrades import upgrade_request_create
from membership.admin import CustomerAdminForm
from membership.forms.lifecycle import NumberChangeForm
from membership.models import Customer
from points.forms import RecipientForm
from points.services.redemptions import redemption_create
from points.tests.builders import make_item
from servicedesk.filters import ServiceRequestFilter
from servicedesk.forms import LookupForm as DeskLookupForm
from servicedesk.forms import TicketIssueForm
from servicedesk.models import ServiceRequest
from tests.builders import make_group
from tests.factories import CustomerFactory, points_earned

NUMBER = "13900000001"
# How the number may arrive from a keyboard, an input method or a copied contact card.
TYPED = [
    "139 0000 0001",
    "139-0000-0001",
    "+86 139 0000 0001",
    "+86-139-0000-0001",
    "8613900000001",
    "0086 13900000001",
    "１３９００００００01",  # full-width digits (a Chinese input method)
    "＋８６　１３９　００００　０００１",  # full-width plus and ideographic spaces
    "139－0000－0001",  # full-width hyphen
    "139—0000—0001",  # em dash
    " 13900000001 ",
]
# One typed form used through the entry points (the unit test covers the others).
SAMPLE = "＋８６　１３９－００００－０００１"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def line(db: Any) -> Customer:
    CustomerFactory(msisdn=NUMBER)
    return Customer.objects.get(msisdn=NUMBER)


# --- the one normaliser --------------------------------------------------------------------


@pytest.mark.parametrize("typed", TYPED)
def test_cust_1_the_normaliser_reads_the_number_as_people_type_it(typed: str) -> None:
    assert normalise_msisdn(typed) == NUMBER
    assert msisdn_or_none(typed) == NUMBER


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1390000000",  # 10 digits
        "139000000011",  # 12 digits
        "23900000001",  # not 13–19
        "12900000001",
        "+1 139 0000 0001",
        "13900000001x",
        "139.0000.0001",
        "١٣٩٠٠٠٠٠٠٠١",  # Arabic-Indic digits are not a Chinese mobile number
        "86 139 0000 000",
    ],
)
def test_cust_1_anything_else_is_refused_with_the_value_in_the_message(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_msisdn(typed)
    assert caught.value.code == "invalid_msisdn"
    assert msisdn_or_none(typed) is None


def test_cust_1_the_stored_form_is_ascii_digits_only() -> None:
    """``\\d`` matches every Unicode digit: the model's validator must not let a full-width
    digit be stored (it did before D-VALID-3)."""
    validate_msisdn(NUMBER)
    with pytest.raises(ValidationError):
        validate_msisdn("13９00000001")


# --- lookup boxes ----------------------------------------------------------------------


def test_the_counter_lookup_box_finds_the_line(line: Customer, clerk: Any) -> None:
    response = login(clerk).get(reverse("membership:lookup"), {"q": SAMPLE})
    assert response.status_code == 302
    assert response["Location"] == reverse("membership:customer_card", args=[NUMBER])


def test_the_service_desk_lookup_box_finds_the_line(line: Customer, clerk: Any) -> None:
    response = login(clerk).get(reverse("servicedesk:desk_home"), {"msisdn": SAMPLE})
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:desk_card", args=[NUMBER])
    assert DeskLookupForm({"msisdn": SAMPLE}).is_valid()


def test_a_customer_page_opens_from_a_typed_number_in_its_address(
    line: Customer, clerk: Any
) -> None:
    card = reverse("membership:customer_card", args=[SAMPLE])
    response = login(clerk).get(card)
    assert response.status_code == 200
    assert response.context["customer"] == line


# --- forms -----------------------------------------------------------------------------


def test_the_queue_ticket_form_reads_the_typed_number(db: Any) -> None:
    form = TicketIssueForm({"msisdn": SAMPLE})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["msisdn"] == NUMBER


def test_the_number_change_form_reads_the_typed_number(db: Any) -> None:
    form = NumberChangeForm({"new_msisdn": "１３９ ０００ ０００ ９９"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["new_msisdn"] == "13900000099"


def test_the_group_member_form_finds_the_line(line: Customer) -> None:
    form = MemberAddForm({"customer": SAMPLE, "signed_on": "2025-01-01"})
    form.is_valid()
    assert "customer" not in form.errors, form.errors
    assert form.cleaned_data["customer"] == line


def test_the_transfer_recipient_form_finds_the_line(line: Customer) -> None:
    form = RecipientForm({"msisdn": SAMPLE})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["msisdn"] == line


def test_the_admin_customer_form_stores_the_eleven_digits(db: Any) -> None:
    form = CustomerAdminForm(
        {
            "msisdn": "＋８６ １３９－００００－０００２",
            "name": "李四",
            "id_number": "320102198001011234",
            "birth_date": "1980-01-01",
            "brand": "gotone",
            "joined_on": "2015-03-15",
            "province": "江苏",
            "city": "苏州",
            "status": "active",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["msisdn"] == "13900000002"


# --- API paths and bodies ------------------------------------------------------------------


def test_the_customer_api_reads_a_typed_number_in_the_path(line: Customer, clerk: Any) -> None:
    response = api(clerk).get(f"/api/customers/{quote(SAMPLE)}/")
    assert response.status_code == 200, response.content
    assert response.json()["msisdn"] == NUMBER


def test_the_fee_waiver_api_reads_a_typed_number(line: Customer, clerk: Any) -> None:
    response = api(clerk).get("/api/fee-waivers/", {"msisdn": SAMPLE})
    assert response.status_code == 200
    assert response.json() == []
    assert api(clerk).get("/api/fee-waivers/", {"msisdn": "139"}).status_code == 400


def test_the_redemption_api_reads_a_typed_number_in_the_body(line: Customer, clerk: Any) -> None:
    points_earned(line, 2025, 5000)
    item = make_item(points_price=1000)
    response = api(clerk).post(
        "/api/points/redemptions/", {"msisdn": SAMPLE, "item": item.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["msisdn"] == NUMBER


# --- filters and searches ------------------------------------------------------------------


def test_the_redemption_and_transfer_filters_read_a_typed_number(
    line: Customer, clerk: Any
) -> None:
    points_earned(line, 2025, 5000)
    redemption_create(customer=line, item=make_item(points_price=1000), actor=clerk)
    client = api(clerk)
    found = client.get("/api/points/redemptions/", {"msisdn": SAMPLE}).json()
    assert [row["msisdn"] for row in found["results"]] == [NUMBER]
    assert client.get("/api/points/redemptions/", {"msisdn": "139"}).json()["count"] == 0
    # no transfer yet: a typed number filters (to nothing), a bad one matches nothing
    for name in ("sender", "recipient"):
        response = client.get("/api/points/transfers/", {name: SAMPLE})
        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_the_key_person_filter_and_the_upgrade_search_read_a_typed_number(
    line: Customer, account_manager: Any
) -> None:
    group = make_group(account_manager=account_manager)
    person = key_person_create(group=group, customer=line, role="contact", rank="other")
    upgrade_request_create(
        key_person=person, requested_level="diamond", reason="重要领导", actor=account_manager
    )
    rows = api(account_manager).get("/api/key-persons/", {"msisdn": SAMPLE}).json()["results"]
    assert [row["id"] for row in rows] == [person.pk]
    page = login(account_manager).get(reverse("keyaccounts:upgrade_list"), {"q": SAMPLE})
    assert page.status_code == 200
    assert [r.key_person for r in page.context["page"].object_list] == [person]


def test_the_service_request_filter_reads_a_typed_number(line: Customer) -> None:
    filtered = ServiceRequestFilter({"msisdn": SAMPLE}, queryset=ServiceRequest.objects.all())
    expected = ServiceRequest.objects.filter(customer__msisdn=NUMBER)
    assert str(filtered.qs.query) == str(expected.query)


def test_the_admin_search_box_reads_a_typed_number(line: Customer, superuser: Any) -> None:
    client = login(superuser)
    response = client.get(reverse("admin:membership_customer_changelist"), {"q": SAMPLE})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [line]
    bills = client.get(reverse("admin:membership_bill_changelist"), {"q": SAMPLE})
    assert bills.status_code == 200
