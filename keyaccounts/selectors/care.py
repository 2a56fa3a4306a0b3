"""GROUP-4: the care calendar of an account manager's key persons.

Four kinds of item, each done by logging the contact it asks for:

- a birthday in the next CARE_BIRTHDAY_DAYS_AHEAD days, with the gift due
  CARE_BIRTHDAY_GIFT_DAYS_BEFORE days before (SERVICE-2); done by a contact with occasion
  "birthday" for that birthday;
- a greeting holiday (元旦, 春节, 端午, 中秋, dates from the ``holidays`` library) in the next
  CARE_GREETING_DAYS_AHEAD days; done by a contact with that occasion for that date;
- "no contact for N days" (NO_CONTACT_DAYS by group class, counted from the last contact,
  or from the day the person became a key person); done by any contact;
- a follow-up date, set on the latest contact, falling within CARE_FOLLOW_UP_DAYS_AHEAD days
  (or past); done by any newer contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from core.dates import anniversary
from core.programme import programme
from keyaccounts.calendar_cn import greeting_dates
from keyaccounts.models import CareOccasion, ContactLog, GroupClass, KeyPerson
from keyaccounts.selectors.groups import key_persons_with_care


@dataclass(frozen=True)
class CareItem:
    kind: str  # "birthday", "greeting", "no_contact", "follow_up"
    key_person: KeyPerson
    day: date  # the birthday, the holiday, the day contact became due, the follow-up date
    occasion: str = CareOccasion.ROUTINE
    gift_due: date | None = None
    days_since: int | None = None
    suggested_channel: str = ""
    late: bool = False  # the gift or the follow-up is past due

    @property
    def occasion_label(self) -> str:
        return str(CareOccasion(self.occasion).label)


@dataclass
class CareCalendar:
    today: date
    birthdays: list[CareItem] = field(default_factory=list)
    greetings: list[CareItem] = field(default_factory=list)
    no_contact: list[CareItem] = field(default_factory=list)
    follow_ups: list[CareItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.birthdays) + len(self.greetings) + len(self.no_contact) + len(self.follow_ups)
        )


def next_birthday(birth_date: date, today: date) -> date:
    """The next birthday on or after ``today`` (29 February kept on 28 February, CONV-2)."""
    this_year = anniversary(birth_date, today.year)
    return this_year if this_year >= today else anniversary(birth_date, today.year + 1)


def upcoming_greetings(today: date, days: int) -> list[tuple[str, date]]:
    """GROUP-4: the greeting holidays from ``today`` to ``today + days``, soonest first."""
    last = today + timedelta(days=days)
    found = [
        (occasion, day)
        for year in range(today.year, last.year + 1)
        for occasion, day in greeting_dates(year).items()
        if today <= day <= last
    ]
    return sorted(found, key=lambda item: item[1])


def care_calendar(key_persons: QuerySet[KeyPerson], today: date) -> CareCalendar:
    """The care items of ``key_persons`` (current ones only) on ``today``; three queries."""
    people = list(
        key_persons_with_care(key_persons.filter(ended_at__isnull=True), today).order_by(
            "group__code", "role", "id"
        )
    )
    calendar = CareCalendar(today=today)
    if not people:
        return calendar

    birthday_days = programme("CARE_BIRTHDAY_DAYS_AHEAD")
    gift_days = programme("CARE_BIRTHDAY_GIFT_DAYS_BEFORE")
    greetings = upcoming_greetings(today, programme("CARE_GREETING_DAYS_AHEAD"))
    no_contact_days: dict[str, int] = programme("NO_CONTACT_DAYS")

    birthdays: dict[int, date] = {}
    for person in people:
        born = person.customer.birth_date
        if born is not None:
            upcoming = next_birthday(born, today)
            if upcoming <= today + timedelta(days=birthday_days):
                birthdays[person.pk] = upcoming

    # Which occasion items are done already: one query over the contacts for them.
    wanted_days = set(birthdays.values()) | {day for _occasion, day in greetings}
    done: set[tuple[int, str, date]] = set()
    if wanted_days:
        done = {
            (person_id, occasion, day)
            for person_id, occasion, day in ContactLog.objects.filter(
                key_person_id__in=[p.pk for p in people],
                occasion_date__in=wanted_days,
            )
            .exclude(occasion=CareOccasion.ROUTINE)
            .values_list("key_person_id", "occasion", "occasion_date")
            if day is not None
        }

    for person in people:
        born_day = birthdays.get(person.pk)
        if born_day is not None and (person.pk, CareOccasion.BIRTHDAY, born_day) not in done:
            calendar.birthdays.append(
                CareItem(
                    kind="birthday",
                    key_person=person,
                    day=born_day,
                    occasion=CareOccasion.BIRTHDAY,
                    gift_due=born_day - timedelta(days=gift_days),
                    suggested_channel="gift",
                    late=born_day - timedelta(days=gift_days) < today,
                )
            )
        for occasion, holiday in greetings:
            if (person.pk, occasion, holiday) not in done:
                calendar.greetings.append(
                    CareItem(
                        kind="greeting",
                        key_person=person,
                        day=holiday,
                        occasion=occasion,
                        # GROUP-4: SMS, visits for key groups (class A).
                        suggested_channel=(
                            "visit" if person.group.group_class == GroupClass.A else "sms"
                        ),
                    )
                )
        limit = no_contact_days.get(person.group.group_class, max(no_contact_days.values()))
        last = getattr(person, "last_contact_at", None)
        since = timezone.localdate(last or person.created_at)
        days_since = (today - since).days
        if days_since >= limit:
            calendar.no_contact.append(
                CareItem(
                    kind="no_contact",
                    key_person=person,
                    day=since + timedelta(days=limit),
                    days_since=days_since,
                    suggested_channel="visit",
                )
            )
        follow_up = getattr(person, "next_follow_up", None)
        if follow_up is not None and follow_up <= today + timedelta(
            days=programme("CARE_FOLLOW_UP_DAYS_AHEAD")
        ):
            calendar.follow_ups.append(
                CareItem(kind="follow_up", key_person=person, day=follow_up, late=follow_up < today)
            )

    calendar.birthdays.sort(key=lambda item: item.day)
    calendar.greetings.sort(key=lambda item: (item.day, item.key_person.group.code))
    calendar.no_contact.sort(key=lambda item: -(item.days_since or 0))
    calendar.follow_ups.sort(key=lambda item: item.day)
    return calendar
