"""GROUP-4 care calendar: birthdays with the gift, holiday greetings on their real dates,
"no contact for N days" and follow-ups, each done by logging the contact."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from keyaccounts.calendar_cn import greeting_dates
from keyaccounts.models import CareOccasion, ContactLog, KeyPerson
from keyaccounts.selectors.care import care_calendar, next_birthday, upcoming_greetings
from keyaccounts.services.groups import contact_log_create, key_person_create, occasion_date_for
from tests.builders import make_customer, make_group

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def make_person(manager: Any, *, group_class: str = "A", birth: date | None = None) -> KeyPerson:
    group = make_group(group_class=group_class, account_manager=manager)
    return key_person_create(
        group=group,
        customer=make_customer(birth_date=birth or date(1970, 7, 1)),
        role="decision_maker",
        rank="senior_leader",
        actor=manager,
    )


def calendar_for(manager: Any, today: date) -> Any:
    return care_calendar(KeyPerson.objects.filter(group__account_manager=manager), today)


def test_group_4_greeting_dates_come_from_the_holiday_library() -> None:
    assert greeting_dates(2023) == {
        "new_year": date(2023, 1, 1),
        "spring_festival": date(2023, 1, 22),
        "dragon_boat": date(2023, 6, 22),
        "mid_autumn": date(2023, 9, 29),
    }
    assert greeting_dates(2024)["spring_festival"] == date(2024, 2, 10)
    assert greeting_dates(2024)["mid_autumn"] == date(2024, 9, 17)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 2023: the Spring Festival falls in January (22 Jan)
        (date(2023, 1, 14), []),  # 8 days ahead: not yet
        (date(2023, 1, 15), [("spring_festival", date(2023, 1, 22))]),
        (date(2023, 1, 22), [("spring_festival", date(2023, 1, 22))]),  # on the day
        (date(2023, 1, 23), []),
        # 2024: in February (10 Feb); mid-January shows nothing
        (date(2024, 1, 16), []),
        (date(2024, 2, 5), [("spring_festival", date(2024, 2, 10))]),
        # New Year's Day across the year boundary
        (date(2023, 12, 27), [("new_year", date(2024, 1, 1))]),
        (date(2024, 6, 5), [("dragon_boat", date(2024, 6, 10))]),
        (date(2024, 9, 12), [("mid_autumn", date(2024, 9, 17))]),
    ],
)
def test_group_4_holiday_greetings_are_due_in_the_week_before_the_holiday(
    today: date, expected: list[tuple[str, date]]
) -> None:
    assert upcoming_greetings(today, 7) == expected


@pytest.mark.django_db
def test_group_4_calendar_in_a_year_with_the_spring_festival_in_january(
    account_manager: Any,
) -> None:
    key = make_person(account_manager, group_class="A")
    other = make_person(account_manager, group_class="B")
    calendar = calendar_for(account_manager, date(2023, 1, 16))
    assert [(i.key_person, i.occasion, i.day) for i in calendar.greetings] == [
        (key, "spring_festival", date(2023, 1, 22)),
        (other, "spring_festival", date(2023, 1, 22)),
    ]
    # GROUP-4: visits for key groups (class A), SMS for the others
    assert [i.suggested_channel for i in calendar.greetings] == ["visit", "sms"]

    # done by logging the greeting: a contact for the Spring Festival a few days before
    contact = contact_log_create(
        group=key.group,
        key_person=key,
        channel="visit",
        occasion="spring_festival",
        contacted_at=at(2023, 1, 18, 10),
        actor=account_manager,
        notes="回访",
    )
    assert contact.occasion_date == date(2023, 1, 22)
    calendar = calendar_for(account_manager, date(2023, 1, 16))
    assert [i.key_person for i in calendar.greetings] == [other]


@pytest.mark.django_db
def test_group_4_calendar_in_a_year_with_the_spring_festival_in_february(
    account_manager: Any,
) -> None:
    person = make_person(account_manager)
    assert calendar_for(account_manager, date(2024, 1, 16)).greetings == []
    calendar = calendar_for(account_manager, date(2024, 2, 5))
    assert [(i.key_person, i.occasion, i.day) for i in calendar.greetings] == [
        (person, "spring_festival", date(2024, 2, 10))
    ]
    # a greeting logged for last year's festival does not count for this one
    contact_log_create(
        group=person.group,
        key_person=person,
        channel="sms",
        occasion="spring_festival",
        contacted_at=at(2023, 1, 21, 9),
        actor=account_manager,
        notes="回访",
    )
    assert len(calendar_for(account_manager, date(2024, 2, 5)).greetings) == 1
    # a routine call does not count either: it must be the greeting
    contact_log_create(
        group=person.group,
        key_person=person,
        channel="call",
        contacted_at=at(2024, 2, 6, 9),
        actor=account_manager,
        notes="回访",
    )
    assert len(calendar_for(account_manager, date(2024, 2, 5)).greetings) == 1
    contact_log_create(
        group=person.group,
        key_person=person,
        channel="greeting",
        occasion="spring_festival",
        contacted_at=at(2024, 2, 9, 9),
        actor=account_manager,
        notes="回访",
    )
    assert calendar_for(account_manager, date(2024, 2, 5)).greetings == []


@pytest.mark.django_db
def test_group_4_birthdays_in_the_next_7_days_with_the_gift_3_days_before(
    account_manager: Any,
) -> None:
    person = make_person(account_manager, birth=date(1970, 3, 20))
    assert calendar_for(account_manager, date(2024, 3, 12)).birthdays == []  # 8 days ahead
    (item,) = calendar_for(account_manager, date(2024, 3, 13)).birthdays
    assert (item.key_person, item.day, item.gift_due, item.late) == (
        person,
        date(2024, 3, 20),
        date(2024, 3, 17),
        False,
    )
    (item,) = calendar_for(account_manager, date(2024, 3, 18)).birthdays
    assert item.late  # the gift was due yesterday
    (item,) = calendar_for(account_manager, date(2024, 3, 20)).birthdays  # the day itself
    assert calendar_for(account_manager, date(2024, 3, 21)).birthdays == []

    contact_log_create(
        group=person.group,
        key_person=person,
        channel="gift",
        occasion="birthday",
        contacted_at=at(2024, 3, 16, 15),
        notes="鲜花",
        actor=account_manager,
    )
    assert calendar_for(account_manager, date(2024, 3, 18)).birthdays == []
    # next year's birthday is a new item
    (item,) = calendar_for(account_manager, date(2025, 3, 15)).birthdays
    assert item.day == date(2025, 3, 20)


@pytest.mark.django_db
def test_group_4_birthdays_across_the_new_year_and_on_29_february(account_manager: Any) -> None:
    january = make_person(account_manager, birth=date(1966, 1, 2))
    leap = make_person(account_manager, birth=date(1988, 2, 29))
    (item,) = calendar_for(account_manager, date(2023, 12, 28)).birthdays
    assert (item.key_person, item.day) == (january, date(2024, 1, 2))
    (item,) = calendar_for(account_manager, date(2023, 2, 25)).birthdays
    assert (item.key_person, item.day) == (leap, date(2023, 2, 28))  # CONV-2
    assert next_birthday(date(1988, 2, 29), date(2024, 2, 25)) == date(2024, 2, 29)


@pytest.mark.django_db
def test_group_4_no_contact_for_30_days_in_class_a_and_60_in_the_others(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    a = make_person(account_manager, group_class="A")
    b = make_person(account_manager, group_class="B")
    KeyPerson.objects.filter(pk__in=[a.pk, b.pk]).update(
        created_at=timezone.now() - timedelta(days=45)
    )
    calendar = calendar_for(account_manager, today)
    assert [(i.key_person, i.days_since) for i in calendar.no_contact] == [(a, 45)]

    calendar = calendar_for(account_manager, today + timedelta(days=15))
    assert {(i.key_person.pk, i.days_since) for i in calendar.no_contact} == {
        (a.pk, 60),
        (b.pk, 60),
    }
    # one day less is not yet too long for class B
    calendar = calendar_for(account_manager, today + timedelta(days=14))
    assert [i.key_person for i in calendar.no_contact] == [a]

    # any contact resets the count
    contact_log_create(
        group=a.group,
        key_person=a,
        channel="call",
        actor=account_manager,
        next_follow_up=today + timedelta(days=2),
        notes="回访",
    )
    calendar = calendar_for(account_manager, today)
    assert calendar.no_contact == []
    # ... and its follow-up date comes up (within 3 days), done by the next contact
    assert [(i.key_person, i.day) for i in calendar.follow_ups] == [(a, today + timedelta(days=2))]
    contact_log_create(
        group=a.group, key_person=a, channel="visit", actor=account_manager, notes="回访"
    )
    assert calendar_for(account_manager, today).follow_ups == []


@pytest.mark.django_db
def test_group_4_ended_key_persons_and_other_managers_groups_are_not_in_the_calendar(
    account_manager: Any, other_account_manager: Any
) -> None:
    mine = make_person(account_manager, birth=date(1970, 3, 20))
    make_person(other_account_manager, birth=date(1970, 3, 20))
    KeyPerson.objects.filter(pk=mine.pk).update(ended_at=timezone.now())
    assert calendar_for(account_manager, date(2024, 3, 15)).count == 0
    assert len(calendar_for(other_account_manager, date(2024, 3, 15)).birthdays) == 1


@pytest.mark.django_db
def test_group_4_the_calendar_takes_a_fixed_number_of_queries(
    account_manager: Any, django_assert_num_queries: Any
) -> None:
    for n in range(5):
        make_person(account_manager, birth=date(1970, 1, 18 + n))
    with django_assert_num_queries(2):
        calendar = calendar_for(account_manager, date(2023, 1, 16))
    assert len(calendar.birthdays) == 5
    assert len(calendar.greetings) == 5


@pytest.mark.django_db
def test_group_4_a_contact_is_who_when_how_notes_and_next_follow_up(
    account_manager: Any,
) -> None:
    person = make_person(account_manager)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="future"):
        contact_log_create(
            group=person.group,
            key_person=person,
            channel="call",
            actor=account_manager,
            contacted_at=timezone.now() + timedelta(days=2),
            notes="回访",
        )
    with pytest.raises(DomainError, match="before the contact"):
        contact_log_create(
            group=person.group,
            key_person=person,
            channel="call",
            actor=account_manager,
            next_follow_up=today - timedelta(days=1),
            notes="回访",
        )
    with pytest.raises(DomainError, match="channel"):
        contact_log_create(
            group=person.group,
            key_person=person,
            channel="fax",
            actor=account_manager,
            notes="回访",
        )
    with pytest.raises(DomainError, match="who was contacted"):
        contact_log_create(group=person.group, channel="visit", actor=account_manager, notes="回访")
    with pytest.raises(DomainError, match="another group"):
        contact_log_create(
            group=make_group(account_manager=account_manager),
            key_person=person,
            channel="visit",
            actor=account_manager,
            notes="回访",
        )
    assert not ContactLog.objects.exists()
    contact = contact_log_create(
        group=person.group,
        person="办公室王主任",
        channel="visit",
        notes="拜访",
        next_follow_up=today + timedelta(days=30),
        actor=account_manager,
    )
    assert (contact.key_person, contact.person, contact.logged_by, contact.occasion) == (
        None,
        "办公室王主任",
        account_manager,
        CareOccasion.ROUTINE,
    )


@pytest.mark.parametrize(
    ("occasion", "day", "expected"),
    [
        ("birthday", date(2023, 12, 30), date(2024, 1, 2)),  # the coming birthday
        ("birthday", date(2024, 1, 4), date(2024, 1, 2)),  # a belated one
        ("spring_festival", date(2023, 1, 18), date(2023, 1, 22)),
        ("spring_festival", date(2024, 2, 8), date(2024, 2, 10)),
        ("new_year", date(2023, 12, 29), date(2024, 1, 1)),
        ("routine", date(2024, 2, 8), None),
    ],
)
def test_group_4_a_care_contact_is_for_the_nearest_birthday_or_holiday(
    occasion: str, day: date, expected: date | None
) -> None:
    assert (
        occasion_date_for(occasion=occasion, contact_day=day, birth_date=date(1966, 1, 2))
        == expected
    )


# ---- the workspace: each care list paginated, a supervisor's manager filter ----


def birthday_people(manager: Any, n: int) -> list[KeyPerson]:
    """``n`` key persons of one group of ``manager``, all with their birthday today."""
    today = timezone.localdate()
    born = today.replace(year=1970) if (today.month, today.day) != (2, 29) else date(1970, 3, 1)
    group = make_group(group_class="B", account_manager=manager)
    return [
        key_person_create(
            group=group,
            customer=make_customer(birth_date=born),
            role="influencer",
            rank="other",
        )
        for _ in range(n)
    ]


def workspace(user: Any, **params: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(reverse("keyaccounts:manager_workspace"), params)


@pytest.mark.django_db
def test_group_4_each_care_list_shows_50_a_page_and_its_links_keep_the_other_parameters(
    supervisor: Any, account_manager: Any
) -> None:
    people = birthday_people(account_manager, 51)
    first = workspace(supervisor, manager=account_manager.pk)
    pages = first.context["care_pages"]
    assert len(pages["birthdays"]["page"].object_list) == 50
    assert pages["birthdays"]["page"].paginator.count == 51
    body = first.content.decode()
    # the next-page link keeps the manager and the other lists' pages; only this list turns
    assert f'href="?manager={account_manager.pk}&amp;birthdays_page=2#care-birthdays"' in body
    second = workspace(supervisor, manager=account_manager.pk, birthdays_page=2, no_contact_page=1)
    pages = second.context["care_pages"]
    assert [item.key_person for item in pages["birthdays"]["page"]] == [people[-1]]
    assert pages["birthdays"]["query"] == f"manager={account_manager.pk}&no_contact_page=1"
    previous = (
        f'href="?manager={account_manager.pk}&amp;no_contact_page=1&amp;birthdays_page=1'
        '#care-birthdays"'
    )
    assert previous in second.content.decode()
    # a page beyond the last shows the last one; nonsense shows the first
    assert (
        workspace(supervisor, birthdays_page=9).context["care_pages"]["birthdays"]["page"].number
        == 2
    )
    assert (
        workspace(supervisor, birthdays_page="x").context["care_pages"]["birthdays"]["page"].number
        == 1
    )


@pytest.mark.django_db
def test_group_4_a_supervisor_narrows_the_calendar_to_one_manager_and_a_manager_sees_their_own(
    supervisor: Any, account_manager: Any, other_account_manager: Any
) -> None:
    mine = birthday_people(account_manager, 2)
    theirs = birthday_people(other_account_manager, 1)

    def birthdays(response: Any) -> set[KeyPerson]:
        return {item.key_person for item in response.context["calendar"].birthdays}

    everyone = workspace(supervisor)
    assert birthdays(everyone) == {*mine, *theirs}
    managers = list(everyone.context["managers"])
    assert {account_manager, other_account_manager} <= set(managers)
    assert f'<option value="{other_account_manager.pk}"' in everyone.content.decode()
    narrowed = workspace(supervisor, manager=other_account_manager.pk)
    assert birthdays(narrowed) == set(theirs)
    assert narrowed.context["manager_id"] == str(other_account_manager.pk)
    # an account manager sees their own groups only, whatever the parameter says
    own = workspace(account_manager, manager=other_account_manager.pk)
    assert birthdays(own) == set(mine)
    assert own.context["managers"] == []
    assert 'name="manager"' not in own.content.decode()
