"""Calendar arithmetic of the programme (CONV-2, CONV-3)."""

from __future__ import annotations

import calendar
from datetime import date


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    """CONV-3: a monthly rule is evaluated as of the month's last day."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def parse_month(value: str) -> date:
    """'YYYY-MM' → the first day of that month; ValueError on anything else."""
    year, month = value.split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(f"“{value}” is not a month in the form YYYY-MM")
    return date(int(year), int(month), 1)


def anniversary(joined_on: date, year: int) -> date:
    """CONV-2: the anniversary in ``year``; a 29 February join has it on 28 February."""
    if joined_on.month == 2 and joined_on.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return joined_on.replace(year=year)


def tenure_years(joined_on: date, on: date) -> int:
    """CONV-2: whole years from ``joined_on`` to ``on``; reaching the anniversary counts."""
    if on < joined_on:
        return 0
    years = on.year - joined_on.year
    if on < anniversary(joined_on, on.year):
        years -= 1
    return years


def tenure_months(joined_on: date, on: date) -> int:
    """CONV-2: whole months; the monthly anniversary is the join day, or the month's last
    day when the month is shorter (joined 31 January: one month on 28/29 February)."""
    if on < joined_on:
        return 0
    months = (on.year - joined_on.year) * 12 + on.month - joined_on.month
    if on < add_months(joined_on, months):
        months -= 1
    return months
