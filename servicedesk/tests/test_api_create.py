"""``POST /api/service-requests/`` (docs/interfaces.md contract, D-API-2): a request
registered as the desk does — the desk's form validates the body, the desk's service checks
and records it — answered 201 with the GET representation, 409 ``{"code", "detail"}`` when a
rule refuses, 400 when malformed; ``Idempotency-Key`` honoured."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.models import IdempotencyKey
from servicedesk.models import Privilege, RequestStatus, ServiceRequest
from servicedesk.services.requests import service_request_set_status
from servicedesk.tests.conftest import give_level, make_customer, rate_stars, suspend_for_arrears
from tests.builders import make_hall

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 10:00")]

URL = "/api/service-requests/"


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def send(client: APIClient, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, body, format="json", headers=headers)


def suspended(msisdn: str, brand: str = "gotone") -> Any:
    return make_customer(
        msisdn=msisdn, brand=brand, status="suspended", suspension_reason="arrears"
    )


def reactivation(msisdn: str, month: str = "2026-03") -> dict[str, Any]:
    return {"msisdn": msisdn, "kind": "emergency_reactivation", "arrears_month": month}


def test_a_complaint_is_registered_and_answered_as_get_shows_it(clerk: Any) -> None:
    make_customer(msisdn="13812340001", brand="gotone")
    client = api(clerk)

    response = send(client, {"msisdn": "+86 138-1234-0001", "kind": "complaint", "subject": "噪音"})

    assert response.status_code == 201
    body = response.json()
    assert body == client.get(f"{URL}{body['id']}/").json()
    assert (body["msisdn"], body["kind"], body["status"], body["subject"]) == (
        "13812340001",
        "complaint",
        "open",
        "噪音",
    )
    assert body["fast_track"] is True  # SERVICE-2: gotone complaints are fast-tracked
    assert body["hall"] is None  # D-API-2: no hall given, none recorded
    request = ServiceRequest.objects.get()
    assert request.created_by == clerk
    assert request.events.count() == 1


def test_service_3_an_emergency_reactivation_carries_its_hours_and_privilege(
    supervisor: Any,
) -> None:
    customer = suspended("13812340002")
    give_level(customer, "gold")
    make_hall(code="nj-1")
    client = api(supervisor)

    response = send(client, {**reactivation("13812340002", "2026-02"), "hall": "nj-1"})

    assert response.status_code == 201
    body = response.json()
    assert (body["hours"], body["privilege"]) == (72, Privilege.LEVEL)
    assert (body["status"], body["arrears_month"], body["hall"]) == ("open", "2026-02-01", "nj-1")
    assert body == client.get(f"{URL}{body['id']}/").json()


def test_service_3_a_second_reactivation_in_the_same_suspension_answers_409_with_its_code(
    clerk: Any,
) -> None:
    customer = suspend_for_arrears(make_customer(msisdn="13812340008"), "2026-03-18 09:00")
    give_level(customer, "gold")
    client = api(clerk)
    first = send(client, reactivation("13812340008"))
    assert first.status_code == 201
    service_request_set_status(
        request=ServiceRequest.objects.get(pk=first.json()["id"]), status="done", actor=clerk
    )

    again = send(client, reactivation("13812340008"))

    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "reactivation_used_this_suspension"
    refused = ServiceRequest.objects.get(pk=body["id"])
    assert (refused.hours, refused.privilege, refused.status) == (None, "", "refused")


@override_settings(GOTONE={"REACTIVATION_CREDIT_HOURS": {5: 72, 4: 48, 3: 24}})
def test_service_3_configured_credit_stars_answer_their_hours_and_privilege(clerk: Any) -> None:
    customer = suspended("13812340009", brand="easyown")
    rate_stars(customer, 4)
    client = api(clerk)

    response = send(client, reactivation("13812340009"))

    assert response.status_code == 201
    body = response.json()
    assert (body["hours"], body["privilege"]) == (48, Privilege.CREDIT)
    request = ServiceRequest.objects.get(pk=body["id"])
    assert (request.hours, request.privilege) == (48, Privilege.CREDIT)
    assert body == client.get(f"{URL}{body['id']}/").json()


@pytest.mark.parametrize(
    ("brand", "month", "code", "words"),
    [
        # A mass-market line with no stars has no privilege.
        ("easyown", "2026-03", "no_reactivation_privilege", "no emergency reactivation"),
        # Arrears of two months ago are too old.
        ("gotone", "2026-01", "arrears_too_old", "current or the previous month"),
    ],
)
def test_service_3_a_refusal_answers_409_with_code_and_detail_and_is_recorded(
    clerk: Any, brand: str, month: str, code: str, words: str
) -> None:
    customer = suspended("13812340003", brand=brand)
    if brand == "gotone":
        give_level(customer, "gold")

    response = send(api(clerk), reactivation("13812340003", month))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == code
    assert words in body["detail"]
    # Recorded as at the desk (D-DESK-4): what was asked, why not.
    refused = ServiceRequest.objects.get()
    assert (refused.pk, refused.status, refused.refusal_code) == (
        body["id"],
        RequestStatus.REFUSED,
        code,
    )
    assert refused.refusal_reason == body["detail"]


def test_service_3_a_line_not_suspended_for_arrears_is_refused_with_its_code(clerk: Any) -> None:
    give_level(make_customer(msisdn="13812340004", brand="gotone"), "diamond")

    response = send(api(clerk), reactivation("13812340004"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_suspended_for_arrears"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"msisdn": "12345", "kind": "complaint", "subject": "x"}, "msisdn"),
        ({"msisdn": "13812340005", "kind": "teleportation"}, "kind"),
        ({"msisdn": "13812340005"}, "kind"),
        ({"msisdn": "13812340005", "kind": "complaint"}, "subject"),  # the kind's own field
        ({"msisdn": "13812340005", "kind": "emergency_reactivation"}, "arrears_month"),
        (reactivation("13812340005", "2026-13"), "arrears_month"),
        ({"msisdn": "13812340005", "kind": "late_fee_waiver", "late_fee": "0"}, "late_fee"),
        ({"msisdn": "13812340005", "kind": "complaint", "subject": "x", "hall": "nope"}, "hall"),
        ({"msisdn": "13812340005", "kind": "complaint", "subject": ["x"]}, "subject"),
    ],
)
def test_malformed_input_answers_400_and_records_nothing(
    clerk: Any, body: dict[str, Any], field: str
) -> None:
    make_customer(msisdn="13812340005", brand="gotone", status="suspended")

    response = send(api(clerk), body, key="bad-1")

    assert response.status_code == 400
    assert field in response.json()
    assert not ServiceRequest.objects.exists()
    assert not IdempotencyKey.objects.exists()  # an error keeps no key (D-TRUST-1)


def test_an_unknown_number_answers_404(clerk: Any) -> None:
    response = send(api(clerk), {"msisdn": "13999999999", "kind": "complaint", "subject": "x"})

    assert response.status_code == 404
    assert not ServiceRequest.objects.exists()


def test_d_trust_1_a_key_sent_again_answers_the_first_result_and_creates_one_request(
    clerk: Any,
) -> None:
    customer = suspended("13812340006")
    give_level(customer, "silver")
    client = api(clerk)

    first = send(client, reactivation("13812340006"), key="hotline-42")
    again = send(client, reactivation("13812340006"), key="hotline-42")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ServiceRequest.objects.count() == 1
    # Without the key, the same body is a new request: refused, one is already open.
    other = send(client, reactivation("13812340006"))
    assert (other.status_code, other.json()["code"]) == (409, "reactivation_already_open")


def test_d_api_2_a_recorded_refusal_is_replayed_too_and_not_recorded_twice(clerk: Any) -> None:
    suspended("13812340007", brand="easyown")
    client = api(clerk)

    first = send(client, reactivation("13812340007"), key="hotline-43")
    again = send(client, reactivation("13812340007"), key="hotline-43")

    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ServiceRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("counter_clerk", 201),
        ("supervisor", 201),
        ("superuser", 201),
        ("account_manager", 403),
        ("outsider", 403),
        ("anonymous", 403),
    ],
)
def test_only_the_desk_roles_register_requests(
    personas: dict[str, Any], persona: str, expected: int
) -> None:
    make_customer(msisdn="13812340008", brand="gotone")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if personas[persona] is not None:
        client.force_authenticate(personas[persona])

    response = send(client, {"msisdn": "13812340008", "kind": "complaint", "subject": "x"})

    assert response.status_code == expected
    assert ServiceRequest.objects.count() == (1 if expected == 201 else 0)


def test_other_roles_are_refused_whatever_the_body(account_manager: Any) -> None:
    response = send(api(account_manager), {"msisdn": "bad"})

    assert response.status_code == 403
