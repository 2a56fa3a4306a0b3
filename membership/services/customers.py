"""Customer life-cycle services: status changes (CUST-4) and what follows from them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.states import state_check, state_move
from membership.models import Customer, GrantSource, Status, StatusChange, SuspensionReason
from membership.services.grants import grants_end_for_customer
from membership.signals import customer_left_gotone, customer_status_changed


@transaction.atomic
def customer_set_status(
    *,
    customer: Customer,
    status: str,
    reason: str = "",
    actor: Any = None,
    note: str = "",
    at: datetime | None = None,
    reason_unknown: bool = False,
) -> StatusChange:
    """CUST-4: move ``customer`` to ``status`` (Customer.TRANSITIONS), recorded with time,
    reason and actor (core.states.state_move, on the row locked here).

    A suspension needs a reason (SuspensionReason), unless the caller only knows that the
    line is suspended (``reason_unknown``: the billing feed, D-IMPORT-2). Cancellation ends every grant from the
    day of cancellation (TIER-9). Listeners of ``customer_status_changed`` (the points
    ledger: POINTS-9 freeze, POINTS-10 clearing) run in the same transaction.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if status not in Status.values:
        raise DomainError(_("Unknown status “%(status)s”.") % {"status": status})
    if status == customer.status:
        raise DomainError(
            _("The line is already %(status)s.") % {"status": customer.get_status_display()}
        )
    refusal = _("A %(current)s line cannot become %(target)s.") % {
        "current": customer.get_status_display(),
        "target": Status(status).label,
    }
    state_check(customer, status, refusal=refusal, code="invalid")
    if status == Status.SUSPENDED and reason not in SuspensionReason.values and not reason_unknown:
        raise DomainError(_("A suspension needs a reason."))
    at = at or clock.now()
    actor = recorded_actor(actor)
    origin = customer.status
    suspension = reason if status == Status.SUSPENDED else ""
    # A save, not an UPDATE: the line's own history (django-simple-history) records it.
    change = state_move(
        customer,
        status,
        values={"suspension_reason": suspension},
        locked=True,
        refusal=refusal,
        code="invalid",
        history=lambda: StatusChange.objects.create(
            customer=customer,
            from_status=origin,
            to_status=status,
            reason=suspension,
            note=note,
            changed_at=at,
            actor=actor,
        ),
    )
    if status == Status.CANCELLED:  # TIER-9
        day = timezone.localdate(at)
        grants_end_for_customer(
            customer=customer,
            last_day=day - timedelta(days=1),
            actor=actor,
            reason="TIER-9: line cancelled",
        )
    customer_status_changed.send(sender=Customer, customer=customer, change=change, actor=actor)
    return change


def customer_leave_gotone(*, customer: Customer, last_day: Any, actor: Any = None) -> int:
    """TIER-9: leaving the gotone brand ends annual and plan grants after ``last_day``;
    listeners (plans) end what else goes with the brand."""
    ended = grants_end_for_customer(
        customer=customer,
        last_day=last_day,
        sources=[GrantSource.ANNUAL, GrantSource.PLAN],
        actor=actor,
        reason="TIER-9: left the gotone brand",
    )
    customer_left_gotone.send(sender=Customer, customer=customer, last_day=last_day, actor=actor)
    return ended
