"""What plans hooks into membership: the customer card panel and the status signal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from core.access import may_open
from membership.models import Customer, Status, StatusChange
from plans.selectors import current_and_pending
from plans.services import subscriptions_end_for_line


def customer_panel_context(request: Any, customer: Customer, on: date) -> dict[str, Any]:
    """The customer card's plan panel: plan in force, pending change, links (one query)."""
    user = getattr(request, "user", None)
    current, pending = current_and_pending(customer)
    return {
        "msisdn": customer.msisdn,
        "current": current,
        "pending": pending,
        "may_order": may_open(user, "plans:order"),
    }


def on_customer_status_changed(
    sender: Any, customer: Customer, change: StatusChange, actor: Any = None, **kwargs: Any
) -> None:
    """TIER-9: a cancelled line's plan ends and its pending orders are cancelled, in the
    transaction of the status change."""
    if change.to_status != Status.CANCELLED:
        return
    subscriptions_end_for_line(
        customer=customer, day=timezone.localdate(change.changed_at), actor=actor
    )


def on_customer_left_gotone(
    sender: Any, customer: Customer, last_day: date, actor: Any = None, **kwargs: Any
) -> None:
    """TIER-9: leaving the gotone brand ends the plan (and its level) after ``last_day``."""
    subscriptions_end_for_line(
        customer=customer,
        day=last_day + timedelta(days=1),
        actor=actor,
        reason="TIER-9: left the gotone brand",
    )
