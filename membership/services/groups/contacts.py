"""GROUP-4: the contact log, and the birthday or holiday a care contact was for."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from membership.calendar_cn import greeting_dates
from membership.dates import anniversary
from membership.models import CareOccasion, ContactChannel, ContactLog, GroupCustomer, KeyPerson
from membership.services.groups.common import local_today


def occasion_date_for(
    *, occasion: str, contact_day: date, birth_date: date | None = None
) -> date | None:
    """GROUP-4: the birthday or holiday nearest ``contact_day`` that a contact was for."""
    if occasion == CareOccasion.ROUTINE:
        return None
    years = (contact_day.year - 1, contact_day.year, contact_day.year + 1)
    if occasion == CareOccasion.BIRTHDAY:
        if birth_date is None:
            raise DomainError(_("The key person's birth date is not known."))
        dates = [anniversary(birth_date, year) for year in years]
    else:
        dates = [d for year in years if (d := greeting_dates(year).get(occasion)) is not None]
        if not dates:
            raise DomainError(_("The date of this holiday is not known."))
    return min(dates, key=lambda d: (abs((d - contact_day).days), d))


@transaction.atomic
def contact_log_create(
    *,
    group: GroupCustomer,
    channel: str,
    actor: Any,
    key_person: KeyPerson | None = None,
    person: str = "",
    occasion: str = CareOccasion.ROUTINE,
    contacted_at: datetime | None = None,
    notes: str = "",
    next_follow_up: date | None = None,
) -> ContactLog:
    """GROUP-4: log a contact: who, when, how, notes and the next follow-up date."""
    if channel not in ContactChannel.values:
        raise DomainError(_("Unknown contact channel “%(channel)s”.") % {"channel": channel})
    if occasion not in CareOccasion.values:
        raise DomainError(_("Unknown occasion “%(occasion)s”.") % {"occasion": occasion})
    if key_person is not None:
        if key_person.group_id != group.pk:
            raise DomainError(_("This key person belongs to another group."))
        if key_person.ended_at is not None:
            raise DomainError(_("This person is no longer a key person."))
    elif not person.strip():
        raise DomainError(_("Say who was contacted: a key person or a name."))
    if occasion != CareOccasion.ROUTINE and key_person is None:
        raise DomainError(_("Birthday and holiday care is logged for a key person."))
    contacted_at = contacted_at or clock.now()
    if timezone.is_naive(contacted_at):
        contacted_at = timezone.make_aware(contacted_at)
    day = timezone.localdate(contacted_at)
    if day > local_today():
        raise DomainError(_("A contact cannot be logged in the future."))
    if next_follow_up is not None and next_follow_up < day:
        raise DomainError(_("The next follow-up cannot be before the contact."))
    occasion_day = occasion_date_for(
        occasion=occasion,
        contact_day=day,
        birth_date=key_person.customer.birth_date if key_person is not None else None,
    )
    return ContactLog.objects.create(
        group=group,
        key_person=key_person,
        person=person.strip()[:64],  # a key person is named by the link, not copied (CUST-8)
        channel=channel,
        occasion=occasion,
        occasion_date=occasion_day,
        contacted_at=contacted_at,
        notes=notes.strip(),
        next_follow_up=next_follow_up,
        logged_by=actor,
    )
