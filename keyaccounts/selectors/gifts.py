"""SERVICE-14: the VIP customers' birthday gifts — which are open, whose they are (the
customer's current personal account manager, SERVICE-8) and which are overdue; set-based
reads (one query per list, whatever its size)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from keyaccounts.models import BirthdayGift, GiftStatus
from keyaccounts.selectors.personal import current_assignments

OPEN_STATUSES = (GiftStatus.DUE, GiftStatus.UNREACHABLE, GiftStatus.CONTACTED)
UNASSIGNED = "none"  # the supervisors' filter for gifts of customers without a manager


def overdue_condition(today: date, now: datetime) -> Q:
    """SERVICE-14 (D-GROUP-9): not confirmed with the customer once the contact day (3 days
    before the birthday) is over, or confirmed and not delivered once the agreed delivery
    time is past."""
    return Q(status__in=(GiftStatus.DUE, GiftStatus.UNREACHABLE), contact_by__lt=today) | Q(
        status=GiftStatus.CONTACTED, deliver_at__lt=now
    )


def gifts_annotated(rows: QuerySet[BirthdayGift], today: date, now: datetime) -> QuerySet[Any]:
    """Gifts with ``manager_id`` (the customer's current personal account manager, or
    None), ``manager_username`` and ``overdue``."""
    current = current_assignments().filter(customer_id=OuterRef("customer_id"))
    return rows.select_related("customer", "contacted_by", "delivered_by", "closed_by").annotate(
        manager_id=Subquery(current.values("manager_id")[:1]),
        manager_username=Subquery(current.values("manager__username")[:1]),
        overdue=ExpressionWrapper(overdue_condition(today, now), output_field=BooleanField()),
    )


def open_gifts_of_manager(manager: Any) -> QuerySet[BirthdayGift]:
    """SERVICE-14: the open gifts of ``manager``'s current personal customers, soonest
    contact day first."""
    mine = current_assignments().filter(manager=manager).values("customer_id")
    return BirthdayGift.objects.filter(status__in=OPEN_STATUSES, customer_id__in=mine).order_by(
        "contact_by", "customer__msisdn"
    )


def gift_search(
    rows: QuerySet[BirthdayGift],
    *,
    today: date,
    now: datetime,
    status: str = "",
    manager: str = "",
    birthday_from: date | None = None,
    birthday_to: date | None = None,
    overdue_only: bool = False,
    msisdn: str = "",
) -> QuerySet[Any]:
    """SERVICE-14: the supervisors' list: ``rows`` narrowed by status (``open`` for every
    open one), manager (an id, or ``none`` for customers without one), birthday range,
    overdue and number prefix; by contact day."""
    found: QuerySet[Any] = gifts_annotated(rows, today, now)
    if status == "open":
        found = found.filter(status__in=OPEN_STATUSES)
    elif status in GiftStatus.values:
        found = found.filter(status=status)
    if manager == UNASSIGNED:
        found = found.filter(manager_id__isnull=True)
    elif manager.isdigit():
        found = found.filter(manager_id=int(manager))
    if birthday_from is not None:
        found = found.filter(birthday__gte=birthday_from)
    if birthday_to is not None:
        found = found.filter(birthday__lte=birthday_to)
    if overdue_only:
        found = found.filter(overdue_condition(today, now))
    if msisdn:
        found = found.filter(customer__msisdn__startswith=msisdn)
    return found.order_by(F("contact_by").desc(), "customer__msisdn")


def csv_header() -> list[str]:
    return [
        "msisdn",
        "birthday",
        "contact_by",
        "status",
        "overdue",
        "manager",
        "gift",
        "deliver_at",
        "address",
        "contacted_via",
        "contacted_by",
        "delivered_via",
        "third_party",
        "delivered_on",
        "note",
    ]


def csv_rows(rows: QuerySet[Any]) -> Any:
    """SERVICE-14: the CSV export's rows (stable English column names and codes, the same
    in every UI language), streamed."""
    for g in rows.iterator(chunk_size=2000):
        yield [
            g.customer.msisdn,
            g.birthday.isoformat(),
            g.contact_by.isoformat(),
            g.status,
            "yes" if g.overdue else "no",
            g.manager_username or "",
            g.gift,
            g.deliver_at.isoformat() if g.deliver_at else "",
            g.address,
            g.contacted_via,
            g.contacted_by.get_username() if g.contacted_by else "",
            g.delivered_via,
            g.delivered_by_name,
            g.delivered_on.isoformat() if g.delivered_on else "",
            g.note,
        ]
