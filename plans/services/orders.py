"""Plan orders: placing (PLAN-4, PLAN-5, PLAN-6), cancelling and ending subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.actors import recorded_actor
from core.dates import add_months, month_start
from core.errors import DomainError
from core.states import state_check, state_move
from membership.models import Customer, Status
from plans.models import (
    Availability,
    Channel,
    DesignatedStore,
    FirstMonthOption,
    Plan,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from plans.selectors import (
    availability_state,
    current_subscription,
    is_new_customer,
    normalise_city,
    pending_order,
)
from plans.services.levels import plan_grant_create, plan_grants_end

CENT = Decimal("0.01")
# The customer places these orders themselves, so they asked for the plan (PLAN-4).
SELF_SERVICE_CHANNELS = frozenset({Channel.SMS, Channel.WEB})


@dataclass(frozen=True)
class FirstMonthTerms:
    """PLAN-5: what a new customer pays and gets in the month they join."""

    option: str
    fee: Decimal
    minutes: int
    data_mb: int
    bundled_services: tuple[str, ...]


def first_month_terms(*, plan: Plan, option: str) -> FirstMonthTerms:
    """PLAN-5: out_of_bundle — no fee and no allowance (out-of-bundle rates); full — the
    whole fee and allowance from today; half — half the fee (to the fen) and half the
    minutes and data (whole units, rounded down). Bundled services (PLAN-3: caller ID,
    139 mailbox) are never halved."""
    services = tuple(s.name_zh for s in plan.bundled_services.all())
    if option == FirstMonthOption.OUT_OF_BUNDLE:
        return FirstMonthTerms(option, Decimal("0.00"), 0, 0, services)
    if option == FirstMonthOption.FULL:
        return FirstMonthTerms(
            option,
            plan.monthly_fee.quantize(CENT),
            plan.included_minutes,
            plan.included_data_mb,
            services,
        )
    if option == FirstMonthOption.HALF:
        return FirstMonthTerms(
            option,
            (plan.monthly_fee / 2).quantize(CENT, rounding=ROUND_HALF_UP),
            plan.included_minutes // 2,
            plan.included_data_mb // 2,
            services,
        )
    raise DomainError(
        _("A new customer must choose a first-month option: out of bundle, full or half."),
        code="first_month_option",
    )


def effective_date_for(*, new_customer: bool, today: date) -> date:
    """PLAN-5: a new customer's plan is in force today; PLAN-6: an existing customer's
    change on the 1st of next month (an order on the last day of a month included)."""
    return today if new_customer else add_months(month_start(today), 1)


def check_availability(
    *,
    customer: Customer,
    plan: Plan,
    new_customer: bool,
    customer_asked: bool,
    store: DesignatedStore | None,
) -> str:
    """PLAN-4: refuse what the city does not offer; returns the state applied."""
    city = normalise_city(customer.city)
    state = availability_state(city, plan.family)
    family = plan.family.name_zh
    if state == Availability.CLOSED:
        raise DomainError(
            _("%(family)s plans are not offered in %(city)s.") % {"family": family, "city": city},
            code="closed",
        )
    if state == Availability.ON_REQUEST and not customer_asked:
        raise DomainError(
            _(
                "In %(city)s %(family)s plans are only taken when the customer asks for them: "
                "tick that the customer asked."
            )
            % {"family": family, "city": city},
            code="on_request",
        )
    if state == Availability.NEW_ONLY and not new_customer:
        at_designated_store = (
            store is not None and store.active and normalise_city(store.city) == city
        )
        if not at_designated_store:
            raise DomainError(
                _(
                    "In %(city)s %(family)s plans are open to new customers; an existing "
                    "customer can order one only at a designated store."
                )
                % {"family": family, "city": city},
                code="new_only",
            )
        if not customer_asked:
            raise DomainError(
                _(
                    "An existing customer orders %(family)s plans at a designated store only "
                    "on request: tick that the customer asked."
                )
                % {"family": family},
                code="on_request",
            )
    return state


def subscription_set_status(
    *,
    subscription: Subscription,
    status: str,
    actor: Any = None,
    note: str = "",
    ended_on: date | None = None,
) -> SubscriptionEvent:
    """Move ``subscription`` to ``status`` if its state machine allows it, with the history
    row (core.states.state_move, conditional on the status read); ending needs the last
    day in force."""
    refusal = _("An order that is %(from)s cannot become %(to)s.") % {
        "from": SubscriptionStatus(subscription.status).label,
        "to": SubscriptionStatus(status).label if status in SubscriptionStatus.values else status,
    }
    state_check(subscription, status, refusal=refusal, code="illegal_transition")
    if status == SubscriptionStatus.ENDED and ended_on is None:
        raise DomainError(_("Ending a subscription needs its last day."))
    origin = subscription.status
    now = clock.now()
    values: dict[str, Any] = {"status_changed_at": now}
    if status == SubscriptionStatus.ENDED:
        values["ended_on"] = ended_on
    return state_move(
        subscription,
        status,
        values=values,
        refusal=refusal,
        code="illegal_transition",
        lost=_("The order changed meanwhile; look at it again."),
        history=lambda: SubscriptionEvent.objects.create(
            subscription=subscription,
            from_status=origin,
            to_status=status,
            at=now,
            actor=recorded_actor(actor),
            note=note[:200],
        ),
    )


def _record(subscription: Subscription, to_status: str, actor: Any, note: str) -> None:
    SubscriptionEvent.objects.create(
        subscription=subscription,
        from_status="",
        to_status=to_status,
        at=subscription.status_changed_at,
        actor=actor,
        note=note[:200],
    )


@transaction.atomic
def subscription_order(
    *,
    customer: Customer,
    plan: Plan,
    channel: str,
    actor: Any = None,
    first_month_option: str = "",
    customer_asked: bool = False,
    store: DesignatedStore | None = None,
    note: str = "",
    today: date | None = None,
) -> Subscription:
    """Place a plan order for ``customer`` and return it.

    PLAN-4 availability in the customer's city; PLAN-5 a new customer's plan is in force
    today with the chosen first-month option; PLAN-6 an existing customer's change is
    scheduled for the 1st of next month and replaces any pending change.
    """
    today = today or clock.today()
    actor = recorded_actor(actor)
    # One order at a time per customer: the row lock serialises concurrent orders.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if channel not in Channel.values:
        raise DomainError(_("Unknown order channel “%(c)s”.") % {"c": channel}, code="channel")
    if customer.status in (Status.CANCELLED, Status.PRE_CANCEL):
        raise DomainError(
            _("A %(status)s line cannot order a plan.")
            % {"status": customer.get_status_display().lower()},
            code="line_status",
        )
    if not plan.active:
        raise DomainError(
            _("%(plan)s is no longer offered.") % {"plan": plan.name_zh}, code="inactive"
        )
    if store is not None and not store.active:
        raise DomainError(_("%(store)s is not a designated store any more.") % {"store": store})
    new_customer = is_new_customer(customer, today)
    if channel in SELF_SERVICE_CHANNELS:
        customer_asked = True
    state = check_availability(
        customer=customer,
        plan=plan,
        new_customer=new_customer,
        customer_asked=customer_asked,
        store=store,
    )
    current = current_subscription(customer)
    pending = pending_order(customer)
    if current is not None and current.plan_id == plan.pk:
        raise DomainError(
            _("The customer is already on %(plan)s.") % {"plan": plan.name_zh}
            + (" " + _("To stay on it, cancel the pending change.") if pending else ""),
            code="same_plan",
        )
    if pending is not None and pending.plan_id == plan.pk:
        raise DomainError(
            _("%(plan)s is already ordered and takes effect on %(day)s.")
            % {"plan": plan.name_zh, "day": pending.effective_from.isoformat()},
            code="already_ordered",
        )
    terms: FirstMonthTerms | None = None
    if new_customer:
        terms = first_month_terms(plan=plan, option=first_month_option)
    elif first_month_option:
        raise DomainError(
            _("First-month options are for new customers only (joined this month)."),
            code="first_month_option",
        )
    effective_from = effective_date_for(new_customer=new_customer, today=today)

    if pending is not None:  # PLAN-6: the newer request replaces the pending one
        subscription_set_status(
            subscription=pending,
            status=SubscriptionStatus.CANCELLED,
            actor=actor,
            note=gettext_noop("replaced by a newer request"),  # PLAN-6, shown translated
        )

    subscription = Subscription.objects.create(
        customer=customer,
        plan=plan,
        status=SubscriptionStatus.REQUESTED,
        channel=channel,
        ordered_on=today,
        effective_from=effective_from,
        new_customer=new_customer,
        first_month_option=terms.option if terms else "",
        first_month_fee=terms.fee if terms else None,
        first_month_minutes=terms.minutes if terms else None,
        first_month_data_mb=terms.data_mb if terms else None,
        availability=state,
        customer_asked=customer_asked,
        store=store,
        note=note[:200],
        created_by=actor,
        status_changed_at=clock.now(),
    )
    _record(
        subscription,
        SubscriptionStatus.REQUESTED,
        actor,
        f"{Channel(channel).label}: {plan.name_zh}",
    )
    subscription_set_status(
        subscription=subscription,
        status=SubscriptionStatus.SCHEDULED,
        actor=actor,
        note="",  # the order shows the day it takes effect
    )
    if new_customer:  # PLAN-5: in force from today
        subscription_make_effective(subscription=subscription, actor=actor)
    return subscription


@transaction.atomic
def subscription_make_effective(*, subscription: Subscription, actor: Any = None) -> Subscription:
    """Put one scheduled order in force: end the plan it replaces, grant the level it
    carries (PLAN-2 / TIER-5). The batch plans_make_effective does the same set-based."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != SubscriptionStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled order can take effect."), code="illegal_transition")
    current = current_subscription(subscription.customer)
    if current is not None:
        subscription_end(
            subscription=current,
            last_day=subscription.effective_from - timedelta(days=1),
            actor=actor,
            reason=f"TIER-5: replaced by order #{subscription.pk}",
        )
    subscription_set_status(
        subscription=subscription, status=SubscriptionStatus.EFFECTIVE, actor=actor, note="in force"
    )
    plan_grant_create(subscription=subscription, actor=actor)
    return subscription


@transaction.atomic
def subscription_cancel(
    *, subscription: Subscription, actor: Any = None, note: str = ""
) -> Subscription:
    """Cancel an order that is not in force yet (requested or scheduled)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.is_pending:
        raise DomainError(
            _("Only an order not yet in force can be cancelled; this one is %(status)s.")
            % {"status": subscription.get_status_display().lower()},
            code="illegal_transition",
        )
    subscription_set_status(
        subscription=subscription,
        status=SubscriptionStatus.CANCELLED,
        actor=actor,
        note=note or "cancelled",
    )
    return subscription


@transaction.atomic
def subscription_end(
    *,
    subscription: Subscription,
    last_day: date,
    actor: Any = None,
    reason: str,
    cancellation: bool = False,
) -> Subscription:
    """End a subscription in force after ``last_day`` and the level it carried (TIER-5)."""
    subscription_set_status(
        subscription=subscription,
        status=SubscriptionStatus.ENDED,
        actor=actor,
        note=reason,
        ended_on=last_day,
    )
    plan_grants_end(
        subscription=subscription,
        last_day_in_force=last_day,
        actor=actor,
        reason=reason,
        cancellation=cancellation,
    )
    return subscription


@transaction.atomic
def subscriptions_end_for_line(
    *, customer: Customer, day: date, actor: Any = None, reason: str = "TIER-9: line cancelled"
) -> int:
    """TIER-9: a line that is cancelled or leaves the gotone brand on ``day`` has its pending
    orders cancelled and its plan ended the day before, with the level it carried.
    Returns how many records moved."""
    moved = 0
    pending = pending_order(customer)
    if pending is not None:
        subscription_set_status(
            subscription=pending, status=SubscriptionStatus.CANCELLED, actor=actor, note=reason
        )
        moved += 1
    current = current_subscription(customer)
    if current is not None:
        subscription_end(
            subscription=current,
            last_day=day - timedelta(days=1),
            actor=actor,
            reason=reason,
            cancellation=True,
        )
        moved += 1
    return moved
