"""CUST-11: the service desk on the member timeline (registered in ``ServicedeskConfig.ready``).

Service requests and each move of their status, queue tickets served, birthday waivers —
each read newest first with a LIMIT, so a page never loads a long history.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import may_open
from core.roles import staff_name
from membership.extensions import TIMELINE_REQUEST, TimelineEntry
from membership.models import Customer
from servicedesk.models import (
    BirthdayWaiver,
    RequestKind,
    RequestStatus,
    ServiceRequestEvent,
    Ticket,
    TicketStatus,
)

# The rule of each kind of request (the entitlements of SERVICE-2 otherwise).
REQUEST_RULES: dict[str, str] = {
    RequestKind.EMERGENCY_REACTIVATION: "SERVICE-3",
    RequestKind.LATE_FEE_WAIVER: "SERVICE-4",
    RequestKind.HOLIDAY_OPT_OUT: "SERVICE-5",
    RequestKind.DELAYED_SUSPENSION: "SERVICE-10",
}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _request_entries(customer: Customer, user: Any, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        ServiceRequestEvent.objects.filter(request__customer=customer)
        .select_related("request", "actor")
        .order_by("-at", "-id")
    )
    may_link = may_open(user, "servicedesk:request_detail")
    for event in rows if limit is None else rows[:limit]:
        request = event.request
        values = {
            "kind": _label(RequestKind, request.kind),
            "status": _label(RequestStatus, event.to_status),
        }
        if not event.from_status:
            title = _("Service request registered: %(kind)s") % values
        else:
            title = _("Service request %(kind)s: %(status)s") % values
        detail = event.note
        if event.to_status == RequestStatus.REFUSED and request.refusal_reason:
            detail = request.refusal_reason
        yield TimelineEntry(
            at=event.at,
            kind=TIMELINE_REQUEST,
            title=title,
            detail=detail,
            link=reverse("servicedesk:request_detail", args=[request.pk]) if may_link else "",
            actor=staff_name(event.actor) if event.actor is not None else "",
            rule=REQUEST_RULES.get(request.kind, "SERVICE-2"),
            key=f"servicedesk.request:{event.pk:012d}",
        )


def _ticket_entries(customer: Customer, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        Ticket.objects.filter(customer=customer, status=TicketStatus.SERVED)
        .select_related("hall", "called_by")
        .order_by("-served_at", "-id")
    )
    for ticket in rows if limit is None else rows[:limit]:
        at = ticket.served_at or ticket.called_at or ticket.issued_at
        minutes = (ticket.wait_seconds or 0) // 60
        yield TimelineEntry(
            at=at,
            kind=TIMELINE_REQUEST,
            title=_("Served at %(hall)s with ticket %(number)s")
            % {"hall": ticket.hall.name, "number": ticket.number},
            detail=_("Waited %(minutes)s minutes.") % {"minutes": minutes},
            actor=staff_name(ticket.called_by) if ticket.called_by is not None else "",
            rule="SERVICE-1",
            key=f"servicedesk.ticket:{ticket.pk:012d}",
        )


def _waiver_entries(customer: Customer, limit: int | None) -> Iterable[TimelineEntry]:
    rows = BirthdayWaiver.objects.filter(customer=customer).order_by("-created_at", "-id")
    for waiver in rows if limit is None else rows[:limit]:
        yield TimelineEntry(
            at=waiver.created_at,
            kind=TIMELINE_REQUEST,
            title=_("Birthday waiver: %(amount)s yuan of basic fees waived")
            % {"amount": waiver.amount},
            detail=_("Birthday of %(day)s.") % {"day": waiver.date.isoformat()},
            rule="SERVICE-6",
            key=f"servicedesk.waiver:{waiver.pk:012d}",
        )


def servicedesk_timeline(
    customer: Customer, *, user: Any, kinds: Collection[str], limit: int | None
) -> list[TimelineEntry]:
    """CUST-11: the customer's requests, visits and waivers (three LIMITed queries)."""
    if TIMELINE_REQUEST not in kinds:
        return []
    return [
        *_request_entries(customer, user, limit),
        *_ticket_entries(customer, limit),
        *_waiver_entries(customer, limit),
    ]
