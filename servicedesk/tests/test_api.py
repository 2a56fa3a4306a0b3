"""The service desk API: requests, tickets, entitlements (read-only), with query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from servicedesk.services.queue import ticket_issue
from servicedesk.services.requests import service_request_create
from servicedesk.tests.conftest import give_level, make_customer
from tests.builders import make_hall

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["counter_clerk", "account_manager", "supervisor", "outsider"])
def test_the_api_is_for_staff(client: Client, personas: dict[str, Any], persona: str) -> None:
    client.force_login(personas[persona])
    for url in ("/api/service-requests/", "/api/tickets/", "/api/entitlements/"):
        response = client.get(url)
        assert response.status_code == (403 if persona == "outsider" else 200), url


def test_anonymous_calls_are_refused(client: Client) -> None:
    assert client.get("/api/service-requests/").status_code in (401, 403)


def test_service_requests_list_filters_by_number_in_constant_queries(
    client: Client, clerk: Any, django_assert_num_queries: Any
) -> None:
    hall = make_hall(code="nj-1")
    target = make_customer(msisdn="13812340001")
    give_level(target, "gold")
    service_request_create(
        customer=target,
        kind="lounge_visit",
        actor=clerk,
        data={"lounge_type": "airport", "location": "in_province"},
        hall=hall,
    )
    for _ in range(10):
        service_request_create(customer=make_customer(), kind="complaint", actor=clerk)
    client.force_login(clerk)
    with django_assert_num_queries(5):  # session, user, roles, count, page
        everything = client.get("/api/service-requests/")
    assert everything.json()["count"] == 11
    mine = client.get("/api/service-requests/", {"msisdn": "13812340001"}).json()
    assert mine["count"] == 1
    row = mine["results"][0]
    assert (row["msisdn"], row["kind"], row["status"], row["hall"]) == (
        "13812340001",
        "lounge_visit",
        "open",
        "nj-1",
    )
    assert row["terms"] == "Free visit; 5 of 6 left after this one."


def test_tickets_and_entitlements_are_listed(client: Client, clerk: Any) -> None:
    hall = make_hall(code="nj-1")
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk)
    client.force_login(clerk)
    tickets = client.get("/api/tickets/", {"hall": "nj-1"}).json()
    assert tickets["results"][0]["number"] == "P001"
    assert client.get("/api/tickets/", {"hall": "other"}).json()["count"] == 0
    platinum = client.get(
        "/api/entitlements/", {"benefit": "airport_lounge", "audience": "platinum"}
    ).json()["results"]
    assert [(e["level"], e["quota"], e["period"], e["scope"]) for e in platinum] == [
        ("platinum", 9, "year", "national")
    ]


def test_the_api_is_read_only(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    response = client.post("/api/entitlements/", {"benefit": "airport_lounge"})
    assert response.status_code == 405
