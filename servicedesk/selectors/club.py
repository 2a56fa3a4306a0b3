"""SERVICE-13: what the club-event screens read: the events, those open for sign-up, an
event's sign-ups (searched, paged, exported) and a customer's sign-ups."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q, QuerySet

from membership.models import Customer
from servicedesk.models import ClubEvent, ClubEventKind, ClubSignup, SignupStatus


def club_events(
    *, q: str = "", kind: str = "", when: str = "", now: datetime | None = None
) -> QuerySet[ClubEvent]:
    """The events, the latest first (a small table, D-HOUSE-10): ``q`` in the title or the
    place, ``kind`` one kind, ``when`` ``upcoming`` (not begun at ``now``) or ``past``."""
    rows = ClubEvent.objects.select_related("created_by").order_by("-starts_at", "-id")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(place__icontains=q))
    if kind in ClubEventKind.values:
        rows = rows.filter(kind=kind)
    if when == "upcoming" and now is not None:
        rows = rows.filter(starts_at__gt=now)
    elif when == "past" and now is not None:
        rows = rows.filter(starts_at__lte=now)
    return rows


def events_open_for_signup(now: datetime, today: date) -> QuerySet[ClubEvent]:
    """Events not begun whose sign-up deadline is today or later, the soonest first."""
    return ClubEvent.objects.filter(starts_at__gt=now, signup_deadline__gte=today).order_by(
        "starts_at", "id"
    )


def event_signups(event: ClubEvent, *, number: str = "", status: str = "") -> QuerySet[ClubSignup]:
    """An event's sign-ups with their customers in one query, in sign-up order (on the
    ``(event, created_at)`` index); ``number`` narrows to phone numbers containing those
    digits, ``status`` to one status."""
    rows = event.signups.select_related("customer", "created_by").order_by("created_at", "id")
    if number:
        rows = rows.filter(customer__msisdn__contains=number)
    if status in SignupStatus.values:
        rows = rows.filter(status=status)
    return rows


def customer_signups(customer: Customer, *, limit: int = 10) -> list[ClubSignup]:
    """A customer's latest sign-ups with their events (the desk card), one query."""
    return list(
        customer.club_signups.select_related("event").order_by("-created_at", "-id")[:limit]
    )
