"""CUST-11: key accounts on the member timeline (registered in ``KeyaccountsConfig.ready``).

When the customer is a key person of a group: the account managers' contacts with them
(GROUP-4) and the upgrade requests asked for them, with each decision (TIER-7). Only what
the user may see in keyaccounts (``keyaccounts.access``): a supervisor sees all of it, an
account manager what belongs to the groups they manage, a counter clerk none of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.access import may_open
from core.roles import staff_name
from keyaccounts.access import contact_logs_visible_to, upgrade_requests_visible_to
from keyaccounts.models import (
    CareOccasion,
    ContactChannel,
    UpgradeRequestEvent,
    UpgradeStatus,
)
from membership.extensions import TIMELINE_CONTACT, TIMELINE_REQUEST, TimelineEntry
from membership.masking import mask_name
from membership.models import Customer, Level

NOTES_SHOWN = 120  # characters of a contact's notes on the timeline


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _contact_entries(customer: Customer, user: Any, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        contact_logs_visible_to(user)
        .filter(key_person__customer=customer)
        .select_related("group", "logged_by")
        .order_by("-contacted_at", "-id")
    )
    may_link = may_open(user, "keyaccounts:key_person_detail")
    for contact in rows if limit is None else rows[:limit]:
        title = _("%(channel)s by the account manager: %(occasion)s") % {
            "channel": _label(ContactChannel, contact.channel),
            "occasion": _label(CareOccasion, contact.occasion),
        }
        parts = [_("Group %(group)s") % {"group": contact.group.name}]
        if contact.person:
            parts.append(mask_name(contact.person))  # CUST-8
        if contact.notes:
            parts.append(Truncator(contact.notes).chars(NOTES_SHOWN))
        link = ""
        if may_link and contact.key_person_id:
            link = reverse("keyaccounts:key_person_detail", args=[contact.key_person_id])
        yield TimelineEntry(
            at=contact.contacted_at,
            kind=TIMELINE_CONTACT,
            title=title,
            detail=" · ".join(parts),
            link=link,
            actor=staff_name(contact.logged_by),
            rule="GROUP-4",
            key=f"keyaccounts.contact:{contact.pk:012d}",
        )


def _upgrade_entries(customer: Customer, user: Any, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        UpgradeRequestEvent.objects.filter(
            request__customer=customer,
            request__in=upgrade_requests_visible_to(user).values("pk"),
        )
        .select_related("request", "actor")
        .order_by("-at", "-id")
    )
    may_link = may_open(user, "keyaccounts:upgrade_detail")
    for event in rows if limit is None else rows[:limit]:
        values = {"level": _label(Level, event.request.requested_level)}
        titles: dict[str, str] = {
            UpgradeStatus.PENDING: _("Upgrade to %(level)s asked for"),
            UpgradeStatus.APPROVED: _("Upgrade to %(level)s approved"),
            UpgradeStatus.REJECTED: _("Upgrade to %(level)s rejected"),
            UpgradeStatus.WITHDRAWN: _("Upgrade to %(level)s withdrawn"),
        }
        title = titles.get(event.to_status, titles[UpgradeStatus.PENDING]) % values
        yield TimelineEntry(
            at=event.at,
            kind=TIMELINE_REQUEST,
            title=title,
            detail=Truncator(event.note).chars(NOTES_SHOWN) if event.note else "",
            link=(
                reverse("keyaccounts:upgrade_detail", args=[event.request_id]) if may_link else ""
            ),
            actor=staff_name(event.actor) if event.actor is not None else "",
            rule="TIER-7",
            key=f"keyaccounts.upgrade:{event.pk:012d}",
        )


def keyaccounts_timeline(
    customer: Customer, *, user: Any, kinds: Collection[str], limit: int | None
) -> list[TimelineEntry]:
    """CUST-11: contacts and upgrade requests of the customer as a key person (two LIMITed
    queries, scoped by ``keyaccounts.access``)."""
    found: list[TimelineEntry] = []
    if TIMELINE_CONTACT in kinds:
        found.extend(_contact_entries(customer, user, limit))
    if TIMELINE_REQUEST in kinds:
        found.extend(_upgrade_entries(customer, user, limit))
    return found
