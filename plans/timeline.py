"""CUST-11: plan orders and subscriptions on the member timeline (registered in
``PlansConfig.ready``): each move of a subscription — ordered, scheduled, in force, ended,
cancelled (PLAN-6) — read newest first with a LIMIT."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.access import may_open
from core.roles import staff_name
from membership.extensions import TIMELINE_PLAN, TimelineEntry
from membership.models import Customer
from plans.models import SubscriptionEvent, SubscriptionStatus


def _title(event: SubscriptionEvent) -> str:
    subscription = event.subscription
    values = {
        "plan": str(subscription.plan),  # its Chinese name (PLAN-1)
        "from": subscription.effective_from.isoformat(),
        "until": subscription.ended_on.isoformat() if subscription.ended_on else "—",
    }
    if not event.from_status:
        return _("Plan %(plan)s ordered, in force from %(from)s") % values
    if event.to_status == SubscriptionStatus.SCHEDULED:
        return _("Plan %(plan)s scheduled from %(from)s") % values
    if event.to_status == SubscriptionStatus.EFFECTIVE:
        return _("Plan %(plan)s in force") % values
    if event.to_status == SubscriptionStatus.ENDED:
        return _("Plan %(plan)s ended, last day %(until)s") % values
    return _("Order of plan %(plan)s cancelled") % values


def plans_timeline(
    customer: Customer, *, user: Any, kinds: Collection[str], limit: int | None
) -> list[TimelineEntry]:
    """CUST-11: the customer's plan orders and their moves (one LIMITed query)."""
    if TIMELINE_PLAN not in kinds:
        return []
    rows = (
        SubscriptionEvent.objects.filter(subscription__customer=customer)
        .select_related("subscription__plan", "actor")
        .order_by("-at", "-id")
    )
    link = (
        reverse("plans:customer_plans", args=[customer.msisdn])
        if may_open(user, "plans:customer_plans")
        else ""
    )
    return [
        TimelineEntry(
            at=event.at,
            kind=TIMELINE_PLAN,
            title=_title(event),
            detail=pgettext("history note", event.note) if event.note else "",
            link=link,
            actor=staff_name(event.actor) if event.actor is not None else "",
            rule="PLAN-6",
            key=f"plans.subscription:{event.pk:012d}",
        )
        for event in (rows if limit is None else rows[:limit])
    ]
