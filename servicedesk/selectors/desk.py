"""The desk card: privileges with what is left this period, open requests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from membership.models import Customer
from membership.selectors.levels import customer_grants_on
from servicedesk.models import (
    OPEN_STATUSES,
    Benefit,
    Entitlement,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    UsageCounter,
)
from servicedesk.selectors.checks import late_fee_rates, period_start, reactivation_options
from servicedesk.selectors.holidays import holiday_periods
from servicedesk.selectors.standing import Standing, customer_standing


def privileges(standing: Standing) -> list[dict[str, Any]]:
    """SERVICE-2: every entitlement row that applies, with used and left this period.

    Two queries: the table and the customer's counters of the current periods.
    """
    order = {benefit: index for index, benefit in enumerate(Benefit.values)}
    table = sorted(Entitlement.objects.all(), key=lambda e: (order[e.benefit], e.scope))
    starts = {
        start
        for start in (period_start("year", standing.on), period_start("month", standing.on))
        if start
    }
    counters = {
        (c.benefit, c.period_start): c
        for c in UsageCounter.objects.filter(customer=standing.customer, period_start__in=starts)
    }
    rows: list[dict[str, Any]] = []
    for entitlement in table:
        level = standing.level_for(entitlement.benefit)
        applies = entitlement.audience == level or (
            entitlement.audience == "gotone" and standing.gotone
        )
        if not applies:
            continue
        start = period_start(entitlement.period, standing.on)
        counter = counters.get((entitlement.benefit, start)) if start else None
        used = counter.used if counter else 0
        rows.append(
            {
                "entitlement": entitlement,
                "benefit": Benefit(entitlement.benefit).label,
                "used": used,
                "reserved": counter.reserved if counter else 0,
                "left": None if entitlement.quota is None else max(0, entitlement.quota - used),
                "limited_grant": level is not None and level != standing.level,
            }
        )
    return rows


def desk_card(customer: Customer, on: date) -> dict[str, Any]:
    """Everything the desk card shows about ``customer`` on ``on``."""
    standing = customer_standing(customer, on)
    rates = late_fee_rates(standing)
    opted_out = ServiceRequest.objects.filter(
        customer=customer,
        kind=RequestKind.HOLIDAY_OPT_OUT,
        year=on.year,
        status=RequestStatus.DONE,
    ).exists()
    return {
        "standing": standing,
        "grants": list(customer_grants_on(customer, on)),
        "privileges": privileges(standing),
        "reactivation": reactivation_options(standing),
        "waiver_rate": max(rates, key=lambda rate: rate[2]),
        "holiday_opt_out": opted_out,
        "holidays": holiday_periods(on.year),
        "open_requests": list(open_requests(customer)),
        "recent_requests": list(
            requests_list().filter(customer=customer).exclude(status__in=OPEN_STATUSES)[:5]
        ),
    }


def requests_list() -> QuerySet[ServiceRequest]:
    """Requests with what every list shows, in one query."""
    return ServiceRequest.objects.select_related("customer", "hall", "created_by")


def open_requests(customer: Customer) -> QuerySet[ServiceRequest]:
    return requests_list().filter(customer=customer, status__in=OPEN_STATUSES)
