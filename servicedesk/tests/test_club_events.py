"""SERVICE-13 club events 全球通俱乐部活动: events, sign-ups with seats and quota, attendance,
the event page and its export (D-DESK-19)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import instant
from core.errors import DomainError
from core.idempotency import FORM_FIELD, new_form_token
from keyaccounts.models import PersonalManager
from membership.models import Customer
from servicedesk.models import (
    ClubEvent,
    ClubSignup,
    Entitlement,
    Reservation,
    SignupStatus,
    UsageCounter,
)
from servicedesk.services.club import (
    club_event_create,
    club_event_update,
    club_signup_create,
    club_signup_set_status,
)
from servicedesk.tests.conftest import give_level, make_customer
from tests.db import reload_data_migration
from tests.downloads import csv_table

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 10:00")]

EVENING = "2026-04-10 19:00"
AFTER = "2026-04-10 21:00"


@pytest.fixture(autouse=True)
def _table() -> None:
    reload_data_migration("servicedesk.migrations.0009_seed_brand_privileges", "seed")


def new_event(actor: Any = None, **changes: Any) -> ClubEvent:
    data: dict[str, Any] = {
        "title": "VIP讲堂：家庭理财",
        "kind": "vip_lecture",
        "starts_at": instant(EVENING),
        "place": "苏州国际博览中心",
        "capacity": 2,
        "levels": ["diamond", "platinum", "gold"],
        "signup_deadline": date(2026, 4, 8),
        **changes,
    }
    return club_event_create(actor=actor, data=data)


def vip(msisdn: str, level: str = "gold", name: str = "张三丰") -> Customer:
    customer = make_customer(msisdn=msisdn, brand="gotone", name=name)
    give_level(customer, level)
    return customer


@pytest.fixture
def event(supervisor: Any) -> ClubEvent:
    return new_event(supervisor)


@pytest.fixture
def gold(db: Any) -> Customer:
    return vip("13812349201")


def test_service_13_a_signup_takes_a_seat_with_its_history(
    event: ClubEvent, gold: Customer, clerk: Any
) -> None:
    signup = club_signup_create(event=event, customer=gold, actor=clerk)
    event.refresh_from_db()
    assert signup.status == SignupStatus.SIGNED_UP
    assert event.signed_up == 1
    assert event.seats_left == 1
    assert signup.reservation == Reservation.NONE  # the Default: no yearly limit
    assert signup.terms == "Club event (no yearly limit)."
    assert [(e.from_status, e.to_status) for e in signup.events.all()] == [("", "signed_up")]


def test_service_13_capacity_is_enforced(event: ClubEvent, clerk: Any) -> None:
    club_signup_create(event=event, customer=vip("13812349211"), actor=clerk)
    club_signup_create(event=event, customer=vip("13812349212"), actor=clerk)
    with pytest.raises(DomainError) as refused:
        club_signup_create(event=event, customer=vip("13812349213"), actor=clerk)
    assert refused.value.code == "event_full"
    event.refresh_from_db()
    assert event.signed_up == 2
    assert ClubSignup.objects.filter(event=event).count() == 2


def test_service_13_capacity_holds_under_a_race(event: ClubEvent, clerk: Any) -> None:
    """The seat is a conditional UPDATE on the row as it is, not as a clerk read it: a
    clerk holding a stale event (0 taken) cannot take a seat another took meanwhile; and the
    database itself refuses more seats than the capacity."""
    stale = ClubEvent.objects.get(pk=event.pk)
    ClubEvent.objects.filter(pk=event.pk).update(signed_up=F("capacity"))
    assert stale.signed_up == 0
    with pytest.raises(DomainError) as refused:
        club_signup_create(event=stale, customer=vip("13812349221"), actor=clerk)
    assert refused.value.code == "event_full"
    with pytest.raises(IntegrityError), transaction.atomic():
        ClubEvent.objects.filter(pk=event.pk).update(signed_up=F("capacity") + 1)


def test_service_13_only_the_levels_the_event_is_for_and_with_the_privilege(
    event: ClubEvent, clerk: Any
) -> None:
    with pytest.raises(DomainError) as silver:
        club_signup_create(event=event, customer=vip("13812349231", "silver"), actor=clerk)
    assert silver.value.code == "level_not_invited"
    with pytest.raises(DomainError) as nobody:
        club_signup_create(event=event, customer=make_customer(msisdn="13812349232"), actor=clerk)
    assert nobody.value.code == "not_entitled"
    limited = make_customer(msisdn="13812349233", brand="gotone")
    give_level(limited, "diamond", limited=True)
    with pytest.raises(DomainError) as upgraded:
        club_signup_create(event=event, customer=limited, actor=clerk)
    assert upgraded.value.code == "not_entitled"  # TIER-7, D-DESK-2
    event.refresh_from_db()
    assert event.signed_up == 0


def test_service_13_no_signup_after_the_deadline_nor_twice(
    event: ClubEvent, gold: Customer, clerk: Any
) -> None:
    first = club_signup_create(event=event, customer=gold, actor=clerk)
    with pytest.raises(DomainError) as twice:
        club_signup_create(event=event, customer=gold, actor=clerk)
    assert twice.value.code == "already_signed_up"
    club_signup_set_status(signup=first, status=SignupStatus.CANCELLED, actor=clerk)
    event.refresh_from_db()
    assert event.signed_up == 0
    again = club_signup_create(event=event, customer=gold, actor=clerk)
    assert again.status == SignupStatus.SIGNED_UP
    with (
        time_machine.travel(instant("2026-04-09 08:00"), tick=False),
        pytest.raises(DomainError) as late,
    ):
        club_signup_create(event=event, customer=vip("13812349241"), actor=clerk)
    assert late.value.code == "signup_closed"


def test_service_13_the_yearly_quota_when_the_table_sets_one(
    event: ClubEvent, gold: Customer, clerk: Any, supervisor: Any
) -> None:
    Entitlement.objects.filter(benefit="club_event", audience="gold").update(quota=1, period="year")
    signup = club_signup_create(event=event, customer=gold, actor=clerk)
    assert signup.reservation == Reservation.RESERVED
    assert "0 of 1 per year left" in signup.terms
    film = new_event(supervisor, title="电影答谢", kind="film")
    with pytest.raises(DomainError) as used:
        club_signup_create(event=film, customer=gold, actor=clerk)
    assert used.value.code == "quota_used"
    film.refresh_from_db()
    assert film.signed_up == 0  # the seat went back with the refusal
    counter = UsageCounter.objects.get(customer=gold, benefit="club_event")
    assert (counter.reserved, counter.consumed, counter.period_start) == (1, 0, date(2026, 1, 1))
    with time_machine.travel(instant(AFTER), tick=False):
        club_signup_set_status(signup=signup, status=SignupStatus.NO_SHOW, actor=clerk)
    counter.refresh_from_db()
    assert (counter.reserved, counter.consumed) == (0, 1)  # a no-show uses it (D-DESK-19)


def test_service_13_cancelling_gives_the_unit_and_the_seat_back(
    event: ClubEvent, gold: Customer, clerk: Any
) -> None:
    Entitlement.objects.filter(benefit="club_event", audience="gold").update(quota=2, period="year")
    signup = club_signup_create(event=event, customer=gold, actor=clerk)
    club_signup_set_status(signup=signup, status=SignupStatus.CANCELLED, actor=clerk, note="病")
    signup.refresh_from_db()
    event.refresh_from_db()
    counter = UsageCounter.objects.get(customer=gold, benefit="club_event")
    assert signup.reservation == Reservation.RELEASED
    assert (counter.reserved, counter.consumed, event.signed_up) == (0, 0, 0)
    assert [e.to_status for e in signup.events.all()] == ["signed_up", "cancelled"]


def test_service_13_attendance_after_the_event_begins_cancelling_before_moves_are_final(
    event: ClubEvent, gold: Customer, clerk: Any
) -> None:
    signup = club_signup_create(event=event, customer=gold, actor=clerk)
    with pytest.raises(DomainError) as early:
        club_signup_set_status(signup=signup, status=SignupStatus.ATTENDED, actor=clerk)
    assert early.value.code == "event_not_begun"
    with time_machine.travel(instant(AFTER), tick=False):
        with pytest.raises(DomainError) as begun:
            club_signup_set_status(signup=signup, status=SignupStatus.CANCELLED, actor=clerk)
        assert begun.value.code == "event_begun"
        club_signup_set_status(signup=signup, status=SignupStatus.ATTENDED, actor=clerk)
        with pytest.raises(DomainError) as final:
            club_signup_set_status(signup=signup, status=SignupStatus.NO_SHOW, actor=clerk)
        assert final.value.code == "invalid"
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ATTENDED
    assert set(ClubSignup.TRANSITIONS[SignupStatus.SIGNED_UP]) == {
        "attended",
        "no_show",
        "cancelled",
    }


def test_service_13_capacity_cannot_go_below_the_seats_taken(
    event: ClubEvent, clerk: Any, supervisor: Any
) -> None:
    club_signup_create(event=event, customer=vip("13812349251"), actor=clerk)
    club_signup_create(event=event, customer=vip("13812349252"), actor=clerk)
    with pytest.raises(DomainError) as refused:
        club_event_update(event=event, actor=supervisor, data={"capacity": 1})
    assert refused.value.code == "capacity_below_signups"
    club_event_update(event=event, actor=supervisor, data={"capacity": 5, "place": "会展中心"})
    event.refresh_from_db()
    assert (event.capacity, event.signed_up, event.place) == (5, 2, "会展中心")
    assert event.history.count() == 2  # created, edited


# --- screens --------------------------------------------------------------------------------


def event_form(**changes: Any) -> dict[str, Any]:
    return {
        "title": "健康体检",
        "kind": "health_check",
        "starts_at": "2026-05-06T09:00",
        "place": "苏州市立医院",
        "capacity": "30",
        "levels": ["diamond", "gold"],
        "signup_deadline": "2026-05-01",
        "description": "",
        **changes,
    }


def test_service_13_supervisors_create_events_once_however_often_submitted(
    client: Client, supervisor: Any, clerk: Any
) -> None:
    url = reverse("servicedesk:club_event_create")
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    token = new_form_token()
    first = client.post(url, {**event_form(), FORM_FIELD: token})
    again = client.post(url, {**event_form(), FORM_FIELD: token})
    assert first.status_code == 302
    assert again.status_code == 302
    created = ClubEvent.objects.get()
    assert created.levels == ["diamond", "gold"]
    assert created.created_by == supervisor
    wrong = client.post(url, event_form(signup_deadline="2026-05-07", title="新年艺术演出"))
    assert wrong.status_code == 200
    assert "cannot be after the event" in wrong.content.decode()
    assert 'value="新年艺术演出"' in wrong.content.decode()  # what was typed is kept
    assert ClubEvent.objects.count() == 1


def test_service_13_the_event_page_lists_searches_and_marks_attendance(
    client: Client, event: ClubEvent, clerk: Any, account_manager: Any
) -> None:
    a = club_signup_create(event=event, customer=vip("13812349261", name="李四"), actor=clerk)
    club_signup_create(event=event, customer=vip("13812349262", name="王五"), actor=clerk)
    url = reverse("servicedesk:club_event_detail", kwargs={"pk": event.pk})
    client.force_login(account_manager)
    assert client.get(url).status_code == 403
    assert client.get(reverse("servicedesk:club_event_list")).status_code == 200
    client.force_login(clerk)
    body = client.get(url).content.decode()
    assert "13812349261" in body
    assert "13812349262" in body
    assert "李*" in body
    assert "李四" not in body
    found = client.get(url, {"q": "9262"}).content.decode()
    assert "13812349262" in found
    assert "13812349261" not in found
    mark = reverse("servicedesk:club_signup_transition", kwargs={"pk": a.pk, "action": "attended"})
    with time_machine.travel(instant(AFTER), tick=False):
        client.force_login(clerk)
        assert client.post(mark).status_code == 302
    a.refresh_from_db()
    assert a.status == SignupStatus.ATTENDED


def test_d_house_10_the_sign_ups_sort_by_sign_up_time_and_the_export_follows(
    client: Client, event: ClubEvent, clerk: Any
) -> None:
    early = club_signup_create(event=event, customer=vip("13812349291"), actor=clerk)
    late = club_signup_create(event=event, customer=vip("13812349292"), actor=clerk)
    ClubSignup.objects.filter(pk=early.pk).update(created_at=F("created_at") - timedelta(hours=1))
    url = reverse("servicedesk:club_event_detail", kwargs={"pk": event.pk})
    client.force_login(clerk)
    listed = client.get(url)
    assert [s.pk for s in listed.context["page"].object_list] == [early.pk, late.pk]
    newest = client.get(url, {"q": "1381", "sort": "-signed_up"})
    assert [s.pk for s in newest.context["page"].object_list] == [late.pk, early.pk]
    html = newest.content.decode()
    assert '<th aria-sort="descending"><a href="?q=1381&amp;sort=signed_up"' in html
    assert '<input type="hidden" name="sort" value="-signed_up">' in html
    export = reverse("servicedesk:club_event_export", kwargs={"pk": event.pk})
    assert f"{export}?q=1381&amp;sort=-signed_up" in html  # the export keeps search and sort
    rows = csv_table(client.get(export, {"q": "1381", "sort": "-signed_up"}))
    assert [row[0] for row in rows[1:]] == ["13812349292", "13812349291"]


def test_service_13_the_export_masks_names_by_role_and_is_audited(
    client: Client,
    event: ClubEvent,
    clerk: Any,
    supervisor: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Task 2 of issue "the three workspaces": the export goes through core.exports (one CSV
    writer), keeping its masking (CUST-8) and its audit line, which says whether the names
    were revealed (D-CUST-8)."""
    club_signup_create(event=event, customer=vip("13812349271", name="欧阳娜娜"), actor=clerk)
    url = reverse("servicedesk:club_event_export", kwargs={"pk": event.pk})
    client.force_login(clerk)
    with caplog.at_level(logging.INFO, logger="core.audit"):
        masked = csv_table(client.get(url, {"reveal": "1"}))  # a clerk may not reveal
        client.force_login(supervisor)
        full = csv_table(client.get(url, {"reveal": "1"}))
    assert masked[0] == ["msisdn", "name", "line_status", "status", "signed_up_at", "closed_at"]
    assert masked[1][:4] == ["13812349271", "欧***", "active", "signed_up"]
    assert full[1][1] == "欧阳娜娜"
    lines = [r.getMessage() for r in caplog.records if r.name == "core.audit"]
    assert len(lines) == 2
    assert f"list=club-event-{event.pk}" in lines[0]
    assert "rows=1 revealed=False" in lines[0]
    assert "rows=1 revealed=True" in lines[1]
    assert all("欧阳" not in line for line in lines)


def test_service_13_the_export_follows_the_search_and_defuses_formulas(
    client: Client, event: ClubEvent, clerk: Any, supervisor: Any
) -> None:
    club_signup_create(event=event, customer=vip("13812349281", name="=1+2"), actor=clerk)
    club_signup_create(event=event, customer=vip("13812349282", name="王五"), actor=clerk)
    url = reverse("servicedesk:club_event_export", kwargs={"pk": event.pk})
    client.force_login(supervisor)
    rows = csv_table(client.get(url, {"q": "9281", "reveal": "1"}))
    assert [row[:2] for row in rows[1:]] == [["13812349281", "'=1+2"]]


def test_service_13_the_desk_and_the_customers_manager_sign_up_from_the_card(
    client: Client,
    event: ClubEvent,
    gold: Customer,
    clerk: Any,
    account_manager: Any,
    other_account_manager: Any,
    supervisor: Any,
) -> None:
    url = reverse("servicedesk:club_signup_create", kwargs={"msisdn": gold.msisdn})
    client.force_login(clerk)
    card = client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": gold.msisdn}))
    assert url in card.content.decode()
    response = client.post(url, {"event": event.pk, FORM_FIELD: new_form_token()})
    assert response["Location"] == reverse("servicedesk:desk_card", kwargs={"msisdn": gold.msisdn})
    refused = client.post(url, {"event": event.pk})
    assert refused.status_code == 200
    assert "already" in refused.content.decode()
    ClubSignup.objects.all().delete()
    ClubEvent.objects.filter(pk=event.pk).update(signed_up=0)
    PersonalManager.objects.create(
        customer=gold,
        manager=account_manager,
        started_on=date(2026, 1, 1),
        reason="assign",
        assigned_at=timezone.now(),
        assigned_by=supervisor,
    )
    client.force_login(other_account_manager)
    assert client.get(url).status_code == 403
    client.force_login(account_manager)
    assert client.get(url).status_code == 200
    done = client.post(url, {"event": event.pk})
    assert done["Location"] == reverse("membership:customer_card", kwargs={"msisdn": gold.msisdn})
    assert ClubSignup.objects.get().created_by == account_manager
