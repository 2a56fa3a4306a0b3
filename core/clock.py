"""The programme's clock: the one place code asks what time and what day it is.

Every "now" and "today" of the product comes from here, so a test (or the date sweep,
`make test-dates`) moves the whole product's time by freezing the process clock with
time-machine, and no code path can read a different day from another source. "Today" is
the day in the programme's time zone (settings.TIME_ZONE, Asia/Shanghai), never the
machine's.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()


def today() -> date:
    """Today's date in the programme's time zone."""
    return timezone.localdate(timezone.now())


def this_month() -> date:
    """The first day of the current month in the programme's time zone."""
    return today().replace(day=1)


def start_of_day(day: date) -> datetime:
    """The first instant of ``day`` in the programme's time zone (aware). A filter on a day
    of a timestamp column compares with this (``>= start_of_day(d)``, ``< start_of_day(d +
    1)``) rather than casting the column to a date, so an index on the column serves it."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))
