"""export_no_suspension [--date YYYY-MM-DD]: SERVICE-5/10, billing's list of the lines it
may not suspend for arrears that day (docs/interfaces.md, project's own),
``EXPORT_ROOT/no_suspension_<date>.csv``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from core.job_calendar import programme_today
from core.job_commands import JobCommand
from servicedesk.management.commands.run_birthday_waivers import iso_date
from servicedesk.services.suspension import no_suspension_summary


class Command(JobCommand):
    help = (
        "SERVICE-5/10: write EXPORT_ROOT/no_suspension_<date>.csv (msisdn,reason,until): "
        "the lines not to suspend for arrears on --date (default today), because of a "
        "statutory holiday or a delayed suspension. Safe to run twice."
    )
    job_name = "export_no_suspension"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD (default: today)")

    def job_period(self, **options: Any) -> str:
        day = options.get("day")
        return (iso_date(day) if day else programme_today()).isoformat()

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return no_suspension_summary(counts)
