"""SERVICE-12 brand privileges 品牌权益: entitlement rows, requests at the desk and by the
account manager who looks after the customer (D-DESK-18)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keyaccounts.models import KeyPerson, PersonalManager
from membership.models import Customer
from servicedesk.models import (
    BRAND_PRIVILEGE_KINDS,
    Entitlement,
    RequestKind,
    RequestStatus,
    Reservation,
    ServiceRequest,
)
from servicedesk.selectors.desk import desk_card
from servicedesk.services.requests import service_request_create, service_request_set_status
from servicedesk.tests.conftest import ON, give_level, make_customer
from tests.builders import make_group
from tests.db import reload_data_migration

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 10:00")]

BRAND = ["diamond", "platinum", "gold", "silver"]
FIVE_STAR = ["diamond", "gold", "guest", "platinum", "silver"]


@pytest.fixture(autouse=True)
def _table() -> None:
    """The seed, again (an earlier transactional test's flush may have emptied it)."""
    reload_data_migration("servicedesk.migrations.0002_seed_entitlements", "seed")
    reload_data_migration("servicedesk.migrations.0009_seed_brand_privileges", "seed")


@pytest.fixture
def gold(db: Any) -> Customer:
    customer = make_customer(msisdn="13812349101", brand="gotone")
    give_level(customer, "gold")
    return customer


def request(customer: Customer, actor: Any, kind: str, **data: Any) -> ServiceRequest:
    return service_request_create(customer=customer, kind=kind, actor=actor, data=data, on=ON)


def rows(benefit: str) -> dict[str, Entitlement]:
    return {e.audience: e for e in Entitlement.objects.filter(benefit=benefit)}


def test_service_12_the_migration_seeds_who_gets_each_brand_privilege_and_its_quota() -> None:
    hotel = rows("hotel_discount")
    assert sorted(hotel) == sorted(BRAND)
    assert all(e.quota is None and e.allowance == 15 for e in hotel.values())  # Default
    member_day = rows("member_day")
    assert sorted(member_day) == sorted(BRAND)
    assert {(e.quota, e.period) for e in member_day.values()} == {(1, "month")}
    magazine = rows("magazine")
    assert sorted(magazine) == FIVE_STAR
    assert {(e.quota, e.period, e.allowance) for e in magazine.values()} == {(1, "year", 24)}
    card = rows("new_year_card")
    assert sorted(card) == FIVE_STAR
    assert {(e.quota, e.period) for e in card.values()} == {(1, "year")}
    for unlimited in ("club_event", "invoice_mailing"):
        table = rows(unlimited)
        assert sorted(table) == FIVE_STAR
        assert {(e.quota, e.period) for e in table.values()} == {(None, "unlimited")}
    assert all(
        e.scope == "national" and e.free
        for b in BRAND_PRIVILEGE_KINDS.values()
        for e in rows(b).values()
    )


def test_service_12_a_brand_privilege_is_registered_with_its_terms_and_reserves_the_quota(
    gold: Customer, clerk: Any
) -> None:
    magazine = request(gold, clerk, RequestKind.MAGAZINE, subject="苏州市工业园区 1 号")
    assert magazine.status == RequestStatus.OPEN
    assert magazine.reservation == Reservation.RESERVED
    assert magazine.year == 2026
    assert "semi-monthly (24 issues)" in magazine.terms
    assert "0 of 1 per year left" in magazine.terms
    assert magazine.subject == "苏州市工业园区 1 号"
    again = request(gold, clerk, RequestKind.MAGAZINE)
    assert again.status == RequestStatus.REFUSED
    assert again.refusal_code == "quota_used"
    service_request_set_status(request=magazine, status=RequestStatus.CANCELLED, actor=clerk)
    assert request(gold, clerk, RequestKind.MAGAZINE).status == RequestStatus.OPEN


def test_service_12_unlimited_privileges_are_not_counted_and_hotel_gives_the_rate(
    gold: Customer, clerk: Any
) -> None:
    hotels = [request(gold, clerk, RequestKind.HOTEL_DISCOUNT) for _ in range(3)]
    assert all(r.status == RequestStatus.OPEN for r in hotels)
    assert all(r.reservation == Reservation.NONE for r in hotels)
    assert hotels[0].terms == "15% off at partner hotels."
    invoice = request(gold, clerk, RequestKind.INVOICE_MAILING, subject="2026-01, 2026-02")
    assert invoice.status == RequestStatus.OPEN
    assert invoice.terms == "Invoices mailed free of charge."


def test_service_12_member_day_counts_per_month(gold: Customer, clerk: Any) -> None:
    first = request(gold, clerk, RequestKind.MEMBER_DAY)
    service_request_set_status(request=first, status=RequestStatus.DONE, actor=clerk)
    assert request(gold, clerk, RequestKind.MEMBER_DAY).refusal_code == "quota_used"
    april = service_request_create(
        customer=gold, kind=RequestKind.MEMBER_DAY, actor=clerk, on=date(2026, 4, 1)
    )
    assert april.status == RequestStatus.OPEN


def test_service_12_the_table_is_the_setting_a_supervisor_edit_applies_at_once(
    gold: Customer, clerk: Any
) -> None:
    Entitlement.objects.filter(benefit="hotel_discount", audience="gold").update(
        quota=2, period="year", allowance=20
    )
    first = request(gold, clerk, RequestKind.HOTEL_DISCOUNT)
    assert first.terms.startswith("20% off at partner hotels.")
    request(gold, clerk, RequestKind.HOTEL_DISCOUNT)
    third = request(gold, clerk, RequestKind.HOTEL_DISCOUNT)
    assert third.refusal_code == "quota_used"


def test_service_12_refused_with_the_reason_where_the_level_has_no_row(clerk: Any) -> None:
    guest = make_customer(msisdn="13812349102", brand="gotone")
    give_level(guest, "guest")
    refused = request(guest, clerk, RequestKind.HOTEL_DISCOUNT)
    assert refused.status == RequestStatus.REFUSED
    assert refused.refusal_code == "not_entitled"
    assert refused.refusal_reason.startswith("Hotel discount 酒店折扣 is not included in the")
    assert request(guest, clerk, RequestKind.NEW_YEAR_CARD).status == RequestStatus.OPEN
    nobody = make_customer(msisdn="13812349103", brand="gotone")
    assert request(nobody, clerk, RequestKind.MAGAZINE).refusal_code == "not_entitled"


def test_service_12_a_limited_grant_gives_no_brand_privilege(clerk: Any) -> None:
    upgraded = make_customer(msisdn="13812349104", brand="gotone")
    give_level(upgraded, "diamond", limited=True)
    refused = request(upgraded, clerk, RequestKind.HOTEL_DISCOUNT)
    assert refused.refusal_code == "not_entitled"
    assert "TIER-7" in refused.refusal_reason


def test_service_12_the_desk_card_lists_the_brand_privileges_with_what_is_left(
    gold: Customer, clerk: Any, client: Client
) -> None:
    request(gold, clerk, RequestKind.NEW_YEAR_CARD)
    card = desk_card(gold, ON)
    listed = {p["entitlement"].benefit: p for p in card["privileges"]}
    for benefit in BRAND_PRIVILEGE_KINDS.values():
        assert benefit in listed
    assert "club_event" in listed
    assert listed["new_year_card"]["left"] == 0
    assert listed["magazine"]["left"] == 1
    assert listed["hotel_discount"]["left"] is None
    client.force_login(clerk)
    page = client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": gold.msisdn}))
    body = page.content.decode()
    assert "Hotel discount 酒店折扣" in body
    assert "15% off" in body
    assert "24 issues a year" in body
    for kind in BRAND_PRIVILEGE_KINDS:
        assert (
            reverse("servicedesk:request_create", kwargs={"msisdn": gold.msisdn, "kind": kind})
            in body
        )


# --- the account manager ------------------------------------------------------------------


def look_after(customer: Customer, manager: Any, supervisor: Any) -> PersonalManager:
    return PersonalManager.objects.create(
        customer=customer,
        manager=manager,
        started_on=date(2026, 1, 1),
        reason=PersonalManager.Reason.ASSIGN,
        assigned_at=timezone.now(),
        assigned_by=supervisor,
    )


def post_request(client: Client, customer: Customer, kind: str, **data: Any) -> Any:
    url = reverse("servicedesk:request_create", kwargs={"msisdn": customer.msisdn, "kind": kind})
    return client.post(url, data)


def test_service_12_an_account_manager_registers_a_brand_privilege_for_their_customer(
    gold: Customer, account_manager: Any, supervisor: Any, client: Client
) -> None:
    look_after(gold, account_manager, supervisor)
    client.force_login(account_manager)
    form = client.get(
        reverse(
            "servicedesk:request_create",
            kwargs={"msisdn": gold.msisdn, "kind": RequestKind.INVOICE_MAILING},
        )
    )
    assert form.status_code == 200
    response = post_request(client, gold, RequestKind.INVOICE_MAILING, subject="2026-02")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "membership:customer_card", kwargs={"msisdn": gold.msisdn}
    )
    created = ServiceRequest.objects.get(customer=gold, kind=RequestKind.INVOICE_MAILING)
    assert created.created_by == account_manager
    assert created.status == RequestStatus.OPEN
    card = client.get(reverse("membership:customer_card", kwargs={"msisdn": gold.msisdn}))
    body = card.content.decode()
    assert 'data-testid="brand-privileges"' in body
    assert reverse("servicedesk:club_signup_create", kwargs={"msisdn": gold.msisdn}) in body


def test_service_12_a_manager_may_register_for_a_key_person_of_their_group(
    gold: Customer, account_manager: Any, client: Client
) -> None:
    group = make_group(account_manager=account_manager)
    KeyPerson.objects.create(group=group, customer=gold, role="contact", rank="other")
    client.force_login(account_manager)
    assert post_request(client, gold, RequestKind.NEW_YEAR_CARD).status_code == 302
    assert ServiceRequest.objects.filter(customer=gold, kind="new_year_card").exists()


def test_service_12_a_manager_may_not_register_for_others_nor_other_kinds(
    gold: Customer,
    account_manager: Any,
    other_account_manager: Any,
    supervisor: Any,
    client: Client,
) -> None:
    look_after(gold, other_account_manager, supervisor)
    client.force_login(account_manager)
    assert post_request(client, gold, RequestKind.MAGAZINE).status_code == 403
    card = client.get(reverse("membership:customer_card", kwargs={"msisdn": gold.msisdn}))
    assert 'data-testid="brand-privileges"' not in card.content.decode()
    client.force_login(other_account_manager)
    lounge = post_request(
        client, gold, RequestKind.LOUNGE_VISIT, lounge_type="airport", location="in_province"
    )
    assert lounge.status_code == 403
    assert not ServiceRequest.objects.filter(customer=gold).exists()
