"""SERVICE-1 reads: ticket classes, the hall board and the daily report."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from core import clock
from core.programme import programme
from membership.models import Brand, Customer
from membership.selectors.segments import snapshot_status
from servicedesk.models import (
    TICKET_LETTER,
    TICKET_PRIORITY,
    Hall,
    Ticket,
    TicketClass,
    TicketStatus,
)
from servicedesk.selectors.standing import grant_levels


def ticket_class_for(customer: Customer | None, on: date) -> str:
    """SERVICE-1: VIP (any level, limited grants included — the green channel of TIER-7 —
    and snapshot mid-high-end), then gotone, then everybody else."""
    if customer is None:
        return TicketClass.OTHER
    _full, any_level = grant_levels(customer, on)
    if any_level is not None or snapshot_status(customer, on) is not None:
        return TicketClass.VIP
    if customer.brand == Brand.GOTONE:
        return TicketClass.GOTONE
    return TicketClass.OTHER


def wait_limits_seconds() -> dict[str, int]:
    """SERVICE-1: the longest wait by class, in seconds (programme QUEUE_WAIT_LIMITS)."""
    return {key: int(minutes) * 60 for key, minutes in programme("QUEUE_WAIT_LIMITS").items()}


def wait_state(ticket_class: str, seconds: int) -> str:
    """ok / warn / bad against the class's limit (the board's colours)."""
    limit = wait_limits_seconds()[ticket_class]
    if seconds > limit:
        return "bad"
    if seconds * 100 >= limit * int(programme("QUEUE_WARN_PERCENT")):
        return "warn"
    return "ok"


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """CONV-4: the start of ``day`` and of the next day in the programme's time zone."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
    return start, end


def hall_board(hall: Hall, now: datetime | None = None) -> dict[str, Any]:
    """What the hall's screen shows: who waits in which class and for how long, who was
    just called to which desk. Two queries."""
    now = now or clock.now()
    limits = wait_limits_seconds()
    today = timezone.localdate(now)
    waiting_rows = list(
        Ticket.objects.filter(hall=hall, day=today, status=TicketStatus.WAITING)
        .order_by("-priority", "issued_at", "id")
        .values("number", "ticket_class", "issued_at")
    )
    classes = []
    for ticket_class in sorted(TicketClass.values, key=lambda c: -TICKET_PRIORITY[c]):
        tickets = []
        for row in waiting_rows:
            if row["ticket_class"] != ticket_class:
                continue
            seconds = max(0, int((now - row["issued_at"]).total_seconds()))
            tickets.append(
                {
                    "number": row["number"],
                    "wait_minutes": seconds // 60,
                    "state": wait_state(ticket_class, seconds),
                }
            )
        classes.append(
            {
                "class": ticket_class,
                "label": str(TicketClass(ticket_class).label),
                "limit_minutes": limits[ticket_class] // 60,
                "tickets": tickets,
            }
        )
    called = list(
        Ticket.objects.filter(
            hall=hall,
            status__in=(TicketStatus.CALLED, TicketStatus.SERVED),
            day=today,
        )
        .order_by("-called_at", "-id")
        .values("number", "desk", "ticket_class", "wait_seconds")[:6]
    )
    return {
        "hall": {"code": hall.code, "name": hall.name},
        "now": timezone.localtime(now).strftime("%H:%M:%S"),
        "waiting": len(waiting_rows),
        "classes": classes,
        "called": [
            {
                "number": row["number"],
                "desk": row["desk"],
                "state": wait_state(row["ticket_class"], row["wait_seconds"] or 0),
            }
            for row in called
        ],
    }


def visit_ticket(hall_id: int, msisdn: str, on: date) -> Ticket | None:
    """D-DESK-20: the customer's latest ticket of day ``on`` in the clerk's hall, for the
    desk card's visit box — one query on the ``(day, hall, issued_at)`` index."""
    return (
        Ticket.objects.filter(day=on, hall_id=hall_id, msisdn=msisdn)
        .order_by("-issued_at", "-id")
        .first()
    )


def queue_daily_report(day: date, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """SERVICE-1: per hall and class, the day's tickets, waits and breaches — one query.

    A breach is a ticket called after its class's limit, or (while the day runs) a ticket
    still waiting beyond it. Waits are from identification (the ticket) to the call.
    """
    now = now or clock.now()
    limits = wait_limits_seconds()
    breach = Q()
    for ticket_class, limit in limits.items():
        breach |= Q(ticket_class=ticket_class) & (
            Q(wait_seconds__gt=limit)
            | Q(status=TicketStatus.WAITING, issued_at__lt=now - timedelta(seconds=limit))
        )
    rows = (
        Ticket.objects.filter(day=day)
        .values("hall_id", "hall__code", "hall__name", "ticket_class", "priority")
        .annotate(
            issued=Count("id"),
            called=Count("id", filter=Q(wait_seconds__isnull=False)),
            waiting=Count("id", filter=Q(status=TicketStatus.WAITING)),
            served=Count("id", filter=Q(status=TicketStatus.SERVED)),
            left=Count("id", filter=Q(status=TicketStatus.CANCELLED, wait_seconds__isnull=True)),
            avg_wait=Avg("wait_seconds"),
            max_wait=Max("wait_seconds"),
            breaches=Count("id", filter=breach),
        )
        .order_by("hall__code", "-priority")
    )
    report = []
    for row in rows:
        report.append(
            {
                **row,
                "label": TicketClass(row["ticket_class"]).label,
                "limit_minutes": limits[row["ticket_class"]] // 60,
                "avg_wait_minutes": round((row["avg_wait"] or 0) / 60, 1),
                "max_wait_minutes": round((row["max_wait"] or 0) / 60, 1),
                "breach_percent": round(100 * row["breaches"] / row["issued"], 1)
                if row["issued"]
                else 0,
            }
        )
    return report


# D-CUST-9: a ticket number typed in the counter's search box, as membership's resolver
# reads it (upper-cased): a class letter and the day's sequence.
TICKET_NUMBER_PATTERN = r"^[" + "".join(TICKET_LETTER.values()) + r"]\d{3,5}$"


def ticket_customer_ids(user: Any, number: str, on: date) -> list[int]:
    """D-CUST-9: the customers holding ticket ``number`` on day ``on`` (each hall numbers
    its own tickets, and staff are not tied to one hall, so it may be several); tickets of
    an unknown number name no customer. Served by the (day, hall, issued_at) index."""
    return list(
        Ticket.objects.filter(day=on, number=number, customer__isnull=False)
        .values_list("customer_id", flat=True)
        .distinct()
    )


def hall_tickets(
    hall: Hall, day: date, *, q: str = "", status: str = "", ticket_class: str = ""
) -> QuerySet[Ticket]:
    """The hall desk's list (D-HOUSE-10): the hall's tickets of ``day`` in the order they
    were issued, on the ``(day, hall, issued_at)`` index. ``q`` is a ticket number (V012)
    or digits of a phone number; ``status`` and ``ticket_class`` narrow to one of theirs."""
    rows = Ticket.objects.filter(day=day, hall=hall).order_by("issued_at", "id")
    term = q.strip().upper()
    if re.fullmatch(TICKET_NUMBER_PATTERN, term):
        rows = rows.filter(number=term)
    elif term:
        digits = "".join(ch for ch in term if ch.isdigit())
        rows = rows.filter(msisdn__contains=digits) if digits else rows.none()
    if status in TicketStatus.values:
        rows = rows.filter(status=status)
    if ticket_class in TicketClass.values:
        rows = rows.filter(ticket_class=ticket_class)
    return rows


def hall_search(*, q: str = "", state: str = "") -> QuerySet[Hall]:
    """The halls list (D-HOUSE-10, a small table): ``q`` in the name, city or code;
    ``state`` open or closed."""
    rows = Hall.objects.all()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(code__icontains=q))
    if state in ("open", "closed"):
        rows = rows.filter(active=state == "open")
    return rows
