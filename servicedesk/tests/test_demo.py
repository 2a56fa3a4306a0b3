"""servicedesk.demo.seed: halls, a day of tickets and requests; safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from membership.demo import seed_province
from servicedesk import demo
from servicedesk.models import Hall, ServiceRequest, Ticket
from servicedesk.tests.conftest import give_level

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_halls_tickets_and_requests_once() -> None:
    today = timezone.localdate()
    seed_province(customers=200, today=today)
    from membership.models import Customer

    for customer in Customer.objects.filter(city="苏州", status="active")[:5]:
        give_level(customer, "gold")
    counts = demo.seed(today=today)
    assert counts["halls"] == 5
    assert set(Hall.objects.values_list("city", flat=True)) == {
        "南京",
        "苏州",
        "常州",
        "淮安",
        "泰州",
    }
    assert counts["tickets"] == Ticket.objects.count() > 0
    assert counts["requests"] == ServiceRequest.objects.count() > 0
    assert Ticket.objects.filter(hall__city="苏州", ticket_class="vip").exists()
    again: Any = demo.seed(today=today)
    assert again == {"halls": 0, "tickets": 0, "requests": 0}
    assert Hall.objects.count() == 5
