"""run_birthday_waivers --date YYYY-MM-DD: SERVICE-6 for that day's birthdays (docs/interfaces.md).

The calendar job ``run_birthday_waivers`` (servicedesk/jobs.py) run here, as the JobRun
(run_birthday_waivers, YYYY-MM-DD) the daily schedule uses (CONV-5, core/job_commands.py);
run again, it adds nothing already recorded and prints its own counts ("0 new").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from core.job_calendar import programme_today
from core.job_commands import JobCommand
from servicedesk.services.waivers import waivers_summary


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("“%(value)s” is not a date YYYY-MM-DD") % {"value": value}, returncode=1
        ) from exc


class Command(JobCommand):
    help = (
        "SERVICE-6: waive the domestic basic fees of the birthday for active GoTone lines "
        "whose birthday is --date (default yesterday) and queue the next day's SMS; top up "
        "the waivers of the BIRTHDAY_WAIVER_LOOKBACK_DAYS days before with late usage, and "
        "tell the final amount of those whose lookback ends if it changed. Safe to run twice."
    )
    job_name = "run_birthday_waivers"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD (default: yesterday)")

    def job_period(self, **options: Any) -> str:
        day = options.get("day")
        # CONV-4: yesterday in the programme's calendar (Asia/Shanghai), as the schedule picks.
        target = iso_date(day) if day else programme_today() - timedelta(days=1)
        return target.isoformat()

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return waivers_summary(period, counts)
