"""Reads of the tariff catalogue and of customers' subscriptions."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from membership.models import Customer
from plans.models import (
    PENDING,
    Availability,
    DesignatedStore,
    FamilyAvailability,
    Plan,
    PlanFamily,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)


def normalise_city(city: str) -> str:
    """'苏州市 ' and '苏州' are the same city for PLAN-4."""
    city = (city or "").strip()
    return city[:-1] if len(city) > 1 and city.endswith("市") else city


def availability_map(city: str) -> dict[int, str]:
    """PLAN-4: family id → state in ``city``; families without a row are open."""
    states = dict(
        FamilyAvailability.objects.filter(city=normalise_city(city)).values_list(
            "family_id", "state"
        )
    )
    return {
        family_id: states.get(family_id, Availability.OPEN)
        for family_id in PlanFamily.objects.values_list("id", flat=True)
    }


def availability_state(city: str, family: PlanFamily) -> str:
    """PLAN-4: how ``family`` is offered in ``city`` (open when the city has no row)."""
    state = (
        FamilyAvailability.objects.filter(city=normalise_city(city), family=family)
        .values_list("state", flat=True)
        .first()
    )
    return state or Availability.OPEN


def designated_stores(city: str) -> QuerySet[DesignatedStore]:
    return DesignatedStore.objects.filter(city=normalise_city(city), active=True)


def is_new_customer(customer: Customer, on: date) -> bool:
    """PLAN-5 (D-PLANS-4): a new customer 新入网客户 joined in the month of ``on`` and has
    never had a plan in force."""
    joined_this_month = (customer.joined_on.year, customer.joined_on.month) == (on.year, on.month)
    if not joined_this_month or customer.joined_on > on:
        return False
    return not Subscription.objects.filter(
        customer=customer, status__in=[SubscriptionStatus.EFFECTIVE, SubscriptionStatus.ENDED]
    ).exists()


def current_subscription(customer: Customer) -> Subscription | None:
    """The subscription in force, if any."""
    return (
        Subscription.objects.filter(customer=customer, status=SubscriptionStatus.EFFECTIVE)
        .select_related("plan", "plan__family")
        .first()
    )


def pending_order(customer: Customer) -> Subscription | None:
    """PLAN-6: the one order not yet in force, if any."""
    return (
        Subscription.objects.filter(customer=customer, status__in=PENDING)
        .select_related("plan", "plan__family")
        .first()
    )


def current_and_pending(customer: Customer) -> tuple[Subscription | None, Subscription | None]:
    """``current_subscription`` and ``pending_order`` in one query, with their plans (not
    the families): a line has at most one of each (the partial unique constraints of
    PLAN-6), so at most two rows come back."""
    current = pending = None
    rows = (
        Subscription.objects.filter(
            customer=customer, status__in=[SubscriptionStatus.EFFECTIVE, *PENDING]
        )
        .select_related("plan")
        .order_by()
    )
    for row in rows:
        if row.status == SubscriptionStatus.EFFECTIVE:
            current = row
        else:
            pending = row
    return current, pending


def customer_subscriptions(customer: Customer) -> QuerySet[Subscription]:
    """Every order and subscription of ``customer``, newest first, with its moves."""
    return (
        Subscription.objects.filter(customer=customer)
        .select_related("plan", "plan__family", "store", "created_by")
        .prefetch_related(
            Prefetch("events", queryset=SubscriptionEvent.objects.select_related("actor"))
        )
        .order_by("-created_at", "-id")
    )


def plan_catalogue(
    *,
    family: str = "",
    q: str = "",
    level: str = "",
    offered_only: bool = False,
) -> QuerySet[Plan]:
    """The catalogue, filtered by family code, a search text and the carried level."""
    plans = Plan.objects.select_related("family").prefetch_related("bundled_services")
    if family:
        plans = plans.filter(family__code=family)
    if level:
        plans = plans.filter(carried_level=level)
    if q:
        plans = plans.filter(
            Q(name__icontains=q)
            | Q(name_zh__icontains=q)
            | Q(order_code__iexact=q.strip())
            | Q(code__iexact=q.strip())
        )
    if offered_only:
        plans = plans.filter(active=True)
    return plans.order_by("family__position", "monthly_fee", "code")


def orders_list() -> QuerySet[Subscription]:
    """Orders and subscriptions for lists (API): with customer and plan in one query."""
    return Subscription.objects.select_related("customer", "plan", "plan__family", "store")
