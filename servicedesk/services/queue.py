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
from core.states import MovedMeanwhile, state_move
from core.validators import normalise_msisdn
from membership.models import Customer
from servicedesk.models import (
    TICKET_LETTER,
    TICKET_PRIORITY,
    Hall,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from servicedesk.selectors.queue import ticket_class_for


def _record(
    ticket: Ticket, from_status: str, to_status: str, actor: Any, at: datetime
) -> TicketEvent:
    return TicketEvent.objects.create(
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
    a conditional UPDATE (still waiting → called: core.states.state_move), so a ticket is
    never called twice.
    """
    at = at or clock.now()
    # Today's queue only: a ticket left waiting on an earlier day is not called any more.
    waiting = Ticket.objects.filter(
        hall=hall, day=timezone.localdate(at), status=TicketStatus.WAITING
    ).order_by("-priority", "issued_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True)
    for _attempt in range(20):
        ticket = waiting.first()
        if ticket is None:
            return None
        if _call(ticket, actor=actor, desk=desk, at=at):
            return ticket
    raise DomainError(_("The queue is busy; try again."))


@transaction.atomic
def ticket_call(
    *, ticket: Ticket, actor: Any, desk: str = "", at: datetime | None = None
) -> Ticket:
    """SERVICE-1 (D-DESK-20): call this ticket from the customer's desk card — the customer
    is at the counter, e.g. the clerk just took the ticket for them. Only a ticket of today
    still waiting is called; the same conditional move as ``ticket_call_next``, so a ticket
    another clerk called meanwhile is refused, never called twice."""
    at = at or clock.now()
    if ticket.day != timezone.localdate(at):
        raise DomainError(
            _("Ticket %(ticket)s is not of today.") % {"ticket": ticket.number}, code="invalid"
        )
    if ticket.status != TicketStatus.WAITING or not _call(ticket, actor=actor, desk=desk, at=at):
        current = Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)
        raise DomainError(
            _("Ticket %(ticket)s is %(current)s and cannot be called.")
            % {"ticket": ticket.number, "current": TicketStatus(current).label},
            code="invalid",
        )
    ticket.refresh_from_db()
    return ticket


def _call(ticket: Ticket, *, actor: Any, desk: str, at: datetime) -> bool:
    """Waiting → called, unless another clerk called the ticket meanwhile (False)."""
    try:
        state_move(
            ticket,
            TicketStatus.CALLED,
            values={
                "called_at": at,
                "wait_seconds": max(0, int((at - ticket.issued_at).total_seconds())),
                "called_by": recorded_actor(actor),
                "desk": desk[:16],
            },
            history=lambda: _record(ticket, TicketStatus.WAITING, TicketStatus.CALLED, actor, at),
        )
    except MovedMeanwhile:
        return False
    return True


@transaction.atomic
def ticket_set_status(
    *, ticket: Ticket, status: str, actor: Any, at: datetime | None = None
) -> Ticket:
    """Serve or cancel a ticket, if the state machine allows it (core.states.state_move, on
    the row locked here)."""
    at = at or clock.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    origin = ticket.status
    state_move(
        ticket,
        status,
        values={"served_at": at} if status == TicketStatus.SERVED else {},
        locked=True,
        refusal=_("Ticket %(ticket)s is %(current)s and cannot become %(new)s.")
        % {
            "ticket": ticket.number,
            "current": TicketStatus(ticket.status).label,
            "new": TicketStatus(status).label if status in TicketStatus.values else status,
        },
        code="invalid",
        history=lambda: _record(ticket, origin, status, actor, at),
    )
    return ticket
