"""export_birthday_minutes [--date YYYY-MM-DD]: SERVICE-9, billing's file of the packages
valid that day (docs/interfaces.md, project's own), ``EXPORT_ROOT/birthday_minutes_<date>.csv``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from core.job_calendar import programme_today
from core.job_commands import JobCommand
from servicedesk.management.commands.run_birthday_waivers import iso_date
from servicedesk.services.birthday_minutes import export_summary


class Command(JobCommand):
    help = (
        "SERVICE-9: write EXPORT_ROOT/birthday_minutes_<date>.csv (msisdn,valid_on,minutes,"
        "source) with the birthday minutes valid on --date (default today). Safe to run twice."
    )
    job_name = "export_birthday_minutes"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD (default: today)")

    def job_period(self, **options: Any) -> str:
        day = options.get("day")
        return (iso_date(day) if day else programme_today()).isoformat()

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return export_summary(counts)
