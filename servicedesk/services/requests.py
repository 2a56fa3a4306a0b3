"""Service requests: registering (with the entitlement check) and moving them along."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.states import state_check, state_move
from membership.models import Customer
from servicedesk.models import (
    Hall,
    RequestKind,
    RequestStatus,
    Reservation,
    ServiceRequest,
    ServiceRequestEvent,
)
from servicedesk.selectors.checks import Check, request_check
from servicedesk.selectors.standing import customer_standing
from servicedesk.services.counters import counter_consume, counter_release, counter_reserve

CLOSING_STATUSES = frozenset({RequestStatus.DONE, RequestStatus.REFUSED, RequestStatus.CANCELLED})


def _record(
    request: ServiceRequest, from_status: str, to_status: str, actor: Any, note: str = ""
) -> ServiceRequestEvent:
    return ServiceRequestEvent.objects.create(
        request=request,
        from_status=from_status,
        to_status=to_status,
        at=clock.now(),
        actor=recorded_actor(actor),
        note=note[:300],
    )


def _new_request(
    *, customer: Customer, kind: str, check: Check, actor: Any, hall: Hall | None, extra: dict
) -> ServiceRequest:
    fields = {**check.values, **extra}
    return ServiceRequest(
        customer=customer,
        kind=kind,
        hall=hall,
        privilege=check.privilege,
        terms=check.terms[:300],
        created_at=clock.now(),
        created_by=recorded_actor(actor),
        **fields,
    )


@transaction.atomic
def service_request_create(
    *,
    customer: Customer,
    kind: str,
    actor: Any,
    data: dict[str, Any] | None = None,
    hall: Hall | None = None,
    on: date | None = None,
) -> ServiceRequest:
    """Register a request: open with its terms, or refused with the reason.

    A refused request is recorded too (what was asked, why not). A counted privilege
    reserves one unit of the customer's quota (SERVICE-2); if a parallel request took the
    last unit between the check and the reservation, this one is refused.
    """
    if kind not in RequestKind.values:
        raise DomainError(
            _("Unknown kind of request “%(kind)s”.") % {"kind": kind}, code="unknown_kind"
        )
    data = dict(data or {})
    extra = {
        "subject": str(data.pop("subject", "") or "")[:200],
        "note": str(data.pop("note", "") or ""),
    }
    on = on or clock.today()
    check = request_check(customer_standing(customer, on), kind, data)
    request = _new_request(
        customer=customer, kind=kind, check=check, actor=actor, hall=hall, extra=extra
    )
    if check.allowed and check.counted:
        assert check.period_start is not None
        assert check.quota is not None
        counter = counter_reserve(
            customer=customer,
            benefit=check.benefit,
            period_start=check.period_start,
            quota=check.quota,
        )
        if counter is None:
            check.allowed, check.code = False, "quota_used"
            check.reason = _("The last unit of this privilege was just taken; nothing is left.")
        else:
            request.benefit = check.benefit
            request.counter = counter
            request.reservation = Reservation.RESERVED
    if not check.allowed:
        request.status = RequestStatus.REFUSED
        request.refusal_reason = check.reason[:300]
        request.refusal_code = check.code or "refused"
        request.terms = ""
        request.closed_at = request.created_at
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # request_one_open_reactivation, under a race
        raise DomainError(
            _("An emergency reactivation is already open; they do not stack."),
            code="reactivation_already_open",
        ) from exc
    _record(request, "", request.status, actor, request.refusal_reason)
    return request


@transaction.atomic
def service_request_set_status(
    *, request: ServiceRequest, status: str, actor: Any, note: str = ""
) -> ServiceRequest:
    """Move ``request`` to ``status`` if the state machine allows it, with a history row
    (core.states.state_move, on the row locked here).

    Done consumes the reserved unit; refused and cancelled give it back. Refusing needs
    the reason.
    """
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if status not in RequestStatus.values:
        raise DomainError(_("Unknown status “%(status)s”.") % {"status": status})
    refusal = _("A request that is %(current)s cannot become %(new)s.") % {
        "current": RequestStatus(request.status).label,
        "new": RequestStatus(status).label,
    }
    state_check(request, status, refusal=refusal, code="invalid")
    if status == RequestStatus.REFUSED and not note.strip():
        raise DomainError(_("Say why the request is refused."))
    origin = request.status
    values: dict[str, Any] = {}
    if request.reservation == Reservation.RESERVED and request.counter is not None:
        if status == RequestStatus.DONE:
            counter_consume(counter=request.counter)
            values["reservation"] = Reservation.CONSUMED
        elif status in (RequestStatus.REFUSED, RequestStatus.CANCELLED):
            counter_release(counter=request.counter)
            values["reservation"] = Reservation.RELEASED
    if status == RequestStatus.REFUSED:
        values["refusal_reason"] = note.strip()[:300]
    if status in CLOSING_STATUSES:
        values["closed_at"] = clock.now()
    state_move(
        request,
        status,
        values=values,
        locked=True,
        refusal=refusal,
        code="invalid",
        history=lambda: _record(request, origin, status, actor, note),
    )
    return request
