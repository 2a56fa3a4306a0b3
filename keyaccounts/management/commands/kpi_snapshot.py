"""kpi_snapshot YYYY-MM: store KPI-1 figures of a month (safe to run twice, CONV-5).

The calendar job ``kpi_snapshot`` run by hand (core/job_commands.py): recorded as the JobRun
(kpi_snapshot, YYYY-MM) of the monthly close.
"""

from typing import Any

from django.core.management.base import CommandError

from core.dates import parse_month
from core.job_commands import JobCommand


class Command(JobCommand):
    help = "KPI-1: store the month's mid-high-end count and snapshot retention figures."
    job_name = "kpi_snapshot"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("month", help="YYYY-MM")

    def job_period(self, **options: Any) -> str:
        month = options["month"]
        try:
            return f"{parse_month(month):%Y-%m}"
        except ValueError as exc:
            raise CommandError(f"“{month}” is not a month in the form YYYY-MM") from exc

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return (
            f"KPI-1 {period}: created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, removed {counts['removed']}"
        )
