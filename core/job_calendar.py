"""The programme's calendar: which batch job runs when, and for which period (CONV-5).

The vocabulary of the calendar: a job's period kind, its crontab (``Schedule``, in
Asia/Shanghai, CONV-4; a day may name a programme setting) and its entry (``JobSpec``: the
job, the app that provides it, its period kind, which period a scheduled run picks relative
to the day it fires). Each app declares its own jobs, schedule included, where it registers
their code (``<app>/jobs.py``, see core/jobs.py); ``core.job_registry.calendar()`` lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from core import clock
from core.errors import DomainError
from core.programme import programme


class PeriodKind(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


PERIOD_FORMATS: dict[PeriodKind, str] = {
    PeriodKind.YEAR: "YYYY",
    PeriodKind.MONTH: "YYYY-MM",
    PeriodKind.DAY: "YYYY-MM-DD",
}
_PERIOD_RE: dict[PeriodKind, re.Pattern[str]] = {
    PeriodKind.YEAR: re.compile(r"^\d{4}$"),
    PeriodKind.MONTH: re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    PeriodKind.DAY: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


def period_clean(kind: PeriodKind, value: str) -> str:
    """The period as the job keys it, or a DomainError a supervisor can act on."""
    period = (value or "").strip()
    valid = bool(_PERIOD_RE[kind].match(period)) and period[:4] >= "1900"
    if valid and kind is PeriodKind.DAY:
        try:
            date.fromisoformat(period)
        except ValueError:
            valid = False
    if not valid:
        raise DomainError(
            gettext("“%(value)s” is not a period of this job: expected %(format)s.")
            % {"value": value, "format": PERIOD_FORMATS[kind]},
            code="bad_period",
        )
    return period


def programme_today(now: datetime | None = None) -> date:
    """CONV-4: today in the programme's calendar (Asia/Shanghai)."""
    return timezone.localtime(now or clock.now(), ZoneInfo(settings.TIME_ZONE)).date()


def period_of(kind: PeriodKind, day: date, offset: int) -> str:
    """The period ``offset`` steps from the one containing ``day`` (-1: the previous one)."""
    if kind is PeriodKind.YEAR:
        return f"{day.year + offset:04d}"
    if kind is PeriodKind.MONTH:
        index = day.year * 12 + day.month - 1 + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return (day + timedelta(days=offset)).isoformat()


@dataclass(frozen=True)
class Schedule:
    """A crontab in the programme's time zone; a day given as a string is a programme key."""

    hour: int
    minute: int = 0
    day_of_month: int | str = "*"
    month_of_year: int | str = "*"

    def crontab(self) -> dict[str, str]:
        return {
            "minute": str(self.minute),
            "hour": str(self.hour),
            "day_of_week": "*",
            "day_of_month": self._field(self.day_of_month),
            "month_of_year": self._field(self.month_of_year),
        }

    @staticmethod
    def _field(value: int | str) -> str:
        if isinstance(value, int) or value == "*":
            return str(value)
        return str(int(programme(value)))  # a programme key, e.g. "MONTHLY_CLOSE_DAY"

    def human(self) -> str:
        cron = self.crontab()
        at = f"{self.hour:02d}:{self.minute:02d}"
        if cron["month_of_year"] != "*":
            return gettext("every year on %(month)s-%(day)s at %(time)s") % {
                "month": cron["month_of_year"].zfill(2),
                "day": cron["day_of_month"].zfill(2),
                "time": at,
            }
        if cron["day_of_month"] != "*":
            return gettext("every month on day %(day)s at %(time)s") % {
                "day": cron["day_of_month"],
                "time": at,
            }
        return gettext("every day at %(time)s") % {"time": at}

    def describe(self) -> str:
        cron = self.crontab()
        return (
            f"{cron['minute']} {cron['hour']} {cron['day_of_month']} {cron['month_of_year']} *"
            f" ({settings.TIME_ZONE})"
        )


@dataclass(frozen=True)
class JobSpec:
    """A job of the calendar: name (also its command and its task ``jobs.<name>``), the app
    that provides it, its period kind, the period a scheduled run picks and when it fires."""

    name: str
    app: str
    period_kind: PeriodKind
    title: str | Promise
    rules: tuple[str, ...] = ()
    schedule: Schedule | None = None
    period_offset: int = 0  # -1: the previous period, relative to the day the run fires

    def period_for(self, now: datetime | None = None) -> str:
        """The period a scheduled run computes from ``now`` (a close on 5 Dec → the November)."""
        return period_of(self.period_kind, programme_today(now), self.period_offset)


_KIND_ORDER = {PeriodKind.MONTH: 0, PeriodKind.YEAR: 1, PeriodKind.DAY: 2}


def calendar_order(spec: JobSpec) -> tuple[int, int, int, int, str]:
    """Where a job stands in the calendar: monthly jobs, then yearly, then daily; each in
    the order they fire (month of the year, then time of day)."""
    assert spec.schedule is not None
    month = spec.schedule.month_of_year
    return (
        _KIND_ORDER[spec.period_kind],
        month if isinstance(month, int) else 0,
        spec.schedule.hour,
        spec.schedule.minute,
        spec.name,
    )
