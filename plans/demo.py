"""Demo subscriptions: most active gotone lines are on a plan, some on a plan that carries a
level (288 silver, 388/588/888 gold), and a few have a change scheduled for next month."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core import clock
from core.dates import add_months, month_start
from membership.models import Brand, Customer, Status
from plans.models import (
    Availability,
    Channel,
    DesignatedStore,
    Plan,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from plans.selectors import availability_map, normalise_city
from plans.services.levels import plan_grant_create

# Plan code → weight among subscribed lines.
PLAN_WEIGHTS = {
    "bt-58": 6,
    "bt-88": 14,
    "bt-128": 18,
    "bt-158": 13,
    "bt-188": 10,
    "bt-288": 9,
    "bt-388": 6,
    "bt-588": 3,
    "bt-888": 1,
    "net-88": 12,
    "net-128": 8,
}
CHANNEL_WEIGHTS = {Channel.COUNTER: 60, Channel.HOTLINE: 20, Channel.SMS: 15, Channel.WEB: 5}
SUBSCRIBED_SHARE = 0.8
PENDING_SHARE = 0.06


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def seed(*, today: date, rng_seed: int = 1) -> dict[str, int]:
    """Give a realistic share of active gotone lines a plan in force. Does nothing when
    subscriptions exist already; returns counts."""
    counts = {"subscriptions": 0, "pending": 0, "plan_grants": 0}
    if Subscription.objects.exists():
        return counts
    rng = random.Random(rng_seed)
    plans = {p.code: p for p in Plan.objects.filter(code__in=PLAN_WEIGHTS, active=True)}
    if not plans:
        return counts
    codes = [c for c in PLAN_WEIGHTS if c in plans]
    weights = [PLAN_WEIGHTS[c] for c in codes]
    stores: dict[str, list[DesignatedStore]] = {}
    for store in DesignatedStore.objects.filter(active=True):
        stores.setdefault(store.city, []).append(store)
    this_month = month_start(today)
    customers = list(
        Customer.objects.filter(
            brand=Brand.GOTONE,
            status__in=[Status.ACTIVE, Status.SUSPENDED],
            joined_on__lt=this_month,
        )
        .order_by("id")
        .values_list("id", "joined_on", "city")
    )
    states_by_city: dict[str, dict[int, str]] = {}
    rows: list[Subscription] = []
    for customer_id, joined_on, city in customers:
        if rng.random() > SUBSCRIBED_SHARE:
            continue
        plan = plans[rng.choices(codes, weights)[0]]
        city = normalise_city(city)
        states = states_by_city.setdefault(city, availability_map(city))
        state = states.get(plan.family_id, Availability.OPEN)
        if state == Availability.CLOSED:
            continue
        earliest = add_months(month_start(joined_on), 1)
        start = max(earliest, add_months(this_month, -rng.randrange(1, 37)))
        if start > this_month:
            continue
        ordered = start - timedelta(days=rng.randrange(1, 25))
        rows.append(
            Subscription(
                customer_id=customer_id,
                plan=plan,
                status=SubscriptionStatus.EFFECTIVE,
                channel=rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
                ordered_on=ordered,
                effective_from=start,
                availability=state,
                customer_asked=state != Availability.OPEN,
                store=(
                    rng.choice(stores[city])
                    if state == Availability.NEW_ONLY and stores.get(city)
                    else None
                ),
                status_changed_at=_at(start, 0),
            )
        )
    Subscription.objects.bulk_create(rows, batch_size=1000)
    effective = list(
        Subscription.objects.filter(status=SubscriptionStatus.EFFECTIVE).select_related(
            "plan", "customer"
        )
    )
    pending_rows: list[Subscription] = []
    next_month = add_months(this_month, 1)
    for sub in effective:
        if rng.random() >= PENDING_SHARE:
            continue
        other = plans[rng.choice([c for c in codes if c != sub.plan.code])]
        city = normalise_city(sub.customer.city)
        states = states_by_city.setdefault(city, availability_map(city))
        state = states.get(other.family_id, Availability.OPEN)
        if state == Availability.CLOSED:
            continue
        pending_rows.append(
            Subscription(
                customer_id=sub.customer_id,
                plan=other,
                status=SubscriptionStatus.SCHEDULED,
                channel=Channel.COUNTER,
                ordered_on=today,
                effective_from=next_month,
                availability=state,
                customer_asked=state != Availability.OPEN,
                store=(
                    rng.choice(stores[city])
                    if state == Availability.NEW_ONLY and stores.get(city)
                    else None
                ),
                status_changed_at=clock.now(),
            )
        )
    Subscription.objects.bulk_create(pending_rows, batch_size=1000)
    events: list[SubscriptionEvent] = []
    for sub in Subscription.objects.only(
        "id", "status", "ordered_on", "effective_from", "channel"
    ).iterator(chunk_size=2000):
        events.append(
            SubscriptionEvent(
                subscription_id=sub.pk,
                from_status="",
                to_status=SubscriptionStatus.REQUESTED,
                at=_at(sub.ordered_on, 10),
                note=gettext_noop("demo data"),
            )
        )
        events.append(
            SubscriptionEvent(
                subscription_id=sub.pk,
                from_status=SubscriptionStatus.REQUESTED,
                to_status=SubscriptionStatus.SCHEDULED,
                at=_at(sub.ordered_on, 10),
                note="",
            )
        )
        if sub.status == SubscriptionStatus.EFFECTIVE:
            events.append(
                SubscriptionEvent(
                    subscription_id=sub.pk,
                    from_status=SubscriptionStatus.SCHEDULED,
                    to_status=SubscriptionStatus.EFFECTIVE,
                    at=_at(sub.effective_from, 0),
                    note=gettext_noop("demo data"),
                )
            )
    SubscriptionEvent.objects.bulk_create(events, batch_size=5000)
    # PLAN-2 / TIER-5: levels through membership's grant service only.
    for sub in effective:
        if sub.plan.carried_level and plan_grant_create(subscription=sub) is not None:
            counts["plan_grants"] += 1
    counts["subscriptions"] = len(effective)
    counts["pending"] = len(pending_rows)
    return counts
