"""export_birthday_minutes [--date YYYY-MM-DD]: SERVICE-9, billing's file of the packages
valid that day (docs/interfaces.md, project's own), ``EXPORT_ROOT/birthday_minutes_<date>.csv``.
"""

from __future__ import annotations

from typing import Any

from core.job_commands import DayJobCommand
from servicedesk.services.birthday_minutes import export_summary


class Command(DayJobCommand):
    help = (
        "SERVICE-9: write EXPORT_ROOT/birthday_minutes_<date>.csv (msisdn,valid_on,minutes,"
        "source) with the birthday minutes valid on --date (default today). Safe to run twice."
    )
    job_name = "export_birthday_minutes"

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return export_summary(counts)
