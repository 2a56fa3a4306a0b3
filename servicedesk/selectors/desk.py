"""The desk card: privileges with what is left this period, open requests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from core.dates import month_start
from membership.models import Customer
from servicedesk.models import (
    COUNTER_EMERGENCY_REACTIVATION,
    OPEN_STATUSES,
    Benefit,
    BirthdayMinutes,
    Entitlement,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    UsageCounter,
)
from servicedesk.selectors.birthday import is_birthday
from servicedesk.selectors.checks import late_fee_rates, period_start, reactivation_options
from servicedesk.selectors.checks.suspension import delayed_suspension_eligible
from servicedesk.selectors.club import customer_signups
from servicedesk.selectors.holidays import DELAYED_SUSPENSION_GRANTED, holiday_periods
from servicedesk.selectors.standing import Standing, customer_standing

Counters = dict[tuple[str, date], UsageCounter]


def period_counters(standing: Standing) -> Counters:
    """The customer's usage counters of this year and this month, every benefit (one query,
    at most a row per benefit and period), by (benefit, period start)."""
    starts = {
        start
        for start in (period_start("year", standing.on), period_start("month", standing.on))
        if start
    }
    return {
        (c.benefit, c.period_start): c
        for c in UsageCounter.objects.filter(customer=standing.customer, period_start__in=starts)
    }


def privileges(standing: Standing, counters: Counters | None = None) -> list[dict[str, Any]]:
    """SERVICE-2: every entitlement row that applies, with used and left this period.

    Two queries: the table and the customer's counters of the current periods (none when
    the caller read them already with ``period_counters``).
    """
    order = {benefit: index for index, benefit in enumerate(Benefit.values)}
    table = sorted(Entitlement.objects.all(), key=lambda e: (order[e.benefit], e.scope))
    if counters is None:
        counters = period_counters(standing)
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


def birthday_card(customer: Customer, on: date, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """SERVICE-9 on the desk card: the minutes the customer's entitlement rows give (from
    the privileges already read), whether today is the birthday, and the packages given in
    the last year, automatic and by hand (one query)."""
    allowance = max(
        (
            row["entitlement"].allowance
            for row in rows
            if row["entitlement"].benefit == Benefit.BIRTHDAY and row["entitlement"].allowance
        ),
        default=None,
    )
    packages = list(
        BirthdayMinutes.objects.filter(customer=customer, valid_on__gt=on - timedelta(days=366))
        .select_related("granted_by")
        .order_by("-valid_on", "source")
    )
    return {
        "minutes": allowance,
        "today": is_birthday(customer.birth_date, on),
        "packages": packages,
        "granted_today": [p for p in packages if p.valid_on == on],
    }


def desk_card(customer: Customer, on: date) -> dict[str, Any]:
    """Everything the desk card shows about ``customer`` on ``on``: eight queries, whatever
    the number of the customer's bills, grants, ratings and requests (the standing two, the
    entitlement table, the counters, the opt-out and the delayed suspension together, the
    birthday minutes, the open and the recent requests, the latest club-event sign-ups of
    SERVICE-13), and two more for a line suspended for arrears (SERVICE-3: its suspension's
    reactivations)."""
    standing = customer_standing(customer, on)
    counters = period_counters(standing)
    rates = late_fee_rates(standing)
    # SERVICE-5 opt-out of the year and SERVICE-10 delayed suspension running, one query.
    protection = list(
        ServiceRequest.objects.filter(customer=customer)
        .filter(
            Q(kind=RequestKind.HOLIDAY_OPT_OUT, year=on.year, status=RequestStatus.DONE)
            | Q(
                kind=RequestKind.DELAYED_SUSPENSION,
                status__in=DELAYED_SUSPENSION_GRANTED,
                valid_until__gte=on,
            )
        )
        .values_list("kind", "valid_until")
    )
    delayed_until = max(
        (
            until
            for kind, until in protection
            if kind == RequestKind.DELAYED_SUSPENSION and until is not None
        ),
        default=None,
    )
    rows = privileges(standing, counters)
    return {
        "standing": standing,
        "grants": list(standing.grants),
        "privileges": rows,
        "reactivation": reactivation_options(
            standing, used=_used(counters, COUNTER_EMERGENCY_REACTIVATION, month_start(on))
        ),
        "waiver_rate": max(rates, key=lambda rate: rate[2]),
        "holiday_opt_out": any(kind == RequestKind.HOLIDAY_OPT_OUT for kind, _ in protection),
        "holidays": holiday_periods(on.year),
        "delayed_suspension": {
            "eligible": delayed_suspension_eligible(standing) is not None,
            "until": delayed_until,
        },
        "birthday": birthday_card(customer, on, rows),
        "open_requests": list(open_requests(customer)),
        "recent_requests": list(requests_of(customer).exclude(status__in=OPEN_STATUSES)[:5]),
        "club_signups": customer_signups(customer, limit=5),
    }


def _used(counters: Counters, benefit: str, start: date) -> int:
    counter = counters.get((benefit, start))
    return counter.reserved + counter.consumed if counter else 0


def requests_list() -> QuerySet[ServiceRequest]:
    """Requests with what every list shows, in one query."""
    return ServiceRequest.objects.select_related("customer", "hall", "created_by")


def requests_of(customer: Customer) -> QuerySet[ServiceRequest]:
    """One customer's requests, newest first, each knowing its customer without a join (the
    customer's screens show neither hall nor clerk), on the ``(customer, status)`` index."""
    return customer.service_requests.order_by("-created_at", "-id")


def open_requests(customer: Customer) -> QuerySet[ServiceRequest]:
    return requests_of(customer).filter(status__in=OPEN_STATUSES)
