"""SERVICE-5 and GROUP-4 greetings: the statutory holidays of a year, from ``holidays``;
who may not be suspended for arrears on a day (SERVICE-5 and SERVICE-10's delayed suspension).

The dates come from the maintained ``holidays`` library (China's official calendar, lunar
festivals and the State Council's days off included); nothing here is a hard-coded table.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from membership.models import Customer, Status
from servicedesk.models import RequestKind, RequestStatus, ServiceRequest

# SERVICE-5: the festivals with no arrears suspension, by their English name in the library.
FESTIVALS: dict[str, tuple[str, ...]] = {
    "new_year": ("New Year's Day",),
    "spring_festival": ("Chinese New Year",),  # the eve and the Spring Festival days
    "qingming": ("Tomb-Sweeping Day",),
    "labour_day": ("Labor Day",),
    "dragon_boat": ("Dragon Boat Festival",),
    "mid_autumn": ("Mid-Autumn Festival",),
    "national_day": ("National Day",),
}
FESTIVAL_LABELS = {
    "new_year": _("New Year 元旦"),
    "spring_festival": _("Spring Festival 春节"),
    "qingming": _("Qingming 清明"),
    "labour_day": _("Labour Day 劳动节"),
    "dragon_boat": _("Dragon Boat 端午"),
    "mid_autumn": _("Mid-Autumn 中秋"),
    "national_day": _("National Day 国庆"),
}
# GROUP-4 / NOTICE-1: key persons are greeted on the first day of these.
GREETING_FESTIVALS = ("new_year", "spring_festival", "dragon_boat", "mid_autumn")
DAY_OFF = "Day off"  # a day off moved from a weekend 调休: it belongs to the nearest festival


def _festival_of(name: str) -> str | None:
    for key, prefixes in FESTIVALS.items():
        if any(name.startswith(prefix) for prefix in prefixes):
            return key
    return None


@lru_cache(maxsize=32)
def festival_days(year: int) -> dict[date, str]:
    """SERVICE-5: every day of ``year`` in the holiday of one of the seven festivals.

    Named festival days (the Spring Festival's eve and observed days included) count, and so
    do the library's days off, which belong to the festival of the nearest named day.
    """
    calendar = holidays.country_holidays("CN", years=year, language="en_US")
    named: dict[date, str] = {}
    days_off: list[date] = []
    for day, names in calendar.items():
        for name in names.split("; "):
            festival = _festival_of(name)
            if festival is not None:
                named.setdefault(day, festival)
            elif name.startswith(DAY_OFF):
                days_off.append(day)
    result = dict(named)
    for day in days_off:
        nearest = min(named, key=lambda d: abs((d - day).days), default=None)
        if nearest is not None and abs((nearest - day).days) <= 7:
            result.setdefault(day, named[nearest])
    return dict(sorted(result.items()))


def festival_first_days(year: int) -> dict[str, date]:
    """The first day of each festival's holiday in ``year`` (the eve for the Spring Festival
    is skipped: greetings go out on the festival itself)."""
    calendar = holidays.country_holidays("CN", years=year, language="en_US")
    first: dict[str, date] = {}
    for day, names in sorted(calendar.items()):
        for name in names.split("; "):
            festival = _festival_of(name)
            if festival and festival not in first and "Eve" not in name:
                first[festival] = day
    return first


def holiday_periods(year: int) -> list[dict[str, object]]:
    """SERVICE-5 for screens: one row per festival with its days, in date order."""
    periods: dict[str, list[date]] = {}
    for day, festival in festival_days(year).items():
        periods.setdefault(festival, []).append(day)
    return [
        {"festival": key, "label": FESTIVAL_LABELS[key], "days": days}
        for key, days in sorted(periods.items(), key=lambda item: item[1][0])
    ]


def is_no_suspension_holiday(day: date) -> bool:
    return day in festival_days(day.year)


# SERVICE-10 (D-DESK-16): a delayed suspension protects its line while granted: open, in
# progress or done (a refused or cancelled one protects nothing), as a reactivation counts.
DELAYED_SUSPENSION_GRANTED = (RequestStatus.OPEN, RequestStatus.IN_PROGRESS, RequestStatus.DONE)
REASON_HOLIDAY = "holiday"
REASON_DELAYED_SUSPENSION = "delayed_suspension"


def delayed_suspensions_on(day: date) -> QuerySet[ServiceRequest]:
    """SERVICE-10: the granted delayed suspensions whose days include ``day``."""
    return ServiceRequest.objects.filter(
        kind=RequestKind.DELAYED_SUSPENSION,
        status__in=DELAYED_SUSPENSION_GRANTED,
        valid_from__lte=day,
        valid_until__gte=day,
    )


def holiday_last_day(day: date) -> date | None:
    """SERVICE-5: the last day of the festival holiday ``day`` is in (None: not a holiday)."""
    if not is_no_suspension_holiday(day):
        return None
    last = day
    while is_no_suspension_holiday(last + timedelta(days=1)):
        last += timedelta(days=1)
    return last


def customers_protected_on(day: date) -> QuerySet[Customer]:
    """The one answer to "may this line be suspended for arrears on ``day``?": the lines
    that may not. SERVICE-5: every line on a festival day except those that opted out for
    that year; SERVICE-10: every line with a delayed suspension granted for that day.
    Cancelled lines are never listed. On a working day the query starts from the delayed
    suspensions (a semi-join on their few customers, the ``kind`` index), not from every
    line: a correlated probe per line cost 0.34 s at 200,000 lines (bench_daily_jobs)."""
    delayed = Q(pk__in=delayed_suspensions_on(day).values("customer_id"))
    protected: Any = delayed
    if is_no_suspension_holiday(day):
        protected |= ~Exists(_opted_out(day.year))
    return Customer.objects.exclude(status=Status.CANCELLED).filter(protected)


def _opted_out(year: int) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(
        customer=OuterRef("pk"),
        kind=RequestKind.HOLIDAY_OPT_OUT,
        year=year,
        status=RequestStatus.DONE,
    )


def no_suspension_list(day: date) -> QuerySet[Any]:
    """SERVICE-5/10 for billing: ``customers_protected_on(day)`` as rows of (``msisdn``,
    ``reason``, ``until``), one per line, in one query: ``reason`` is ``holiday`` or
    ``delayed_suspension``, whichever protects the line longer (the holiday on a tie),
    ``until`` the last protected day (the holiday's last day, or the delayed suspension's)."""
    delayed_until = Subquery(
        delayed_suspensions_on(day)
        .filter(customer=OuterRef("pk"))
        .order_by("-valid_until")
        .values("valid_until")[:1],
        output_field=DateField(),
    )
    lines = Customer.objects.exclude(status=Status.CANCELLED).annotate(delayed_until=delayed_until)
    holiday_end = holiday_last_day(day)
    if holiday_end is None:  # only the delayed suspensions' few lines, found from them
        rows = lines.filter(
            pk__in=delayed_suspensions_on(day).values("customer_id"), delayed_until__isnull=False
        ).annotate(reason=Value(REASON_DELAYED_SUSPENSION), until=F("delayed_until"))
    else:
        by_delay = Q(opted_out=True) | Q(delayed_until__gt=holiday_end)
        rows = (
            lines.annotate(opted_out=Exists(_opted_out(day.year)))
            .filter(Q(opted_out=False) | Q(delayed_until__isnull=False))
            .annotate(
                reason=Case(
                    When(by_delay, then=Value(REASON_DELAYED_SUSPENSION)),
                    default=Value(REASON_HOLIDAY),
                    output_field=CharField(),
                ),
                until=Case(
                    When(by_delay, then=F("delayed_until")),
                    default=Value(holiday_end),
                    output_field=DateField(),
                ),
            )
        )
    return rows.order_by("msisdn")


def arrears_suspension_allowed(customer: Customer, day: date) -> bool:
    """SERVICE-5/10 for one line: False on a festival day unless the customer opted out, and
    False while a delayed suspension is granted for the day."""
    return not customers_protected_on(day).filter(pk=customer.pk).exists()
