"""`rate_credit YYYY-MM`: CREDIT-1..5 as of that month's last day (docs/interfaces.md).

The chunked job ``rate_credit`` (membership/jobs.py) run here, in this process, as the
JobRun (rate_credit, YYYY-MM) the schedule would use (CONV-5, core/job_commands.py). Run
again, it rates the month again and reports what that run changed (``changed 0`` when
nothing did).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from core.dates import parse_month
from core.job_commands import JobCommand


class Command(JobCommand):
    help = "Rate every customer's credit stars (CREDIT-1..5) as of the month's last day."
    job_name = "rate_credit"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="The month to rate, YYYY-MM.")

    def job_period(self, **options: Any) -> str:
        value = options["month"]
        try:
            month = parse_month(value)
        except ValueError as exc:
            raise CommandError(
                _("“%(value)s” is not a month in the form YYYY-MM.") % {"value": value},
                returncode=1,
            ) from exc
        return f"{month:%Y-%m}"

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        # Highest first, whatever order the stored JSON object comes back in (PostgreSQL).
        by_stars = sorted(counts["stars"].items(), key=lambda item: -int(item[0]))
        stars = ", ".join(f"{n}★ {count}" for n, count in by_stars)
        return (
            f"credit {counts['month']}: rated {counts['rated']} ({stars}); "
            f"changed {counts['changed']}, removed {counts['removed']}"
        )
