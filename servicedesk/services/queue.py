"""SERVICE-1: issuing, calling and serving queue tickets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.validators import normalise_msisdn
from membership.models import Customer
from servicedesk.models import (
    TICKET_LETTER,
    TICKET_PRIORITY,
    TICKET_TRANSITIONS,
    Hall,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from servicedesk.selectors.queue import ticket_class_for


def _record(ticket: Ticket, from_status: str, to_status: str, actor: Any, at: datetime) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=recorded_actor(actor),
    )


@transaction.atomic
def ticket_issue(*, hall: Hall, msisdn: str, actor: Any, at: datetime | None = None) -> Ticket:
    """SERVICE-1: a ticket for the customer who identified with ``msisdn``.

    The class comes from the level (limited grants count: the green channel, TIER-7),
    the snapshot list and the brand; a number we do not know queues as "others". One
    waiting ticket per number and hall.
    """
    try:
        number = normalise_msisdn(msisdn)
    except Exception as exc:
        raise DomainError(
            _("“%(value)s” is not a mobile number: 11 digits starting with 13–19 are expected.")
            % {"value": msisdn}
        ) from exc
    if not hall.active:
        raise DomainError(_("The hall %(hall)s is closed.") % {"hall": hall.name})
    at = at or clock.now()
    day = timezone.localdate(at)
    hall = Hall.objects.select_for_update().get(pk=hall.pk)  # serialises numbering per hall
    waiting = Ticket.objects.filter(
        hall=hall, day=day, msisdn=number, status=TicketStatus.WAITING
    ).first()
    if waiting is not None:
        raise DomainError(
            _("%(msisdn)s already holds ticket %(ticket)s, still waiting.")
            % {"msisdn": number, "ticket": waiting.number}
        )
    customer = Customer.objects.filter(msisdn=number).first()
    ticket_class = ticket_class_for(customer, timezone.localdate(at))
    letter = TICKET_LETTER[ticket_class]
    sequence = Ticket.objects.filter(hall=hall, day=day, ticket_class=ticket_class).count() + 1
    ticket = Ticket.objects.create(
        hall=hall,
        day=day,
        number=f"{letter}{sequence:03d}",
        ticket_class=ticket_class,
        priority=TICKET_PRIORITY[ticket_class],
        msisdn=number,
        customer=customer,
        issued_at=at,
        issued_by=recorded_actor(actor),
    )
    _record(ticket, "", TicketStatus.WAITING, actor, at)
    return ticket


@transaction.atomic
def ticket_call_next(
    *, hall: Hall, actor: Any, desk: str = "", at: datetime | None = None
) -> Ticket | None:
    """SERVICE-1: the highest class first, then the longest waiting; None if nobody waits.

    On PostgreSQL the candidate row is locked with SKIP LOCKED, so two clerks pressing
    "call next" at the same moment get two different tickets; everywhere the move itself is
    a conditional UPDATE (still waiting → called), so a ticket is never called twice.
    """
    at = at or clock.now()
    # Today's queue only: a ticket left waiting on an earlier day is not called any more.
    waiting = Ticket.objects.filter(
        hall=hall, day=timezone.localdate(at), status=TicketStatus.WAITING
    ).order_by("-priority", "issued_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True)
    for _attempt in range(20):
        candidate = waiting.values("pk", "issued_at").first()
        if candidate is None:
            return None
        wait = max(0, int((at - candidate["issued_at"]).total_seconds()))
        called = Ticket.objects.filter(pk=candidate["pk"], status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED,
            called_at=at,
            wait_seconds=wait,
            called_by=recorded_actor(actor),
            desk=desk[:16],
        )
        if called:
            ticket = Ticket.objects.get(pk=candidate["pk"])
            _record(ticket, TicketStatus.WAITING, TicketStatus.CALLED, actor, at)
            return ticket
    raise DomainError(_("The queue is busy; try again."))


@transaction.atomic
def ticket_set_status(
    *, ticket: Ticket, status: str, actor: Any, at: datetime | None = None
) -> Ticket:
    """Serve or cancel a ticket, if the state machine allows it."""
    at = at or clock.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if status not in TICKET_TRANSITIONS.get(ticket.status, frozenset()):
        raise DomainError(
            _("Ticket %(ticket)s is %(current)s and cannot become %(new)s.")
            % {
                "ticket": ticket.number,
                "current": TicketStatus(ticket.status).label,
                "new": TicketStatus(status).label if status in TicketStatus.values else status,
            }
        )
    previous = ticket.status
    ticket.status = status
    update = ["status"]
    if status == TicketStatus.SERVED:
        ticket.served_at = at
        update.append("served_at")
    ticket.save(update_fields=update)
    _record(ticket, previous, status, actor, at)
    return ticket
