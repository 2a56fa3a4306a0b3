"""GROUP-4: the contact log, and the birthday or holiday a care contact was for."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.dates import anniversary
from core.errors import DomainError
from keyaccounts.calendar_cn import greeting_dates
from keyaccounts.models import CareOccasion, ContactChannel, ContactLog, GroupCustomer, KeyPerson
from keyaccounts.services.groups.common import local_today


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


# GROUP-4: what the contact log's text fields hold (the form and the API say the same).
CONTACT_PERSON_MAX = 64  # ContactLog.person
CONTACT_NOTES_MAX = 2000


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def contact_entry_errors(
    *,
    channel: str,
    notes: str,
    key_person_given: bool,
    person: str = "",
    occasion: str = CareOccasion.ROUTINE,
    contacted_at: datetime | None = None,
    next_follow_up: date | None = None,
) -> dict[str, str]:
    """GROUP-4 / D-VALID-1: what a contact log entry needs, field by field — who (a key
    person or a name), when (not later than the current minute), how (a known channel), the
    notes (what was said or done: not blank) and a follow-up not before the contact. The
    one check of an entry: the form and the API serializer show its messages on their
    fields, and ``contact_log_create`` refuses what it finds. Empty when all is well."""
    errors: dict[str, str] = {}
    if channel not in ContactChannel.values:
        errors["channel"] = _("Unknown contact channel “%(channel)s”.") % {"channel": channel}
    if occasion not in CareOccasion.values:
        errors["occasion"] = _("Unknown occasion “%(occasion)s”.") % {"occasion": occasion}
    elif occasion != CareOccasion.ROUTINE and not key_person_given:
        errors["occasion"] = _("Birthday and holiday care is logged for a key person.")
    name = (person or "").strip()
    if not key_person_given and not name:
        errors["person"] = _("Say who was contacted: a key person or a name.")
    elif len(name) > CONTACT_PERSON_MAX:
        errors["person"] = _("The name is longer than %(max)d characters.") % {
            "max": CONTACT_PERSON_MAX
        }
    day = local_today()
    if contacted_at is not None:
        contacted_at = _aware(contacted_at)
        # the current minute still counts as now (the form's time picker has minutes)
        if contacted_at > clock.now().replace(second=59, microsecond=999_999):
            errors["contacted_at"] = _("A contact cannot be logged in the future.")
        else:
            day = timezone.localdate(contacted_at)
    text = (notes or "").strip()
    if not text:
        errors["notes"] = _("Write what was said or done: the notes cannot be empty.")
    elif len(text) > CONTACT_NOTES_MAX:
        errors["notes"] = _("The notes are longer than %(max)d characters.") % {
            "max": CONTACT_NOTES_MAX
        }
    if next_follow_up is not None and next_follow_up < day:
        errors["next_follow_up"] = _("The next follow-up cannot be before the contact.")
    return errors


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
    """GROUP-4: log a contact: who, when, how, notes and the next follow-up date.

    Refuses (DomainError) what ``contact_entry_errors`` finds, a key person of another
    group or no longer one, and a birthday whose date is unknown."""
    errors = contact_entry_errors(
        channel=channel,
        notes=notes,
        key_person_given=key_person is not None,
        person=person,
        occasion=occasion,
        contacted_at=contacted_at,
        next_follow_up=next_follow_up,
    )
    if errors:
        raise DomainError(" ".join(errors.values()), code="invalid")
    if key_person is not None:
        if key_person.group_id != group.pk:
            raise DomainError(_("This key person belongs to another group."))
        if key_person.ended_at is not None:
            raise DomainError(_("This person is no longer a key person."))
    contacted_at = _aware(contacted_at or clock.now())
    day = timezone.localdate(contacted_at)
    occasion_day = occasion_date_for(
        occasion=occasion,
        contact_day=day,
        birth_date=key_person.customer.birth_date if key_person is not None else None,
    )
    return ContactLog.objects.create(
        group=group,
        key_person=key_person,
        person=person.strip(),  # a key person is named by the link, not copied (CUST-8)
        channel=channel,
        occasion=occasion,
        occasion_date=occasion_day,
        contacted_at=contacted_at,
        notes=notes.strip(),
        next_follow_up=next_follow_up,
        logged_by=actor,
    )
