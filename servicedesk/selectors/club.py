"""SERVICE-13: what the club-event screens read: the events, those open for sign-up, an
event's sign-ups (searched, paged, exported) and a customer's sign-ups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.db.models import QuerySet

from membership.masking import mask_name
from membership.models import Customer
from servicedesk.models import ClubEvent, ClubSignup, SignupStatus


def club_events() -> QuerySet[ClubEvent]:
    """Every event, the latest first."""
    return ClubEvent.objects.select_related("created_by")


def events_open_for_signup(now: datetime, today: date) -> QuerySet[ClubEvent]:
    """Events not begun whose sign-up deadline is today or later, the soonest first."""
    return ClubEvent.objects.filter(starts_at__gt=now, signup_deadline__gte=today).order_by(
        "starts_at", "id"
    )


def event_signups(event: ClubEvent, *, number: str = "", status: str = "") -> QuerySet[ClubSignup]:
    """An event's sign-ups with their customers in one query, in sign-up order; ``number``
    narrows to phone numbers containing those digits, ``status`` to one status."""
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


CSV_HEADER = ("msisdn", "name", "line_status", "status", "signed_up_at", "closed_at")


def signup_csv_rows(rows: QuerySet[ClubSignup], *, reveal: bool) -> Iterator[list[str]]:
    """SERVICE-13: the export's rows; the name masked (CUST-8) unless ``reveal`` (a
    supervisor's explicit request, D-DESK-19). Read in chunks, never the list whole."""
    for signup in rows.iterator(chunk_size=500):
        name = signup.customer.name if reveal else mask_name(signup.customer.name)
        yield [
            signup.customer.msisdn,
            name,
            signup.customer.status,
            signup.status,
            signup.created_at.isoformat(timespec="minutes"),
            signup.closed_at.isoformat(timespec="minutes") if signup.closed_at else "",
        ]
