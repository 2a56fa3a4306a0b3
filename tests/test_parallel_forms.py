"""Copies of a counter form posted together reach a real server at the same moment (issue
"Trust", part A; decision D-TRUST-10): no server error, and what the rules allow once is
done once.

A gunicorn server (2 processes × 10 threads, tests/live.py) on the test's data — a file
database on SQLite, the test database on PostgreSQL. One clerk's session posts 10 copies of
the queue ticket form for one number (one waiting ticket per number and hall, SERVICE-1) and
10 complaints (each one registered: these posts carry no one-time form token, D-TRUST-1, so
each is a new request); each response also writes the clerk's session (its messages), so the
same session row is written 20 times at once.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from points.tests.builders import make_customer
from servicedesk.models import ServiceRequest, Ticket
from tests.factories import HallFactory
from tests.live import Response, in_parallel, live_server

pytestmark = pytest.mark.django_db(transaction=True)

MSISDN = "13900000001"
CSRF = uuid.uuid4().hex


def test_copies_of_the_ticket_and_request_forms_posted_together_give_no_server_error(
    clerk: Any, tmp_path: Path
) -> None:
    make_customer(msisdn=MSISDN)
    hall = HallFactory(code="suzhou-1")
    client = Client()
    client.force_login(clerk)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    ticket = reverse("servicedesk:ticket_issue", kwargs={"code": hall.code})
    complaint = reverse(
        "servicedesk:request_create", kwargs={"msisdn": MSISDN, "kind": "complaint"}
    )

    with live_server(tmp_path) as server:
        server.headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
            f"{settings.CSRF_COOKIE_NAME}={CSRF}",
            "X-CSRFToken": CSRF,
            "Accept-Language": "en",
        }

        def post(path: str, form: dict[str, str]) -> Any:
            return lambda: server.request("POST", path, form=form)

        results = in_parallel(
            [post(ticket, {"msisdn": MSISDN})] * 10
            + [post(complaint, {"subject": "No signal at home"})] * 10
        )
        log = server.log_tail()

    failures = [r for r in results if not isinstance(r, Response) or r.status >= 500]
    assert not failures, (failures, log)
    assert {r.status for r in results} == {302}, [(r.status, r.body[:200]) for r in results]
    assert Ticket.objects.filter(msisdn=MSISDN, status="waiting").count() == 1
    assert ServiceRequest.objects.filter(customer__msisdn=MSISDN, kind="complaint").count() == 10
