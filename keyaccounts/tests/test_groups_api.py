"""The group API: lists scoped and filterable, contacts logged, upgrade requests moved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from keyaccounts.models import ContactLog, UpgradeRequest
from keyaccounts.services.groups import contact_log_create, key_person_create
from keyaccounts.services.upgrades import upgrade_request_create
from tests.builders import make_customer, make_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def person(account_manager: Any) -> Any:
    group = make_group(group_class="B", city="苏州", account_manager=account_manager)
    return key_person_create(
        group=group,
        customer=make_customer(name="张三"),
        role="contact",
        rank="other",
        actor=account_manager,
    )


def test_group_and_key_person_lists_are_filterable(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    make_group(group_class="A", city="南京", account_manager=account_manager)
    client = api(supervisor)
    rows = client.get(reverse("api:group-list"), {"group_class": "B"}).json()["results"]
    assert [r["code"] for r in rows] == [person.group.code]
    assert rows[0]["key_person_count"] == 1
    assert rows[0]["member_count"] == 1
    assert client.get(reverse("api:group-list"), {"city": "南京"}).json()["count"] == 1
    rows = client.get(reverse("api:key-person-list"), {"role": "contact"}).json()["results"]
    assert [(r["msisdn"], r["name"], r["level"], r["key_person_level"]) for r in rows] == [
        (person.customer.msisdn, "张*", "silver", "silver")  # CUST-8: masked
    ]
    assert client.get(reverse("api:key-person-list"), {"role": "influencer"}).json()["count"] == 0


def test_a_contact_is_logged_through_the_api(person: Any, account_manager: Any) -> None:
    client = api(account_manager)
    response = client.post(
        reverse("api:contact-log-list"),
        {
            "group": person.group_id,
            "key_person": person.pk,
            "channel": "greeting",
            "occasion": "mid_autumn",
            "notes": "中秋问候",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    contact = ContactLog.objects.get()
    assert response.json()["id"] == contact.pk
    assert (contact.channel, contact.occasion, contact.logged_by) == (
        "greeting",
        "mid_autumn",
        account_manager,
    )
    assert contact.occasion_date is not None
    bad = client.post(
        reverse("api:contact-log-list"),
        {"group": person.group_id, "channel": "visit", "notes": "拜访"},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"person": ["Say who was contacted: a key person or a name."]}
    listed = client.get(reverse("api:contact-log-list"), {"channel": "greeting"}).json()
    assert listed["count"] == 1


def test_upgrade_requests_are_raised_and_decided_through_the_api(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    response = api(account_manager).post(
        reverse("api:upgrade-request-list"),
        {"key_person": person.pk, "requested_level": "gold", "reason": "重要"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["current_level"], body["overdue"]) == ("pending", "silver", False)
    pk = body["id"]
    # the manager may not approve (matrix: supervisors only)
    refused = api(account_manager).post(
        reverse("api:upgrade-request-approve", args=[pk]), {"note": "x"}, format="json"
    )
    assert refused.status_code == 403
    approved = api(supervisor).post(
        reverse("api:upgrade-request-approve", args=[pk]), {"note": "同意"}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["grant"] is not None
    again = api(supervisor).post(
        reverse("api:upgrade-request-reject", args=[pk]), {"note": "no"}, format="json"
    )
    assert again.status_code == 409
    assert UpgradeRequest.objects.get().status == "approved"
    listed = api(supervisor).get(reverse("api:upgrade-request-list"), {"status": "approved"})
    assert listed.json()["count"] == 1


def test_self_approval_through_the_api_is_forbidden(person: Any) -> None:
    boss = UserFactory(username="boss", role="supervisor")
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=boss
    )
    response = api(boss).post(
        reverse("api:upgrade-request-approve", args=[request.pk]), {"note": "x"}, format="json"
    )
    assert response.status_code == 403
    assert "Nobody decides" in response.json()["detail"]
    withdrawn = api(boss).post(
        reverse("api:upgrade-request-withdraw", args=[request.pk]), {}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"


def test_a_counter_clerk_gets_nothing_from_the_group_api(person: Any, clerk: Any) -> None:
    for name in ("group", "key-person", "contact-log", "upgrade-request"):
        assert api(clerk).get(reverse(f"api:{name}-list")).status_code == 403


@pytest.mark.parametrize(
    ("name", "expected"),
    # key persons: one more, for the page, whose names the manager sees in full (D-CUST-13)
    [("group", 3), ("key-person", 4), ("contact-log", 3), ("upgrade-request", 3)],
)
def test_api_lists_take_a_fixed_number_of_queries(
    name: str, expected: int, account_manager: Any, django_assert_num_queries: Any
) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            group = make_group(group_class="B", account_manager=account_manager)
            kp = key_person_create(
                group=group, customer=make_customer(), role="contact", rank="other"
            )
            contact_log_create(
                group=group, key_person=kp, channel="call", actor=account_manager, notes="回访"
            )
            upgrade_request_create(
                key_person=kp, requested_level="gold", reason="x", actor=account_manager
            )

    def fresh() -> APIClient:  # a fresh user object: its roles are not cached yet
        return api(type(account_manager).objects.get(pk=account_manager.pk))

    grow(2)
    client = fresh()
    with django_assert_num_queries(expected):
        assert client.get(reverse(f"api:{name}-list")).json()["count"] == 2
    grow(3)
    client = fresh()
    with django_assert_num_queries(expected):
        assert client.get(reverse(f"api:{name}-list")).json()["count"] == 5
