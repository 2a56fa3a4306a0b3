"""SERVICE-5 and GROUP-4 greetings: the statutory holidays of a year, from ``holidays``.

The dates come from the maintained ``holidays`` library (China's official calendar, lunar
festivals and the State Council's days off included); nothing here is a hard-coded table.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
from django.db.models import Exists, OuterRef, QuerySet
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


def customers_protected_on(day: date) -> QuerySet[Customer]:
    """SERVICE-5: lines that may not be suspended for arrears on ``day``: every line on a
    festival day except those that opted out for that year (empty on other days)."""
    if not is_no_suspension_holiday(day):
        return Customer.objects.none()
    opted_out = ServiceRequest.objects.filter(
        customer=OuterRef("pk"),
        kind=RequestKind.HOLIDAY_OPT_OUT,
        year=day.year,
        status=RequestStatus.DONE,
    )
    return Customer.objects.exclude(status=Status.CANCELLED).exclude(Exists(opted_out))


def arrears_suspension_allowed(customer: Customer, day: date) -> bool:
    """SERVICE-5 for one line: False on a festival day unless the customer opted out."""
    return not customers_protected_on(day).filter(pk=customer.pk).exists()
