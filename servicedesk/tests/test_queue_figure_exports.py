"""Issue 17: the supervisor-home figure of today's queues (SERVICE-1: waiting, served,
breaches per class against the limits), and the CSV exports of the servicedesk lists
(core.exports: the service requests with their filters, a hall's tickets of the day)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from servicedesk.dashboard import queue_today
from servicedesk.services.queue import ticket_call_next, ticket_issue, ticket_set_status
from servicedesk.services.requests import service_request_create
from servicedesk.tests.conftest import give_level, make_customer
from tests.builders import make_hall

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 18)
T0 = datetime(2026, 3, 18, 9, 0, tzinfo=SH)

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 09:40")]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def busy_day(clerk: Any) -> Any:
    """Hall sz-1: a VIP served after 5 min, a VIP called after 15 (a breach), an "other"
    still waiting since 09:03 (a breach of 30 min at 09:40); hall sz-2: one waiting."""
    hall = make_hall(code="sz-1", name="苏州一厅")
    quiet = make_hall(code="sz-2", name="苏州二厅")
    for msisdn in ("13900000011", "13900000012"):
        give_level(make_customer(msisdn=msisdn), "gold")
    first = ticket_issue(hall=hall, msisdn="13900000011", actor=clerk, at=at(0))
    ticket_issue(hall=hall, msisdn="13900000012", actor=clerk, at=at(1))
    ticket_issue(hall=hall, msisdn="13700000002", actor=clerk, at=at(3))
    ticket_call_next(hall=hall, actor=clerk, at=at(5))
    ticket_set_status(ticket=first, status="served", actor=clerk, at=at(8))
    ticket_call_next(hall=hall, actor=clerk, at=at(16))
    ticket_issue(hall=quiet, msisdn="13700000003", actor=clerk, at=at(30))
    return hall


def test_service_1_the_home_figure_counts_waiting_served_and_breaches_per_hall(
    busy_day: Any, supervisor: Any, django_assert_max_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = supervisor
    with django_assert_max_num_queries(3):  # the day's report and the hotline: aggregates
        figure = queue_today(request, DAY)
    first, second = figure["halls"]
    assert first["code"] == "sz-1"  # the most breaches first
    assert (first["waiting"], first["served"], first["breaches"]) == (1, 1, 2)
    assert first["class_breaches"] == [1, 0, 1]  # VIP, GoTone, others
    assert (second["waiting"], second["breaches"]) == (1, 0)
    assert figure["totals"] == {"waiting": 2, "served": 1, "breaches": 2}
    assert [bar.value for bar in figure["chart"].bars] == [1, 0, 1]


def test_service_1_the_supervisor_home_shows_the_queue_figure(
    client: Client, busy_day: Any, supervisor: Any
) -> None:
    client.force_login(supervisor)
    html = client.get(reverse("core:supervisor_home")).content.decode()
    assert 'data-testid="figure-queues"' in html
    assert "2 waiting now, 1 served, 2 over the wait limit." in html
    assert "苏州一厅" in html


def _csv(response: Any) -> list[str]:
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()


def test_issue_17_a_halls_tickets_of_the_day_as_csv_audited(
    client: Client, busy_day: Any, clerk: Any, caplog: Any
) -> None:
    client.force_login(clerk)
    url = reverse("servicedesk:hall_desk", kwargs={"code": "sz-1"})
    page = client.get(url).content.decode()
    assert f"{url}?format=csv" in page
    with caplog.at_level("INFO", logger="core.audit"):
        lines = _csv(client.get(url, {"format": "csv"}))
    assert lines[0].startswith("Ticket,Class,Phone number,Status")
    assert [line.split(",")[0] for line in lines[1:]] == ["V001", "V002", "P001"]
    assert "list exported" in caplog.text
    assert "tickets-sz-1" in caplog.text


def test_issue_17_the_service_requests_csv_follows_the_filters(
    client: Client, clerk: Any, caplog: Any
) -> None:
    vip = make_customer(msisdn="13812349001", brand="gotone")
    give_level(vip, "gold")
    service_request_create(
        customer=vip,
        kind="lounge_visit",
        actor=clerk,
        data={"lounge_type": "airport", "location": "in_province"},
    )
    service_request_create(customer=vip, kind="complaint", actor=clerk, data={"subject": "x"})
    client.force_login(clerk)
    url = reverse("servicedesk:request_list")
    page = client.get(url, {"kind": "complaint"}).content.decode()
    assert "kind=complaint&amp;format=csv" in page
    with caplog.at_level("INFO", logger="core.audit"):
        lines = _csv(client.get(url, {"kind": "complaint", "format": "csv"}))
    assert len(lines) == 2
    assert "13812349001" in lines[1]
    assert "Complaint" in lines[1]
    assert "kind=complaint" in caplog.text
    assert len(_csv(client.get(url, {"format": "csv"}))) == 3


def test_issue_17_the_exports_keep_the_pages_access(
    client: Client, account_manager: Any, busy_day: Any
) -> None:
    client.force_login(account_manager)
    for url in (
        reverse("servicedesk:request_list"),
        reverse("servicedesk:hall_desk", kwargs={"code": "sz-1"}),
    ):
        assert client.get(url, {"format": "csv"}).status_code == 403
