"""SERVICE-14: the VIP customers' birthday gifts 生日礼物 — the daily job that opens them
and each step a manager records (confirmed with the customer, delivered, declined, not
reached). D-GROUP-9.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Case, DateField, Exists, F, IntegerField, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.programme import programme
from core.roles import is_supervisor
from core.sql import analyze_tables, insert_select
from core.states import state_move
from keyaccounts.models import (
    BirthdayGift,
    GiftContactBy,
    GiftDeliveredBy,
    GiftStatus,
    KeyPerson,
)
from keyaccounts.selectors.personal import current_assignments, customers_with_eligibility
from membership.models import Customer
from membership.selectors.birthdays import birthday_filter

audit = logging.getLogger("keyaccounts.audit")


def gift_days_before() -> int:
    """SERVICE-14: the customer is contacted this many days before the birthday (the
    source's 3, the same setting as the key persons' gift, GROUP-4)."""
    return max(int(programme("CARE_BIRTHDAY_GIFT_DAYS_BEFORE")), 0)


def _opened_history(since_id: int, now: datetime) -> int:
    """The history's first row (``+``) of each gift the job opened: one INSERT … SELECT
    (the job writes around the model's save, so simple-history does not see it)."""
    history = BirthdayGift.history.model
    columns: dict[str, Any] = {
        field.name: F(field.attname) for field in BirthdayGift._meta.concrete_fields
    }
    columns |= {"history_date": Value(now), "history_type": Value("+")}
    source = BirthdayGift.objects.filter(pk__gt=since_id).order_by()
    return insert_select(history, columns, source)


@transaction.atomic
def birthday_gifts_open(*, day: date) -> int:
    """SERVICE-14: open the birthday gift of every VIP customer with a personal account
    manager whose birthday is in ``gift_days_before()`` days from ``day`` — and, so that a
    missed run or a manager assigned late loses nobody, of the birthdays between ``day``
    and then that have none yet (D-GROUP-9). 29 February birthdays are on 28 February in
    other years (``birthday_filter``).

    The customer must be eligible on ``day`` (SERVICE-8: diamond, platinum, gold or five
    credit stars, line not cancelled), have a current personal manager and not be a current
    key person (their birthday is the group's care, GROUP-4). One gift per customer and
    birthday year: a second run opens nothing. One INSERT … SELECT for the gifts, one for
    their history rows, then ANALYZE (PostgreSQL). Returns how many were opened."""
    if day > clock.today():
        raise DomainError(
            _("Birthday gifts are opened on the day, not ahead of it; %(day)s has not come.")
            % {"day": day.isoformat()}
        )
    ahead = gift_days_before()
    days = [day + timedelta(days=n) for n in range(ahead + 1)]
    birthday = Case(
        *(When(birthday_filter(d), then=Value(d)) for d in days), output_field=DateField()
    )
    contact_by = Case(
        *(When(birthday_filter(d), then=Value(d - timedelta(days=ahead))) for d in days),
        output_field=DateField(),
    )
    year = Case(
        *(When(birthday_filter(d), then=Value(d.year)) for d in days),
        output_field=IntegerField(),
    )
    candidates = customers_with_eligibility(
        day, Customer.objects.filter(reduce(or_, (birthday_filter(d) for d in days)))
    )
    source = (
        candidates.filter(eligible=True)
        .filter(Exists(current_assignments().filter(customer_id=OuterRef("pk"))))
        .exclude(Exists(KeyPerson.objects.filter(customer_id=OuterRef("pk"), ended_at=None)))
        .annotate(gift_birthday=birthday, gift_contact_by=contact_by, gift_year=year)
        .exclude(
            Exists(
                BirthdayGift.objects.filter(customer_id=OuterRef("pk"), year=OuterRef("gift_year"))
            )
        )
        .order_by()
    )
    now = clock.now()
    last_id = BirthdayGift.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    opened = insert_select(
        BirthdayGift,
        {
            "customer": F("id"),
            "year": F("gift_year"),
            "birthday": F("gift_birthday"),
            "contact_by": F("gift_contact_by"),
            "status": Value(GiftStatus.DUE.value),
            "opened_at": Value(now),
            **{name: Value("") for name in _BLANK_TEXT},
        },
        source,
    )
    if opened:
        _opened_history(last_id, now)
        # The statistics must see the day's rows before the next reads plan.
        analyze_tables(BirthdayGift, BirthdayGift.history.model)
    audit.info("birthday gifts opened: day=%s count=%s", day.isoformat(), opened)
    return opened


# The text columns a new gift starts empty (NOT NULL in the table).
_BLANK_TEXT = (
    "gift",
    "address",
    "contacted_via",
    "delivered_via",
    "delivered_by_name",
    "note",
)


def _check_may_record(gift: BirthdayGift, actor: Any) -> None:
    """The customer's current personal manager or a supervisor records a step."""
    if is_supervisor(actor):
        return
    if not current_assignments().filter(customer_id=gift.customer_id, manager=actor).exists():
        raise DomainError(
            _("Only the customer's personal account manager or a supervisor may record this."),
            code="forbidden",
        )


def gift_set_status(*, gift: BirthdayGift, status: str, actor: Any, values: dict[str, Any]) -> Any:
    """SERVICE-14: the one mover of a gift (``BirthdayGift.TRANSITIONS``): locks the row,
    checks who may, saves the status with ``values``; the history row is simple-history's
    (who and when). Returns that history row."""
    gift = BirthdayGift.objects.select_for_update().get(pk=gift.pk)
    _check_may_record(gift, actor)
    labels = dict(GiftStatus.choices)
    gift._history_user = actor  # type: ignore[attr-defined]  # simple-history's author
    row = state_move(
        gift,
        status,
        values=values,
        locked=True,
        refusal=_("A gift that is “%(from)s” cannot become “%(to)s”.")
        % {"from": labels[gift.status], "to": labels.get(status, status)},
        history=lambda: gift.history.order_by("-history_id").first(),
    )
    audit.info(
        "birthday gift %s: gift=%s customer=%s actor=%s",
        status,
        gift.pk,
        gift.customer_id,
        actor.pk,
    )
    return row


@transaction.atomic
def gift_contact(
    *,
    gift: BirthdayGift,
    actor: Any,
    via: str,
    chosen: str,
    deliver_at: datetime,
    address: str,
) -> Any:
    """SERVICE-14: the manager (or the phone manager, ``via``) confirmed with the customer
    the gift chosen, the delivery time and the address."""
    if via not in GiftContactBy.values:
        raise DomainError(_("Say who contacted the customer."))
    if not chosen.strip() or not address.strip():
        raise DomainError(_("Give the gift chosen and the delivery address."))
    if timezone.localdate(deliver_at) < clock.today():
        raise DomainError(_("The delivery time cannot be in the past."))
    return gift_set_status(
        gift=gift,
        status=GiftStatus.CONTACTED,
        actor=actor,
        values={
            "contacted_via": via,
            "gift": chosen.strip(),
            "deliver_at": deliver_at,
            "address": address.strip(),
            "contacted_at": clock.now(),
            "contacted_by": actor,
        },
    )


@transaction.atomic
def gift_deliver(
    *, gift: BirthdayGift, actor: Any, via: str, delivered_on: date, third_party: str = ""
) -> Any:
    """SERVICE-14: the gift was brought to the customer by the manager or a third party
    (named), on ``delivered_on`` (not in the future)."""
    if via not in GiftDeliveredBy.values:
        raise DomainError(_("Say who delivered the gift."))
    if via == GiftDeliveredBy.THIRD_PARTY and not third_party.strip():
        raise DomainError(_("Name the third party that delivered the gift."))
    if delivered_on > clock.today():
        raise DomainError(_("The delivery day cannot be in the future."))
    return gift_set_status(
        gift=gift,
        status=GiftStatus.DELIVERED,
        actor=actor,
        values={
            "delivered_via": via,
            "delivered_by_name": third_party.strip() if via == GiftDeliveredBy.THIRD_PARTY else "",
            "delivered_on": delivered_on,
            "delivered_by": actor,
        },
    )


@transaction.atomic
def gift_close(*, gift: BirthdayGift, actor: Any, status: str, note: str = "") -> Any:
    """SERVICE-14: the customer declined the gift, or could not be reached (who may try
    again later)."""
    if status not in (GiftStatus.DECLINED, GiftStatus.UNREACHABLE):
        raise DomainError(_("A gift is closed as declined or not reached."))
    return gift_set_status(
        gift=gift,
        status=status,
        actor=actor,
        values={"note": note.strip(), "closed_at": clock.now(), "closed_by": actor},
    )
