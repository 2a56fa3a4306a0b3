"""The programme's calendar: which batch job runs when, and for which period (CONV-5).

Declarative data only: each entry names a job, the app expected to provide it, the kind of
period it is keyed by, which period a scheduled run picks (relative to the day it fires, in
Asia/Shanghai, CONV-4) and its crontab. The days come from core/programme.py. The code of a
job is registered by its app (``<app>/jobs.py``, see core/jobs.py); an entry nobody has
registered yet fails its runs with "not available yet" instead of pretending to succeed.
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
from django.utils.translation import gettext_lazy as _

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


Y, M, D = PeriodKind.YEAR, PeriodKind.MONTH, PeriodKind.DAY

# The calendar. Times are local (Asia/Shanghai); the monthly close is staggered so its steps
# run in this order: plan levels, accrual, credit, KPI-1.
CALENDAR: tuple[JobSpec, ...] = (
    # Monthly, after the bills are in (MONTHLY_CLOSE_DAY, default the 5th): last month.
    JobSpec(
        "plans_apply_changes",
        "plans",
        M,
        _("Refresh plan-carried levels"),
        ("TIER-5", "PLAN-6"),
        Schedule(hour=1, minute=0, day_of_month="MONTHLY_CLOSE_DAY"),
        period_offset=-1,
    ),
    JobSpec(
        "accrue_points",
        "points",
        M,
        _("Accrue the month's points"),
        ("POINTS-1", "POINTS-4"),
        Schedule(hour=1, minute=30, day_of_month="MONTHLY_CLOSE_DAY"),
        period_offset=-1,
    ),
    JobSpec(
        "rate_credit",
        "membership",
        M,
        _("Rate credit stars"),
        ("CREDIT-5",),
        Schedule(hour=2, minute=30, day_of_month="MONTHLY_CLOSE_DAY"),
        period_offset=-1,
    ),
    JobSpec(
        "kpi_snapshot",
        "membership",
        M,
        _("KPI-1 snapshot"),
        ("KPI-1",),
        Schedule(hour=3, minute=30, day_of_month="MONTHLY_CLOSE_DAY"),
        period_offset=-1,
    ),
    # Yearly.
    JobSpec(  # TIER-4: a preview only; the commit waits for a supervisor.
        "rate_annual_preview",
        "membership",
        Y,
        _("Annual rating preview"),
        ("TIER-3", "TIER-4"),
        Schedule(hour=4, minute=0, day_of_month="ANNUAL_RATING_DAY", month_of_year=1),
        period_offset=-1,
    ),
    JobSpec(  # POINTS-6 / NOTICE-1: tell customers in November what expires on 31 December
        # (an SMS through servicedesk's outbox, from points' selectors).
        "expiry_reminders",
        "servicedesk",
        Y,
        _("Points expiry reminders"),
        ("POINTS-6", "NOTICE-1"),
        Schedule(hour=9, minute=0, day_of_month="POINTS_EXPIRY_REMINDER_DAY", month_of_year=11),
    ),
    JobSpec(  # POINTS-6: `expire_points YEAR` on 31 December YEAR, late in the day.
        "expire_points",
        "points",
        Y,
        _("Points expiry"),
        ("POINTS-6",),
        Schedule(hour=23, minute=30, day_of_month="POINTS_EXPIRY_DAY", month_of_year=12),
    ),
    # Daily.
    JobSpec(  # SERVICE-6: yesterday's birthdays.
        "run_birthday_waivers",
        "servicedesk",
        D,
        _("Birthday waivers"),
        ("SERVICE-6", "NOTICE-1"),
        Schedule(hour=0, minute=30),
        period_offset=-1,
    ),
    JobSpec(  # GROUP-4 / SERVICE-2: account managers are told of coming birthdays.
        "birthday_reminders",
        "membership",
        D,
        _("Birthday reminders to account managers"),
        ("GROUP-4",),
        Schedule(hour=7, minute=0),
    ),
    JobSpec(  # GROUP-4 / NOTICE-1
        "holiday_greetings",
        "servicedesk",
        D,
        _("Holiday greeting tasks"),
        ("GROUP-4", "NOTICE-1"),
        Schedule(hour=7, minute=30),
    ),
    JobSpec(  # TIER-7
        "overdue_approvals",
        "membership",
        D,
        _("Overdue upgrade approvals"),
        ("TIER-7",),
        Schedule(hour=8, minute=0),
    ),
    JobSpec(  # CUST-9 / D-IMPORT-6: files kept by passed dry runs and never imported.
        "import_files_cleanup",
        "membership",
        D,
        _("Delete unused checked feed files"),
        ("CUST-9",),
        Schedule(hour=3, minute=45),
    ),
    JobSpec(  # NOTICE-1: the daily sweep of messages whose sending failed.
        "outbox_retries",
        "servicedesk",
        D,
        _("Outbox retries"),
        ("NOTICE-1",),
        Schedule(hour=9, minute=30),
    ),
)
