"""Whose birthday falls on a day, in SQL: SERVICE-6 (the birthday waiver) and SERVICE-14
(the VIP customers' birthday gift) share it."""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import Q


def birthday_filter(day: date, field: str = "birth_date") -> Q:
    """Birthdays on ``day``; 29 February ones on 28 February of other years (CONV-2).
    ``field`` is the date of birth's lookup path (``customer__birth_date`` from a related
    model)."""
    condition = Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        condition |= Q(**{f"{field}__month": 2, f"{field}__day": 29})
    return condition
