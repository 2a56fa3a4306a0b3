"""D-TRUST-1 in the API: the ``Idempotency-Key`` header on the operations that create
money-like or quota-holding records. The same key from the same user with the same request
answers the first response again without doing the work; with a different request, 422;
without the header, nothing changes."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import IdempotencyKey
from keyaccounts.models import ContactLog, UpgradeRequest
from keyaccounts.services.groups import key_person_create
from plans.models import Subscription
from plans.tests.conftest import customer_in
from points.models import Redemption, Transfer
from points.selectors import balances
from points.services import transfer_recipient_register
from points.tests.builders import earn, make_item
from tests.builders import make_customer, make_group

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

REDEMPTIONS = reverse("api:points-redemption-list")


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def send(client: APIClient, url: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, body, format="json", headers=headers)


@pytest.fixture
def rich() -> Any:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, 2024, 3000)
    earn(customer, 2026, 2000)
    return customer


@pytest.fixture
def item() -> Any:
    return make_item(name="电影票", points_price=800, stock=10)


def test_a_redemption_sent_twice_with_one_key_is_made_once_and_answered_the_same(
    clerk: Any, rich: Any, item: Any
) -> None:
    client = api(clerk)
    body = {"msisdn": rich.msisdn, "item": item.pk, "quantity": 1}

    first = send(client, REDEMPTIONS, body, key="c0ffee-1")
    again = send(client, REDEMPTIONS, body, key="c0ffee-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Redemption.objects.count() == 1
    assert balances(rich).redeemable == 5000 - 800


def test_the_same_body_with_its_keys_in_another_order_is_the_same_request(
    clerk: Any, rich: Any, item: Any
) -> None:
    client = api(clerk)
    send(client, REDEMPTIONS, {"msisdn": rich.msisdn, "item": item.pk, "quantity": 1}, key="k")

    again = client.post(
        REDEMPTIONS,
        json.dumps({"quantity": 1, "item": item.pk, "msisdn": rich.msisdn}, indent=2),
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )

    assert again.status_code == 201
    assert Redemption.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused_with_422(
    clerk: Any, rich: Any, item: Any
) -> None:
    client = api(clerk)
    send(client, REDEMPTIONS, {"msisdn": rich.msisdn, "item": item.pk, "quantity": 1}, key="k")

    other = send(client, REDEMPTIONS, {"msisdn": rich.msisdn, "item": item.pk, "quantity": 2}, "k")

    assert other.status_code == 422
    assert other.json() == {
        "detail": "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request.",
        "code": "idempotency_key_reused",
    }
    assert Redemption.objects.count() == 1
    assert balances(rich).redeemable == 5000 - 800


def test_the_same_key_on_another_endpoint_is_a_different_request(
    clerk: Any, rich: Any, item: Any
) -> None:
    recipient = make_customer(msisdn="13900000002")
    transfer_recipient_register(sender=rich, recipient=recipient)
    client = api(clerk)
    send(client, REDEMPTIONS, {"msisdn": rich.msisdn, "item": item.pk, "quantity": 1}, key="k")

    other = send(
        client,
        reverse("api:points-transfer-list"),
        {"sender": rich.msisdn, "recipient": recipient.msisdn, "points": 100},
        key="k",
    )

    assert other.status_code == 422
    assert not Transfer.objects.exists()


def test_without_the_header_every_post_does_the_work(clerk: Any, rich: Any, item: Any) -> None:
    client = api(clerk)
    body = {"msisdn": rich.msisdn, "item": item.pk, "quantity": 1}

    assert send(client, REDEMPTIONS, body).status_code == 201
    assert send(client, REDEMPTIONS, body).status_code == 201

    assert Redemption.objects.count() == 2
    assert balances(rich).redeemable == 5000 - 1600
    assert not IdempotencyKey.objects.exists()


def test_keys_are_per_user(clerk: Any, supervisor: Any, rich: Any, item: Any) -> None:
    body = {"msisdn": rich.msisdn, "item": item.pk, "quantity": 1}

    send(api(clerk), REDEMPTIONS, body, key="shared")
    theirs = send(api(supervisor), REDEMPTIONS, body, key="shared")

    assert theirs.status_code == 201
    assert not theirs.has_header("Idempotent-Replayed")
    assert Redemption.objects.count() == 2


def test_an_error_is_not_kept_so_the_key_may_be_used_again(clerk: Any, rich: Any) -> None:
    client = api(clerk)
    dear = make_item(name="蓝牙耳机", points_price=6000, stock=10)
    cheap = make_item(name="电影票", points_price=800, stock=10)

    refused = send(client, REDEMPTIONS, {"msisdn": rich.msisdn, "item": dear.pk}, key="k")
    done = send(client, REDEMPTIONS, {"msisdn": rich.msisdn, "item": cheap.pk}, key="k")

    assert refused.status_code == 400
    assert refused.json()["code"] == "short"
    assert done.status_code == 201
    assert Redemption.objects.get().item == cheap


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "clé-1", "tab\there"])
def test_a_malformed_key_is_a_400(clerk: Any, rich: Any, item: Any, key: str) -> None:
    response = send(api(clerk), REDEMPTIONS, {"msisdn": rich.msisdn, "item": item.pk}, key=key)

    assert response.status_code == 400
    assert response.json() == {
        "Idempotency-Key": [
            "The Idempotency-Key header must be 1 to 255 printable ASCII characters."
        ]
    }
    assert not Redemption.objects.exists()


def test_a_transfer_sent_twice_with_one_key_moves_the_points_once(clerk: Any, rich: Any) -> None:
    recipient = make_customer(msisdn="13900000002")
    transfer_recipient_register(sender=rich, recipient=recipient)
    client = api(clerk)
    body = {"sender": rich.msisdn, "recipient": recipient.msisdn, "points": 1500}
    url = reverse("api:points-transfer-list")

    first = send(client, url, body, key="t-1")
    again = send(client, url, body, key="t-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Transfer.objects.count() == 1
    assert balances(recipient).redeemable == 1500


def test_a_plan_order_sent_twice_with_one_key_is_ordered_once(clerk: Any) -> None:
    customer = customer_in("南京")
    client = api(clerk)
    body = {"msisdn": customer.msisdn, "plan": "bt-388", "channel": "web"}
    url = reverse("api:plan-order-list")

    first = send(client, url, body, key="o-1")
    again = send(client, url, body, key="o-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Subscription.objects.filter(customer=customer).count() == 1


@pytest.fixture
def person(account_manager: Any) -> Any:
    group = make_group(group_class="B", city="苏州", account_manager=account_manager)
    return key_person_create(
        group=group, customer=make_customer(), role="contact", rank="other", actor=account_manager
    )


def test_a_contact_log_sent_twice_with_one_key_is_logged_once(
    account_manager: Any, person: Any
) -> None:
    client = api(account_manager)
    body = {
        "group": person.group_id,
        "key_person": person.pk,
        "channel": "call",
        "notes": "电话问候",
    }
    url = reverse("api:contact-log-list")

    first = send(client, url, body, key="c-1")
    again = send(client, url, body, key="c-1")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert ContactLog.objects.filter(key_person=person).count() == 1


def test_an_upgrade_request_sent_twice_with_one_key_is_asked_once(
    account_manager: Any, person: Any
) -> None:
    client = api(account_manager)
    body = {"key_person": person.pk, "requested_level": "gold", "reason": "重要"}
    url = reverse("api:upgrade-request-list")

    first = send(client, url, body, key="u-1")
    again = send(client, url, body, key="u-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert UpgradeRequest.objects.count() == 1


def test_the_schema_documents_the_header_on_every_idempotent_operation(supervisor: Any) -> None:
    client = APIClient()
    client.force_authenticate(supervisor)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    for path in (
        "/api/points/redemptions/",
        "/api/points/transfers/",
        "/api/plan-orders/",
        "/api/contact-logs/",
        "/api/upgrade-requests/",
    ):
        operation = schema["paths"][path]["post"]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
        assert headers[0].get("required", False) is False
        assert "422" in headers[0]["description"]
        assert "422" in operation["responses"], path
    # reading operations take no such header
    listing = schema["paths"]["/api/points/redemptions/"]["get"]
    assert all(p["in"] != "header" for p in listing.get("parameters", []))
