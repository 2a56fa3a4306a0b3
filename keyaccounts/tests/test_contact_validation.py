"""GROUP-4 / D-VALID-1: a contact log entry says who, when, how and what — one check
(``contact_entry_errors``) behind the service, the form and the API serializer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import DomainError
from keyaccounts.forms.groups import ContactForm
from keyaccounts.models import ContactLog, KeyPerson
from keyaccounts.services.groups import contact_entry_errors, contact_log_create, key_person_create
from tests.builders import make_customer, make_group

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = "2026-11-25 10:30:20"  # Asia/Shanghai
pytestmark = [pytest.mark.django_db, pytest.mark.now(NOW)]


@pytest.fixture
def person(account_manager: Any) -> KeyPerson:
    return key_person_create(
        group=make_group(account_manager=account_manager),
        customer=make_customer(birth_date=date(1970, 7, 1)),
        role="contact",
        rank="other",
        actor=account_manager,
    )


def at(hour: int, minute: int, second: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI)


def log(person: KeyPerson, actor: Any, **fields: Any) -> ContactLog:
    values: dict[str, Any] = {"channel": "call", "notes": "回访"} | fields
    return contact_log_create(group=person.group, key_person=person, actor=actor, **values)


# --- the one check ------------------------------------------------------------------------


def test_group_4_the_check_names_every_missing_or_wrong_field_at_once() -> None:
    errors = contact_entry_errors(
        channel="fax",
        notes="  \n\t ",
        key_person_given=False,
        person="",
        occasion="birthday",
        contacted_at=at(10, 45),
        next_follow_up=date(2026, 11, 24),
    )
    assert errors == {
        "channel": "Unknown contact channel “fax”.",
        "occasion": "Birthday and holiday care is logged for a key person.",
        "person": "Say who was contacted: a key person or a name.",
        "contacted_at": "A contact cannot be logged in the future.",
        "notes": "Write what was said or done: the notes cannot be empty.",
        "next_follow_up": "The next follow-up cannot be before the contact.",
    }


def test_group_4_a_complete_entry_passes_the_check() -> None:
    assert (
        contact_entry_errors(
            channel="visit",
            notes="拜访，谈续约",
            key_person_given=False,
            person="办公室王主任",
            contacted_at=at(9, 0),
            next_follow_up=date(2026, 12, 1),
        )
        == {}
    )


# --- the service ----------------------------------------------------------------------------


@pytest.mark.parametrize("notes", ["", "   ", "\n\t", "\u3000"])
def test_group_4_a_contact_with_nothing_in_it_is_refused(
    person: KeyPerson, account_manager: Any, notes: str
) -> None:
    with pytest.raises(DomainError, match="notes cannot be empty"):
        log(person, account_manager, notes=notes)
    assert not ContactLog.objects.exists()


def test_group_4_notes_are_stored_stripped_and_within_their_length(
    person: KeyPerson, account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="longer than 2000"):
        log(person, account_manager, notes="长" * 2001)
    contact = log(person, account_manager, notes="  " + "长" * 2000 + "\n")
    assert contact.notes == "长" * 2000


def test_group_4_a_contact_later_today_is_in_the_future(
    person: KeyPerson, account_manager: Any
) -> None:
    """The day alone is not enough: 10:45 is still to come at 10:30 (it used to pass)."""
    with pytest.raises(DomainError, match="in the future"):
        log(person, account_manager, contacted_at=at(10, 45))
    with pytest.raises(DomainError, match="in the future"):
        log(person, account_manager, contacted_at=at(9, 0, day=26))
    assert not ContactLog.objects.exists()


def test_group_4_the_current_minute_counts_as_now(person: KeyPerson, account_manager: Any) -> None:
    """The form's time picker has minutes: "10:30" typed at 10:30:20 is now, so is 10:30:50."""
    assert log(person, account_manager, contacted_at=at(10, 30, 50)).pk
    assert log(person, account_manager, contacted_at=at(10, 30)).pk
    assert log(person, account_manager).contacted_at <= datetime.now(tz=SHANGHAI)


def test_group_4_a_follow_up_before_the_contact_day_is_refused(
    person: KeyPerson, account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="before the contact"):
        log(
            person,
            account_manager,
            contacted_at=at(9, 0, day=20),
            next_follow_up=date(2026, 11, 19),
        )
    assert log(
        person, account_manager, contacted_at=at(9, 0, day=20), next_follow_up=date(2026, 11, 20)
    ).pk


def test_group_4_a_name_longer_than_the_log_keeps_is_refused_not_cut(
    person: KeyPerson, account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="longer than 64"):
        contact_log_create(
            group=person.group, person="王" * 65, channel="visit", notes="x", actor=account_manager
        )


# --- the form -----------------------------------------------------------------------------


def test_group_4_the_form_shows_the_check_on_its_fields(person: KeyPerson) -> None:
    form = ContactForm(
        {
            "channel": "call",
            "occasion": "routine",
            "notes": "   ",
            "contacted_at": "2026-11-25T11:00",
            "next_follow_up": "2026-11-20",
        },
        group=person.group,
    )
    assert not form.is_valid()
    assert form.errors == {
        "person": ["Say who was contacted: a key person or a name."],
        "contacted_at": ["A contact cannot be logged in the future."],
        "notes": ["Write what was said or done: the notes cannot be empty."],
        "next_follow_up": ["The next follow-up cannot be before the contact."],
    }
    assert "required" in str(form["notes"])  # the browser says it before sending


def test_group_4_the_key_person_form_refuses_a_blank_contact_and_saves_nothing(
    person: KeyPerson, account_manager: Any
) -> None:
    client = Client()
    client.force_login(account_manager)
    url = reverse("keyaccounts:key_person_contact_create", args=[person.pk])
    response = client.post(url, {"channel": "call", "occasion": "routine", "notes": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == [
        "Write what was said or done: the notes cannot be empty."
    ]
    assert not ContactLog.objects.exists()
    response = client.post(url, {"channel": "call", "occasion": "routine", "notes": "约下周拜访"})
    assert response.status_code == 302
    assert ContactLog.objects.get().notes == "约下周拜访"


# --- the API --------------------------------------------------------------------------------


def test_group_4_the_api_answers_400_with_the_check_per_field(
    person: KeyPerson, account_manager: Any
) -> None:
    client = APIClient()
    client.force_authenticate(account_manager)
    url = reverse("api:contact-log-list")
    base = {"group": person.group_id, "key_person": person.pk, "channel": "call"}
    missing = client.post(url, base, format="json")
    assert missing.status_code == 400
    assert list(missing.json()) == ["notes"]
    blank = client.post(
        url,
        base | {"notes": "  ", "contacted_at": "2026-11-25T11:00:00+08:00"},
        format="json",
    )
    assert blank.status_code == 400
    assert blank.json() == {
        "contacted_at": ["A contact cannot be logged in the future."],
        "notes": ["Write what was said or done: the notes cannot be empty."],
    }
    assert not ContactLog.objects.exists()
    done = client.post(
        url, base | {"notes": "回访", "next_follow_up": str(date(2026, 11, 25) + timedelta(7))}
    )
    assert done.status_code == 201, done.json()
    assert ContactLog.objects.get().notes == "回访"
