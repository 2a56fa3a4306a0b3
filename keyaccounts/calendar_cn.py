"""The Chinese calendar the programme runs on, from the maintained ``holidays`` library.

Statutory holidays with their lunar dates and the make-up working days 调休上班 (a Saturday
or Sunday that is a working day) come from ``holidays.country_holidays("CN")``; nothing here
is a hard-coded table. For a year whose State Council notice the installed library does not
know yet, only the fixed and lunar holidays are known and make-up days are missing
(Decision D-GROUP-4).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from keyaccounts.models import CareOccasion

# GROUP-4: the greeting holidays, by their name in the library's zh_CN calendar. Only the
# first day of each counts (the library also lists the days off that follow).
GREETING_HOLIDAY_NAMES: dict[str, str] = {
    CareOccasion.NEW_YEAR: "元旦",
    CareOccasion.SPRING_FESTIVAL: "春节",
    CareOccasion.DRAGON_BOAT: "端午节",
    CareOccasion.MID_AUTUMN: "中秋节",
}


@lru_cache(maxsize=64)
def china_holidays(year: int) -> holidays.HolidayBase:
    """The statutory calendar of ``year`` (cached; never queried outside its year)."""
    return holidays.country_holidays("CN", years=year, language="zh_CN")


def greeting_dates(year: int) -> dict[str, date]:
    """GROUP-4: occasion → the date of 元旦, 春节, 端午, 中秋 in ``year``."""
    calendar = china_holidays(year)
    found: dict[str, date] = {}
    for day, names in sorted(calendar.items()):
        for name in names.split("; "):
            for occasion, wanted in GREETING_HOLIDAY_NAMES.items():
                if name == wanted and occasion not in found:
                    found[occasion] = day
    return found


def is_working_day(day: date) -> bool:
    """Monday to Friday that is no statutory holiday or day off, and every make-up day."""
    return bool(china_holidays(day.year).is_working_day(day))


def working_days_between(start: date, end: date) -> int:
    """The number of working days in (``start``, ``end``]: after ``start``, up to ``end``."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def overdue_cutoff(today: date, working_days: int) -> date:
    """The latest day ``d`` for which more than ``working_days`` working days lie in
    (``d``, ``today``]: anything raised on or before it is overdue on ``today``."""
    seen = 0
    day = today
    while True:
        seen += is_working_day(day)
        if seen > working_days:
            return day - timedelta(days=1)
        day -= timedelta(days=1)
