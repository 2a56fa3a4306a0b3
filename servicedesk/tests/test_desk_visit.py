"""The desk card as the visit hub (issue 17, D-DESK-20): the clerk's hall remembered, the
customer's ticket taken, called and served from the card (SERVICE-1), the links of the
visit, access keys and autofocus, and Enter registering a request."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import DomainError
from core.idempotency import FORM_FIELD
from servicedesk.models import Ticket, TicketStatus
from servicedesk.services.queue import ticket_call, ticket_issue
from servicedesk.tests.conftest import ON, give_level, make_customer
from servicedesk.views.desk import HALL_SESSION_KEY
from tests.builders import make_hall
from tests.test_lookup_queries import DESK_CARD_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.now(f"{ON} 10:00")]


@pytest.fixture
def vip(db: Any) -> Any:
    customer = make_customer(msisdn="13812349001", brand="gotone")
    give_level(customer, "gold")
    return customer


@pytest.fixture
def hall(db: Any) -> Any:
    return make_hall(code="sz-1", name="苏州一厅")


def card(client: Client, msisdn: str = "13812349001") -> Any:
    return client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": msisdn}))


def token(response: Any, action: str) -> str:
    """The one-time token of the form posting to ``action`` on the page."""
    html = response.content.decode()
    form = html[html.index(f"/ticket/{action}/") :]
    found = re.search(rf'name="{FORM_FIELD}" value="([^"]+)"', form)
    assert found
    return found[1]


def choose(client: Client, hall: Any, next_url: str = "") -> Any:
    return client.post(reverse("servicedesk:hall_choose"), {"hall": hall.code, "next": next_url})


def test_d_desk_17_the_first_time_the_card_offers_a_hall_chooser(
    client: Client, clerk: Any, vip: Any, hall: Any
) -> None:
    client.force_login(clerk)
    response = card(client)
    html = response.content.decode()
    assert 'data-testid="hall-chooser"' in html
    assert "苏州一厅" in html
    assert re.search(r'<select name="hall"[^>]*autofocus', html)
    url = reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn})
    response = choose(client, hall, url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.session[HALL_SESSION_KEY]["code"] == "sz-1"
    html = card(client).content.decode()
    assert 'data-testid="hall-chooser"' not in html
    assert "Your service hall: 苏州一厅." in html


def test_d_desk_17_the_hall_is_remembered_by_opening_its_queue_and_preselected(
    client: Client, clerk: Any, vip: Any, hall: Any
) -> None:
    client.force_login(clerk)
    client.get(reverse("servicedesk:hall_desk", kwargs={"code": hall.code}))
    assert client.session[HALL_SESSION_KEY]["code"] == "sz-1"
    form = client.get(
        reverse(
            "servicedesk:request_create",
            kwargs={"msisdn": vip.msisdn, "kind": "lounge_visit"},
        )
    ).content.decode()
    assert re.search(r'<option value="sz-1" selected>', form)
    assert 'data-testid="my-hall"' in client.get(reverse("servicedesk:hall_list")).content.decode()


def test_d_desk_17_an_unsafe_next_is_not_followed(client: Client, clerk: Any, hall: Any) -> None:
    client.force_login(clerk)
    response = choose(client, hall, "https://evil.example/")
    assert response["Location"] == reverse("servicedesk:desk_home")


def test_service_1_take_call_serve_from_the_desk_card(
    client: Client, clerk: Any, vip: Any, hall: Any
) -> None:
    """The common path on one page: take a ticket (VIP class), call it, mark it served."""
    client.force_login(clerk)
    choose(client, hall)
    page = card(client)
    assert re.search(r'data-testid="ticket-take"[^>]*autofocus', page.content.decode())
    take = reverse("servicedesk:desk_ticket", kwargs={"msisdn": vip.msisdn, "action": "take"})
    first_token = token(page, "take")
    response = client.post(take, {FORM_FIELD: first_token})
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn})
    # a double submit does the work once
    client.post(take, {FORM_FIELD: first_token})
    ticket = Ticket.objects.get()
    assert ticket.number == "V001"
    assert ticket.status == TicketStatus.WAITING

    page = card(client)
    html = page.content.decode()
    assert "V001" in html
    assert re.search(r'data-testid="ticket-call"[^>]*autofocus', html)
    call = reverse("servicedesk:desk_ticket", kwargs={"msisdn": vip.msisdn, "action": "call"})
    client.post(call, {FORM_FIELD: token(page, "call"), "ticket": ticket.pk})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    assert ticket.wait_seconds is not None

    page = card(client)
    html = page.content.decode()
    # called, ID not yet checked: the identity check is the next step
    assert re.search(r'data-testid="visit-identity"[^>]*autofocus', html)
    served = reverse("servicedesk:desk_ticket", kwargs={"msisdn": vip.msisdn, "action": "served"})
    client.post(served, {FORM_FIELD: token(page, "served"), "ticket": ticket.pk})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED
    assert 'data-testid="ticket-take"' in card(client).content.decode()


def test_service_1_no_ticket_without_a_hall_and_not_someone_elses(
    client: Client, clerk: Any, vip: Any, hall: Any
) -> None:
    client.force_login(clerk)
    take = reverse("servicedesk:desk_ticket", kwargs={"msisdn": vip.msisdn, "action": "take"})
    client.post(take)
    assert not Ticket.objects.exists()
    other = make_customer(msisdn="13812349002", brand="gotone")
    theirs = ticket_issue(hall=hall, msisdn=other.msisdn, actor=clerk)
    choose(client, hall)
    call = reverse("servicedesk:desk_ticket", kwargs={"msisdn": vip.msisdn, "action": "call"})
    assert client.post(call, {"ticket": theirs.pk}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == TicketStatus.WAITING


def test_service_1_the_card_cannot_call_a_ticket_already_called(clerk: Any, hall: Any) -> None:
    make_customer(msisdn="13812349003", brand="gotone")
    ticket = ticket_issue(hall=hall, msisdn="13812349003", actor=clerk)
    ticket_call(ticket=ticket, actor=clerk)
    with pytest.raises(DomainError, match="cannot be called"):
        ticket_call(ticket=ticket, actor=clerk)


def test_service_1_ticket_actions_on_the_card_are_for_the_counter_only(
    client: Client, account_manager: Any, vip: Any
) -> None:
    client.force_login(account_manager)
    take = reverse("servicedesk:desk_ticket", kwargs={"msisdn": vip.msisdn, "action": "take"})
    assert client.post(take).status_code == 403


def test_issue_17_the_visit_links_access_keys_and_legend(
    client: Client, clerk: Any, vip: Any, hall: Any
) -> None:
    client.force_login(clerk)
    choose(client, hall)
    html = card(client).content.decode()
    assert reverse("points:redeem", kwargs={"msisdn": vip.msisdn}) in html
    assert reverse("plans:order", kwargs={"msisdn": vip.msisdn}) in html
    identity = reverse("membership:customer_card", kwargs={"msisdn": vip.msisdn})
    here = reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn})
    assert f'href="{identity}?{urlencode({"next": here})}#id_id_number"' in html
    for key in ("t", "i", "r", "p", "1"):
        assert f'accesskey="{key}"' in html
    assert 'data-testid="access-keys"' in html


def test_issue_17_enter_on_the_lounge_form_registers_the_request(
    client: Client, clerk: Any, vip: Any
) -> None:
    """The first submit button of the form is the registration (what Enter presses); the
    check is a secondary button."""
    client.force_login(clerk)
    html = client.get(
        reverse(
            "servicedesk:request_create",
            kwargs={"msisdn": vip.msisdn, "kind": "lounge_visit"},
        )
    ).content.decode()
    form = html[html.index('<form method="post" novalidate>') :]
    buttons = re.findall(r'<button type="submit"[^>]*>', form)
    assert 'data-testid="register"' in buttons[0]
    assert 'formmethod="get"' in buttons[1]
    assert re.search(r'name="lounge_type"[^>]*autofocus|autofocus[^>]*name="lounge_type"', html)


def test_the_desk_card_with_a_hall_stays_at_its_query_budget(
    client: Client, clerk: Any, vip: Any, hall: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(clerk)
    choose(client, hall)
    ticket_issue(hall=hall, msisdn=vip.msisdn, actor=clerk)
    assert card(client).status_code == 200
    with django_assert_num_queries(DESK_CARD_QUERIES):
        assert card(client).status_code == 200


def test_cust_10_d_cust_10_the_identity_check_started_on_the_desk_card_comes_back_to_it(
    client: Client, clerk: Any, hall: Any
) -> None:
    """CUST-10: the desk card's "Check the ID number" opens the check on the customer card
    with ``next``; after the check (and after a form error, then the check) the clerk is
    back on the desk card, which shows the customer verified."""
    customer = make_customer(msisdn="13812349011", brand="gotone", id_number="32010219800101123X")
    give_level(customer, "gold")
    client.force_login(clerk)
    choose(client, hall)
    here = reverse("servicedesk:desk_card", kwargs={"msisdn": customer.msisdn})
    html = card(client, customer.msisdn).content.decode()
    link = re.search(r'href="([^"]+)" accesskey="i"', html)
    assert link
    started = link[1].replace("&amp;", "&").split("#")[0]
    form = client.get(started).content.decode()
    assert f'<input type="hidden" name="next" value="{here}">' in form
    check = reverse("membership:customer_identity_check", args=[customer.msisdn])
    failed = client.post(check, {"id_number": "3201", "next": here})
    assert failed.status_code == 200  # the form's error, on the customer card
    assert f'<input type="hidden" name="next" value="{here}">' in failed.content.decode()
    done = client.post(check, {"id_number": "32010219800101123X", "next": here})
    assert done.status_code == 302
    assert done["Location"] == here
    assert 'data-testid="visit-verified"' in client.get(here).content.decode()
