"""CUST-11: the service desk on the member timeline — a service request and each move of
its status, a queue ticket served, a birthday waiver; newest first, with the link to the
request only for those who may open it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import SHANGHAI
from membership.extensions import TIMELINE_REQUEST
from membership.selectors.timeline import timeline_entries
from servicedesk.models import (
    BirthdayWaiver,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    Ticket,
    TicketStatus,
)
from tests.builders import make_customer, make_hall

pytestmark = pytest.mark.django_db


def _at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def _history(clerk: Any) -> Any:
    customer = make_customer(msisdn="13900000001")
    request = ServiceRequest.objects.create(
        customer=customer,
        kind=RequestKind.EMERGENCY_REACTIVATION,
        status=RequestStatus.DONE,
        created_at=_at(3, 1),
        created_by=clerk,
    )
    ServiceRequestEvent.objects.create(
        request=request, to_status=RequestStatus.OPEN, at=_at(3, 1), actor=clerk
    )
    ServiceRequestEvent.objects.create(
        request=request,
        from_status=RequestStatus.OPEN,
        to_status=RequestStatus.DONE,
        at=_at(3, 2),
        actor=clerk,
        note="已开机",
    )
    hall = make_hall(name="观前街营业厅")
    Ticket.objects.create(
        hall=hall,
        day=date(2026, 4, 1),
        number="V001",
        ticket_class="vip",
        priority=3,
        msisdn=customer.msisdn,
        customer=customer,
        status=TicketStatus.SERVED,
        issued_at=_at(4, 1, 9),
        called_at=_at(4, 1, 10),
        served_at=_at(4, 1, 11),
        wait_seconds=3600,
        called_by=clerk,
    )
    Ticket.objects.create(  # left before being served: not on the timeline
        hall=hall,
        day=date(2026, 4, 2),
        number="V002",
        ticket_class="vip",
        priority=3,
        msisdn=customer.msisdn,
        customer=customer,
        status=TicketStatus.CANCELLED,
        issued_at=_at(4, 2, 9),
    )
    BirthdayWaiver.objects.create(
        customer=customer,
        date=date(2026, 5, 20),
        year=2026,
        amount=Decimal("38.00"),
        created_at=_at(5, 21, 3),
    )
    return customer


def test_cust_11_requests_visits_and_waivers_newest_first(clerk: Any) -> None:
    customer = _history(clerk)
    entries = list(timeline_entries(customer, user=clerk, kinds=[TIMELINE_REQUEST], limit=None))
    assert [e.title for e in entries] == [
        "Birthday waiver: 38.00 yuan of basic fees waived",
        "Served at 观前街营业厅 with ticket V001",
        "Service request Emergency reactivation 紧急开机: Done",
        "Service request registered: Emergency reactivation 紧急开机",
    ]
    assert [e.rule for e in entries] == ["SERVICE-6", "SERVICE-1", "SERVICE-3", "SERVICE-3"]
    assert entries[1].detail == "Waited 60 minutes."
    assert entries[2].detail == "已开机"
    request = ServiceRequest.objects.get()
    assert entries[2].link == reverse("servicedesk:request_detail", args=[request.pk])


def test_cust_11_the_request_link_only_for_whom_may_open_it(
    client: Client, clerk: Any, account_manager: Any
) -> None:
    customer = _history(clerk)
    entries = list(
        timeline_entries(customer, user=account_manager, kinds=[TIMELINE_REQUEST], limit=None)
    )
    assert len(entries) == 4
    assert all(e.link == "" for e in entries)
    client.force_login(account_manager)
    body = client.get(
        reverse("membership:customer_timeline", args=[customer.msisdn])
    ).content.decode()
    assert "Served at 观前街营业厅 with ticket V001" in body
    assert "/desk/requests/" not in body


def test_cust_11_the_timeline_reads_in_chinese(client: Client, clerk: Any) -> None:
    customer = _history(clerk)
    client.force_login(clerk)
    body = client.get(
        reverse("membership:customer_timeline", args=[customer.msisdn]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "会员时间线" in body
    assert "生日免单：减免基本费用 38.00 元" in body
    assert "Birthday waiver" not in body
