"""servicedesk's jobs of the programme's calendar (with their schedules), for the runner in
core/jobs.py, which imports this module on first use. Each takes its period as the command
of docs/interfaces.md does and returns the counts the JobRun keeps.

All run whole: the birthday minutes (one INSERT … SELECT) and the two files for billing
(one query each, streamed), the birthday waiver is a few set-based statements (waivers, late-usage
corrections, SMS; D-DESK-12), the greetings one, and the outbox sweep claims message by
message (it calls the SMS gateway, so it must not run inside a chunk's transaction).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.jobs import PeriodKind, Schedule, register_periodic, whole_job
from points.selectors import expiring_by_customer
from servicedesk.services.birthday_minutes import birthday_minutes_export, birthday_minutes_grant
from servicedesk.services.notices import notice_expiry_reminders, notice_holiday_greetings
from servicedesk.services.outbox import outbox_send_due
from servicedesk.services.suspension import no_suspension_export
from servicedesk.services.waivers import birthday_waivers_run


@whole_job(  # SERVICE-6: yesterday's birthdays.
    "run_birthday_waivers",
    period_kind=PeriodKind.DAY,
    title=_("Birthday waivers"),
    rules=("SERVICE-6", "NOTICE-1"),
    schedule=Schedule(hour=0, minute=30),
    period_offset=-1,
)
def run_birthday_waivers(period: str) -> dict[str, Any]:
    """SERVICE-6 for the birthdays of the day (`run_birthday_waivers --date YYYY-MM-DD`)."""
    return birthday_waivers_run(day=date.fromisoformat(period)).as_counts()


@whole_job(  # SERVICE-9: today's birthdays, early in the day.
    "grant_birthday_minutes",
    period_kind=PeriodKind.DAY,
    title=_("Birthday minutes"),
    rules=("SERVICE-9",),
    schedule=Schedule(hour=0, minute=5),
)
def grant_birthday_minutes(period: str) -> dict[str, Any]:
    """SERVICE-9: the packages of the day's birthdays (`grant_birthday_minutes --date`)."""
    return birthday_minutes_grant(day=date.fromisoformat(period))


@whole_job(  # SERVICE-9: billing's file of the day's packages, after the grant.
    "export_birthday_minutes",
    period_kind=PeriodKind.DAY,
    title=_("Birthday minutes file for billing"),
    rules=("SERVICE-9",),
    schedule=Schedule(hour=0, minute=15),
)
def export_birthday_minutes(period: str) -> dict[str, Any]:
    """SERVICE-9: `birthday_minutes_YYYY-MM-DD.csv` (`export_birthday_minutes --date`); a
    package added by hand during the day writes it again."""
    return birthday_minutes_export(day=date.fromisoformat(period))


@whole_job(  # SERVICE-5 / SERVICE-10: who billing may not suspend for arrears today.
    "export_no_suspension",
    period_kind=PeriodKind.DAY,
    title=_("No-suspension list for billing"),
    rules=("SERVICE-5", "SERVICE-10"),
    schedule=Schedule(hour=0, minute=20),
)
def export_no_suspension(period: str) -> dict[str, Any]:
    """SERVICE-5/10: `no_suspension_YYYY-MM-DD.csv` (`export_no_suspension --date`)."""
    return no_suspension_export(day=date.fromisoformat(period))


@whole_job(
    "holiday_greetings",
    period_kind=PeriodKind.DAY,
    title=_("Holiday greeting tasks"),
    rules=("GROUP-4", "NOTICE-1"),
    schedule=Schedule(hour=7, minute=30),
)
def holiday_greetings(period: str) -> dict[str, Any]:
    """GROUP-4 / NOTICE-1: greetings to key persons if the day is 元旦, 春节, 端午 or 中秋."""
    return {"greetings": notice_holiday_greetings(day=date.fromisoformat(period))}


@whole_job(  # NOTICE-1: the daily sweep of messages whose sending failed.
    "outbox_retries",
    period_kind=PeriodKind.DAY,
    title=_("Outbox retries"),
    rules=("NOTICE-1",),
    schedule=Schedule(hour=9, minute=30),
)
def outbox_retries(period: str) -> dict[str, Any]:
    """NOTICE-1: send what is due and take back sends whose worker died."""
    return dict(outbox_send_due())


@whole_job(  # points' selectors, servicedesk's outbox
    "expiry_reminders",
    period_kind=PeriodKind.YEAR,
    title=_("Points expiry reminders"),
    rules=("POINTS-6", "NOTICE-1"),
    schedule=Schedule(
        hour=9, minute=0, day_of_month="POINTS_EXPIRY_REMINDER_DAY", month_of_year=11
    ),
)
def expiry_reminders(period: str) -> dict[str, Any]:
    """POINTS-6 / NOTICE-1: in November, tell each customer what expires on 31 December."""
    year = int(period)
    rows = expiring_by_customer(year).values_list("customer_id", "points")
    return {"reminders": notice_expiry_reminders(year=year, rows=rows)}


# D-TRUST-13: an SMS stored while Redis was down waits in the outbox; this sends it within
# ten minutes of Redis coming back (the daily outbox_retries job takes back the rest).
register_periodic(
    "outbox: send what is due",
    task="servicedesk.send_outbox",
    seconds=600,
    description="NOTICE-1 / D-TRUST-13: send the outbox's due messages (sync_beat).",
)
