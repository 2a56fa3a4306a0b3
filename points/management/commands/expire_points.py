"""`expire_points YEAR`: POINTS-6 on 31 December YEAR (docs/interfaces.md).

The calendar job ``expire_points`` run by hand (core/job_commands.py): recorded as the
JobRun (expire_points, YEAR); refused before the clearing day; run again, it clears
nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.job_commands import JobCommand
from points.services import expiry_summary


class Command(JobCommand):
    help = (
        "Clear what is left of the lots earned in YEAR-2 and before (easyown lots exempt); "
        "safe to run twice."
    )
    job_name = "expire_points"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="The year whose 31 December clearing this is.")

    def job_period(self, **options: Any) -> str:
        raw = options["year"]
        if not (isinstance(raw, str) and raw.isdigit() and len(raw) == 4):
            raise CommandError(f"“{raw}” is not a year (YYYY).", returncode=1)
        return raw

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return expiry_summary(period, counts)
