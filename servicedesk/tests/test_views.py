"""Every service desk screen: permission matrix, what it shows, what it writes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from servicedesk.models import RequestStatus, ServiceRequest, Ticket, TicketStatus
from servicedesk.services.queue import ticket_issue
from servicedesk.services.requests import service_request_create
from servicedesk.tests.conftest import give_level, make_customer
from tests.builders import make_hall

pytestmark = pytest.mark.django_db

COUNTER_ROLES = {"counter_clerk", "supervisor", "superuser"}
PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")


def login(client: Client, personas: dict[str, Any], persona: str) -> Any:
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    return user


def assert_refused(response: Any, persona: str) -> None:
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


@pytest.fixture
def vip(db: Any) -> Any:
    customer = make_customer(msisdn="13812349001", brand="gotone")
    give_level(customer, "gold")
    return customer


@pytest.fixture
def hall(db: Any) -> Any:
    return make_hall(code="sz-1", name="苏州一厅")


@pytest.fixture
def open_request(vip: Any, clerk: Any) -> ServiceRequest:
    return service_request_create(
        customer=vip,
        kind="lounge_visit",
        actor=clerk,
        data={"lounge_type": "airport", "location": "in_province"},
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "page",
    [
        "desk_home",
        "desk_card",
        "request_create",
        "request_list",
        "request_detail",
        "request_transition",
        "hall_list",
        "hall_desk",
        "hall_board",
        "hall_board_data",
    ],
)
def test_counter_pages_open_for_clerks_and_supervisors_only(
    client: Client, personas: dict[str, Any], persona: str, page: str, open_request: Any, hall: Any
) -> None:
    kwargs = {
        "desk_card": {"msisdn": "13812349001"},
        "request_create": {"msisdn": "13812349001", "kind": "lounge_visit"},
        "request_detail": {"pk": open_request.pk},
        "request_transition": {"pk": open_request.pk, "action": "complete"},
        "hall_desk": {"code": "sz-1"},
        "hall_board": {"code": "sz-1"},
        "hall_board_data": {"code": "sz-1"},
    }.get(page)
    login(client, personas, persona)
    response = client.get(reverse(f"servicedesk:{page}", kwargs=kwargs))
    if persona in COUNTER_ROLES:
        assert response.status_code == 200
    else:
        assert_refused(response, persona)
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.OPEN  # a GET changes nothing


@pytest.mark.parametrize("persona", PERSONAS)
def test_service_levels_dashboard_is_for_supervisors(
    client: Client, personas: dict[str, Any], persona: str
) -> None:
    login(client, personas, persona)
    response = client.get(reverse("servicedesk:service_levels"))
    if persona in {"supervisor", "superuser"}:
        assert response.status_code == 200
        assert "hotline-report" in response.content.decode()
    else:
        assert_refused(response, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_registering_a_request_is_for_clerks_and_supervisors(
    client: Client, personas: dict[str, Any], persona: str, vip: Any
) -> None:
    login(client, personas, persona)
    url = reverse(
        "servicedesk:request_create", kwargs={"msisdn": vip.msisdn, "kind": "lounge_visit"}
    )
    response = client.post(url, {"lounge_type": "airport", "location": "in_province"})
    if persona in COUNTER_ROLES:
        created = ServiceRequest.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "servicedesk:request_detail", kwargs={"pk": created.pk}
        )
        assert (created.status, created.reservation, created.customer) == ("open", "reserved", vip)
        assert created.created_by == personas[persona]
    else:
        assert_refused(response, persona)
        assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_moving_a_request_is_for_clerks_and_supervisors(
    client: Client, personas: dict[str, Any], persona: str, open_request: Any
) -> None:
    login(client, personas, persona)
    url = reverse(
        "servicedesk:request_transition", kwargs={"pk": open_request.pk, "action": "complete"}
    )
    response = client.post(url, {"note": ""})
    open_request.refresh_from_db()
    if persona in COUNTER_ROLES:
        assert response.status_code == 302
        assert (open_request.status, open_request.reservation) == ("done", "consumed")
        assert open_request.events.last().actor == personas[persona]
    else:
        assert_refused(response, persona)
        assert open_request.status == "open"


@pytest.mark.parametrize("persona", PERSONAS)
def test_queue_actions_are_for_clerks_and_supervisors(
    client: Client, personas: dict[str, Any], persona: str, hall: Any, vip: Any
) -> None:
    login(client, personas, persona)
    issue = client.post(
        reverse("servicedesk:ticket_issue", kwargs={"code": hall.code}), {"msisdn": vip.msisdn}
    )
    if persona not in COUNTER_ROLES:
        assert_refused(issue, persona)
        assert not Ticket.objects.exists()
        ticket = ticket_issue(hall=hall, msisdn=vip.msisdn, actor=None)
        call = client.post(reverse("servicedesk:ticket_call_next", kwargs={"code": hall.code}))
        assert_refused(call, persona)
        served = client.post(
            reverse("servicedesk:ticket_action", kwargs={"pk": ticket.pk, "action": "served"})
        )
        assert_refused(served, persona)
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.WAITING
        return
    assert issue.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.ticket_class, ticket.number) == ("vip", "V001")
    call = client.post(
        reverse("servicedesk:ticket_call_next", kwargs={"code": hall.code}), {"desk": "3"}
    )
    assert call["Location"] == reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.desk, ticket.called_by) == ("called", "3", personas[persona])
    served = client.post(
        reverse("servicedesk:ticket_action", kwargs={"pk": ticket.pk, "action": "served"})
    )
    assert served.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED


def test_queue_actions_refuse_a_get(client: Client, clerk: Any, hall: Any) -> None:
    client.force_login(clerk)
    assert (
        client.get(reverse("servicedesk:ticket_call_next", kwargs={"code": hall.code})).status_code
        == 405
    )
    assert not Ticket.objects.exists()


def test_the_desk_card_shows_level_privileges_left_and_open_requests(
    client: Client, clerk: Any, vip: Any, open_request: Any
) -> None:
    client.force_login(clerk)
    response = client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn}))
    body = response.content.decode()
    card = response.context["card"]
    airport = next(p for p in card["privileges"] if p["entitlement"].benefit == "airport_lounge")
    assert (airport["used"], airport["left"], airport["reserved"]) == (1, 5, 1)
    assert card["standing"].level == "gold"
    assert [r.pk for r in card["open_requests"]] == [open_request.pk]
    assert "level-gold" in body
    assert reverse("servicedesk:request_detail", kwargs={"pk": open_request.pk}) in body
    assert reverse("membership:customer_card", kwargs={"msisdn": vip.msisdn}) in body


def test_the_desk_card_renders_the_panels_other_apps_register(
    client: Client, clerk: Any, vip: Any, monkeypatch: Any
) -> None:
    from membership import extensions

    monkeypatch.setitem(
        extensions.CUSTOMER_CARD_PANELS,
        "probe",
        extensions.CardPanel(
            key="probe",
            order=1,
            template="servicedesk/partials/level.html",
            context=lambda request, customer, on: {"msisdn": customer.msisdn},
        ),
    )
    client.force_login(clerk)
    response = client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn}))
    keys = [p["template"] for p in response.context["panels"]]
    assert "servicedesk/partials/level.html" in keys
    assert "servicedesk/partials/card_panel.html" not in keys  # its own summary is left out


def test_servicedesk_registers_its_panel_on_the_customer_card(
    client: Client, clerk: Any, vip: Any, open_request: Any
) -> None:
    client.force_login(clerk)
    response = client.get(reverse("membership:customer_card", kwargs={"msisdn": vip.msisdn}))
    assert response.status_code == 200
    assert 'data-testid="servicedesk-panel"' in response.content.decode()


def test_the_request_form_shows_the_check_before_submitting(
    client: Client, clerk: Any, vip: Any
) -> None:
    client.force_login(clerk)
    url = reverse(
        "servicedesk:request_create", kwargs={"msisdn": vip.msisdn, "kind": "lounge_visit"}
    )
    first = client.get(url)
    assert first.context["check"].left == 6  # gold: 6 airport visits, none used
    railway = client.get(url, {"lounge_type": "railway", "location": "in_province", "check": "1"})
    check = railway.context["check"]
    assert (check.allowed, check.quota, check.left) == (True, 8, 8)
    assert 'data-testid="entitlement-check"' in railway.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_refused_request_is_recorded_with_the_reason_and_said_so(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn="13900000002")
    client.force_login(clerk)
    url = reverse(
        "servicedesk:request_create", kwargs={"msisdn": customer.msisdn, "kind": "roaming_pack"}
    )
    response = client.post(url, {}, follow=True)
    refused = ServiceRequest.objects.get()
    assert refused.status == "refused"
    assert "holds no level" in refused.refusal_reason
    messages = [str(m) for m in response.context["messages"]]
    assert any("holds no level" in m for m in messages)


def test_the_request_form_keeps_bad_input_and_writes_nothing(
    client: Client, clerk: Any, vip: Any
) -> None:
    client.force_login(clerk)
    url = reverse(
        "servicedesk:request_create",
        kwargs={"msisdn": vip.msisdn, "kind": "emergency_reactivation"},
    )
    response = client.post(url, {"arrears_month": "March"})
    assert response.status_code == 200
    assert response.context["form"].errors["arrears_month"]
    assert "March" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_an_unknown_kind_or_number_is_404(client: Client, clerk: Any, vip: Any) -> None:
    client.force_login(clerk)
    assert (
        client.get(
            reverse("servicedesk:request_create", kwargs={"msisdn": vip.msisdn, "kind": "teleport"})
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": "13911112222"})).status_code
        == 404
    )


def test_refusing_needs_a_reason_on_the_confirmation_step(
    client: Client, clerk: Any, open_request: Any
) -> None:
    client.force_login(clerk)
    url = reverse(
        "servicedesk:request_transition", kwargs={"pk": open_request.pk, "action": "refuse"}
    )
    page = client.get(url)
    assert "data-confirm" in page.content.decode()
    assert client.post(url, {"note": ""}).status_code == 200
    open_request.refresh_from_db()
    assert open_request.status == "open"
    client.post(url, {"note": "no boarding pass"})
    open_request.refresh_from_db()
    assert (open_request.status, open_request.refusal_reason) == ("refused", "no boarding pass")


def test_an_illegal_move_is_refused_with_a_message(
    client: Client, clerk: Any, open_request: Any
) -> None:
    open_request.status = "done"
    ServiceRequest.objects.filter(pk=open_request.pk).update(status="done")
    client.force_login(clerk)
    url = reverse(
        "servicedesk:request_transition", kwargs={"pk": open_request.pk, "action": "cancel"}
    )
    response = client.post(url, {"note": ""}, follow=True)
    assert any("cannot become" in str(m) for m in response.context["messages"])
    open_request.refresh_from_db()
    assert open_request.status == "done"


def test_the_request_list_filters_and_paginates_in_constant_queries(
    client: Client, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    hall = make_hall(code="cz-1")
    for index in range(30):
        customer = make_customer(brand="gotone")
        service_request_create(
            customer=customer,
            kind="complaint",
            actor=clerk,
            data={"subject": f"s{index}"},
            hall=hall if index % 2 else None,
        )
    client.force_login(clerk)
    url = reverse("servicedesk:request_list")
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(8):
        second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 5
    filtered = client.get(url, {"hall": "cz-1", "kind": "complaint", "status": "open"})
    assert filtered.context["page"].paginator.count == 15
    by_number = client.get(url, {"msisdn": "bad"})
    assert by_number.context["page"].paginator.count == 0


def test_the_request_list_query_count_does_not_grow_with_rows(
    client: Client, clerk: Any, django_assert_num_queries: Any
) -> None:
    def make(count: int) -> None:
        for _ in range(count):
            service_request_create(customer=make_customer(), kind="complaint", actor=clerk)

    client.force_login(clerk)
    make(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("servicedesk:request_list"))
    make(12)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("servicedesk:request_list"))


def test_the_hall_board_json_has_the_waits_by_class(
    client: Client, clerk: Any, hall: Any, vip: Any
) -> None:
    ticket_issue(hall=hall, msisdn=vip.msisdn, actor=clerk)
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk)
    client.force_login(clerk)
    data = client.get(reverse("servicedesk:hall_board_data", kwargs={"code": hall.code})).json()
    assert data["waiting"] == 2
    assert [c["class"] for c in data["classes"]] == ["vip", "gotone", "other"]
    assert data["classes"][0]["tickets"][0]["number"] == "V001"
    assert data["classes"][0]["limit_minutes"] == 10
    page = client.get(reverse("servicedesk:hall_board", kwargs={"code": hall.code}))
    assert "data-board-url" in page.content.decode()


def test_the_service_levels_dashboard_shows_the_days_waits(
    client: Client, supervisor: Any, hall: Any
) -> None:
    ticket_issue(hall=hall, msisdn="13700000001", actor=supervisor)
    client.force_login(supervisor)
    response = client.get(
        reverse("servicedesk:service_levels"), {"day": timezone.localdate().isoformat()}
    )
    rows = response.context["rows"]
    assert [(r["hall__code"], r["ticket_class"], r["issued"]) for r in rows] == [
        ("sz-1", "other", 1)
    ]
    empty = client.get(reverse("servicedesk:service_levels"), {"day": date(2020, 1, 1).isoformat()})
    assert empty.context["rows"] == []


def test_desk_home_looks_a_number_up(client: Client, clerk: Any, vip: Any) -> None:
    client.force_login(clerk)
    response = client.get(reverse("servicedesk:desk_home"), {"msisdn": "138 1234 9001"})
    assert response["Location"] == reverse("servicedesk:desk_card", kwargs={"msisdn": vip.msisdn})
    bad = client.get(reverse("servicedesk:desk_home"), {"msisdn": "12"})
    assert bad.status_code == 200
    assert bad.context["form"].errors
