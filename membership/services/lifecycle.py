"""The life of a line: ownership transfer, number change, cross-region move (CUST-6/7).

The customer row is the line: every change below updates that one row, so its join date
(tenure, CUST-3), its points (kept by the points ledger against the row) and its history
move with it. Each change is recorded as a ``CustomerEvent`` and announced with
``membership.signals.customer_moved`` inside the same transaction.

CUST-8: full names and ID numbers never reach the logs, and the events store them masked
(Decision D-CUST-6); the full values before a transfer stay in the customer's history table,
which only supervisors reach (through the admin).
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.validators import normalise_msisdn
from membership.masking import mask_id, mask_name
from membership.models import Brand, Customer, CustomerEvent, GrantSource, LevelGrant, Status
from membership.selectors.levels import customer_grants_on
from membership.services.customers import customer_leave_gotone
from membership.services.grants import grant_create
from membership.signals import customer_moved

logger = logging.getLogger(__name__)

# A resident ID number (GB 11643): 17 digits and a check character (a digit or X).
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
NAME_MAX_LENGTH = Customer._meta.get_field("name").max_length or 64
PLACE_MAX_LENGTH = Customer._meta.get_field("city").max_length or 32


def id_number_birth_date(id_number: str) -> date:
    """The holder's birth date from an 18-character resident ID number, or DomainError.

    The check character is verified, so that a mistyped digit is caught at the counter.
    """
    if not ID_NUMBER_RE.match(id_number):
        raise DomainError(_("A national ID number has 18 characters: 17 digits and a digit or X."))
    expected = ID_CHECK[sum(int(d) * w for d, w in zip(id_number, ID_WEIGHTS, strict=False)) % 11]
    if id_number[-1] != expected:
        raise DomainError(_("This national ID number does not check out; please type it again."))
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError as exc:
        raise DomainError(
            _("The birth date inside this national ID number is not a date.")
        ) from exc


def _locked(customer: Customer) -> Customer:
    """The customer row, locked for the change; a cancelled line changes no more."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.status == Status.CANCELLED:
        raise DomainError(
            _("The line %(msisdn)s is cancelled; it can no longer change.")
            % {"msisdn": locked.msisdn}
        )
    return locked


def _new_number(customer: Customer, raw: str, *, allow_same: bool = False) -> str:
    """CUST-1 and CUST-6: a valid mobile number no other line holds."""
    try:
        msisdn = normalise_msisdn(raw)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_msisdn") from exc
    if msisdn == customer.msisdn and not allow_same:
        raise DomainError(_("The line already has the number %(msisdn)s.") % {"msisdn": msisdn})
    if Customer.objects.filter(msisdn=msisdn).exclude(pk=customer.pk).exists():
        raise DomainError(
            _("The number %(msisdn)s belongs to another line.") % {"msisdn": msisdn},
            code="msisdn_taken",
        )
    return msisdn


def _save(customer: Customer, fields: list[str], actor: Any) -> None:
    """Save the changed fields; a number taken meanwhile by another line is a DomainError."""
    customer._history_user = recorded_actor(actor)  # type: ignore[attr-defined]  # simple_history
    try:
        with transaction.atomic():
            customer.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        raise DomainError(_("The number was just given to another line; try another.")) from exc


def _record(
    *, customer: Customer, kind: str, before: dict[str, Any], after: dict[str, Any], actor: Any
) -> CustomerEvent:
    event = CustomerEvent.objects.create(
        customer=customer,
        kind=kind,
        before=before,
        after=after,
        at=clock.now(),
        actor=recorded_actor(actor),
    )
    customer_moved.send(
        sender=Customer, customer=customer, event=event, actor=recorded_actor(actor)
    )
    return event


@transaction.atomic
def customer_transfer_ownership(
    *, customer: Customer, new_name: str, new_id_number: str, actor: Any
) -> CustomerEvent:
    """CUST-6 过户: a new holder for the line; points, tenure and history stay with it.

    The birth date (used by birthday privileges) becomes the new holder's, read from the
    ID number.
    """
    name = (new_name or "").strip()
    id_number = re.sub(r"\s", "", new_id_number or "").upper()
    if not name:
        raise DomainError(_("Enter the new holder's name."))
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(_("A name has at most %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    birth_date = id_number_birth_date(id_number)
    customer = _locked(customer)
    if name == customer.name and id_number == customer.id_number:
        raise DomainError(_("The new holder is the current holder; nothing to transfer."))
    before = {"name": mask_name(customer.name), "id_number": mask_id(customer.id_number)}
    customer.name = name
    customer.id_number = id_number
    customer.birth_date = birth_date
    _save(customer, ["name", "id_number", "birth_date"], actor)
    event = _record(
        customer=customer,
        kind=CustomerEvent.Kind.OWNERSHIP_TRANSFER,
        before=before,
        after={"name": mask_name(name), "id_number": mask_id(id_number)},
        actor=actor,
    )
    logger.info("ownership transfer: customer=%s event=%s", customer.msisdn, event.pk)  # CUST-8
    return event


@transaction.atomic
def customer_change_number(*, customer: Customer, new_msisdn: str, actor: Any) -> CustomerEvent:
    """CUST-6 换号: the same line (points, tenure, level, history) under a new number;
    the join date stays, so tenure carries over (CUST-3)."""
    customer = _locked(customer)
    msisdn = _new_number(customer, new_msisdn)
    old = customer.msisdn
    customer.msisdn = msisdn
    _save(customer, ["msisdn"], actor)
    event = _record(
        customer=customer,
        kind=CustomerEvent.Kind.NUMBER_CHANGE,
        before={"msisdn": old},
        after={"msisdn": msisdn},
        actor=actor,
    )
    logger.info("number change: %s → %s event=%s", old, msisdn, event.pk)
    return event


def rating_year_end(on: date) -> date:
    """TIER-4/TIER-8: the last day of the rating year holding ``on`` (1 Feb – 31 Jan).

    A day in January belongs to the rating year that ends on 31 January of the same year
    (Decision D-TIER-8).
    """
    return date(on.year if on.month == 1 else on.year + 1, 1, 31)


@transaction.atomic
def customer_move_region(
    *,
    customer: Customer,
    new_msisdn: str,
    province: str,
    city: str,
    brand: str | None = None,
    actor: Any,
    on: date | None = None,
) -> CustomerEvent:
    """CUST-7 跨区入网: the line moves to another region, usually with a new number.

    The join date and points carry because the row is the same. TIER-8: the level held on
    the day of the move is kept until the end of the rating year by a ``retained`` grant.
    TIER-9: a move that leaves the gotone brand ends the annual and plan grants first, and
    only what survives that is retained (Decision D-TIER-8).
    """
    province = (province or "").strip()
    city = (city or "").strip()
    if not province or not city:
        raise DomainError(_("Enter the province and city the line moves to."))
    if len(province) > PLACE_MAX_LENGTH or len(city) > PLACE_MAX_LENGTH:
        raise DomainError(
            _("A province or city has at most %(max)s characters.") % {"max": PLACE_MAX_LENGTH}
        )
    if brand is not None and brand not in Brand.values:
        raise DomainError(_("Unknown brand “%(brand)s”.") % {"brand": brand})
    customer = _locked(customer)
    if (province, city) == (customer.province, customer.city):
        raise DomainError(
            _("The line is already in %(province)s %(city)s; a move needs a new region.")
            % {"province": province, "city": city}
        )
    msisdn = _new_number(customer, new_msisdn, allow_same=True)
    on = on or clock.today()
    new_brand = brand or customer.brand
    before = {
        "msisdn": customer.msisdn,
        "province": customer.province,
        "city": customer.city,
        "brand": customer.brand,
    }

    if customer.brand == Brand.GOTONE and new_brand != Brand.GOTONE:  # TIER-9
        customer_leave_gotone(customer=customer, last_day=on - timedelta(days=1), actor=actor)

    customer.msisdn = msisdn
    customer.province = province
    customer.city = city
    customer.brand = new_brand
    _save(customer, ["msisdn", "province", "city", "brand"], actor)

    winner: LevelGrant | None = customer_grants_on(customer, on).first()  # TIER-2
    after: dict[str, Any] = {
        "msisdn": msisdn,
        "province": province,
        "city": city,
        "brand": new_brand,
        "retained_level": winner.level if winner else None,
    }
    event = CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEvent.Kind.REGION_MOVE,
        before=before,
        after=after,
        at=clock.now(),
        actor=recorded_actor(actor),
    )
    if winner is not None:  # TIER-8
        grant = grant_create(
            customer=customer,
            level=winner.level,
            source=GrantSource.RETAINED,
            valid_from=on,
            valid_until=rating_year_end(on),
            cause=event,
            actor=actor,
            reason="TIER-8: level retained on a cross-region move",
            limited=winner.limited,
        )
        event.after = {**after, "retained_grant": grant.pk}
        event.save(update_fields=["after"])
    customer_moved.send(
        sender=Customer, customer=customer, event=event, actor=recorded_actor(actor)
    )
    logger.info("cross-region move: %s → %s event=%s", before["msisdn"], msisdn, event.pk)
    return event
