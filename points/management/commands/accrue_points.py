"""`accrue_points YYYY-MM`: POINTS-1..4 for that month's bills (docs/interfaces.md).

The calendar job ``accrue_points`` run by hand (core/job_commands.py): recorded as the
JobRun (accrue_points, YYYY-MM); run again, it writes only the corrections of re-imported
bills (POINTS-4).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.dates import parse_month
from core.job_commands import JobCommand
from points.services import accrual_summary


class Command(JobCommand):
    help = "Accrue the month's points from its bills (set-based; safe to run twice)."
    job_name = "accrue_points"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="The billed month, YYYY-MM.")

    def job_period(self, **options: Any) -> str:
        try:
            return f"{parse_month(options['month']):%Y-%m}"
        except ValueError as exc:
            raise CommandError(
                f"“{options['month']}” is not a month in the form YYYY-MM.", returncode=1
            ) from exc

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return accrual_summary(period, counts)
