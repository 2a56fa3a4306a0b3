"""`rate_credit YYYY-MM`: CREDIT-1..5 as of that month's last day (INTERFACES.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from core.jobs import job_run
from membership.dates import parse_month
from membership.services.credit import credit_rate_month


class Command(BaseCommand):
    help = "Rate every customer's credit stars (CREDIT-1..5) as of the month's last day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="The month to rate, YYYY-MM.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(f"“{options['month']}” is not a month in the form YYYY-MM.") from exc
        try:
            # CONV-5: recorded as the JobRun (rate_credit, YYYY-MM), like the scheduled run.
            with job_run("rate_credit", f"{month:%Y-%m}") as run:
                if run.skipped:  # already succeeded (or running elsewhere): nothing is done
                    done = run.run.counts
                    if done:
                        done = {**done, "changed": 0, "removed": 0}
                        self.stdout.write(f"{self._summary(done)} — {run.message}")
                    else:
                        self.stdout.write(run.message)
                    return
                run.counts = counts = credit_rate_month(month=month)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self._summary(counts))

    @staticmethod
    def _summary(counts: dict[str, Any]) -> str:
        # Highest first, whatever order the stored JSON object comes back in (PostgreSQL).
        by_stars = sorted(counts["stars"].items(), key=lambda item: -int(item[0]))
        stars = ", ".join(f"{n}★ {count}" for n, count in by_stars)
        return (
            f"credit {counts['month']}: rated {counts['rated']} ({stars}); "
            f"changed {counts['changed']}, removed {counts['removed']}"
        )
