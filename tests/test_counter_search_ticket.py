"""CUST-1 / D-CUST-9: a queue ticket number typed in the counter's search box (membership's box,
servicedesk's tickets: the resolver servicedesk registers in membership.extensions)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membership.extensions import search_resolvers
from servicedesk.services.queue import ticket_issue
from tests.builders import make_customer, make_hall

TODAY = date(2026, 11, 25)
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]


def test_d_cust_9_servicedesk_registers_the_ticket_resolver() -> None:
    assert [resolver.key for resolver in search_resolvers()] == ["ticket"]


def test_d_cust_9_todays_ticket_number_opens_its_customers_card(client: Client, clerk: Any) -> None:
    customer = make_customer(msisdn="13900000001")
    ticket = ticket_issue(hall=make_hall(code="suzhou-1"), msisdn=customer.msisdn, actor=clerk)
    client.force_login(clerk)
    response = client.post(reverse("membership:lookup"), {"q": ticket.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("membership:customer_card", args=["13900000001"])


def test_d_cust_9_the_same_number_in_two_halls_lists_both_customers(
    client: Client, clerk: Any
) -> None:
    first = make_customer(msisdn="13900000001", name="张三")
    second = make_customer(msisdn="13900000002", name="李四")
    one = ticket_issue(hall=make_hall(code="suzhou-1"), msisdn=first.msisdn, actor=clerk)
    two = ticket_issue(hall=make_hall(code="suzhou-2"), msisdn=second.msisdn, actor=clerk)
    assert one.number == two.number
    client.force_login(clerk)
    response = client.post(reverse("membership:lookup"), {"q": one.number}, follow=True)
    assert [c.msisdn for c in response.context["page"].object_list] == [
        "13900000001",
        "13900000002",
    ]


def test_d_cust_9_a_ticket_of_another_day_or_an_unknown_number_finds_nobody(
    client: Client, clerk: Any, time_machine: Any
) -> None:
    customer = make_customer(msisdn="13900000001")
    ticket = ticket_issue(hall=make_hall(), msisdn=customer.msisdn, actor=clerk)
    stranger = ticket_issue(hall=make_hall(), msisdn="13800000009", actor=clerk)  # no customer
    client.force_login(clerk)
    response = client.post(reverse("membership:lookup"), {"q": stranger.number})
    assert response.status_code == 200
    assert f"No customer holds ticket {stranger.number} today." in response.content.decode()
    time_machine.move_to("2026-11-26 09:00+08:00")
    client.force_login(clerk)
    response = client.post(reverse("membership:lookup"), {"q": ticket.number})
    assert response.status_code == 200
    assert f'value="{ticket.number}"' in response.content.decode()
