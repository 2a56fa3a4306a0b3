"""kpi_snapshot YYYY-MM: store KPI-1 figures of a month (safe to run twice, CONV-5)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from membership.dates import parse_month
from membership.services.kpi import kpi_snapshot


class Command(BaseCommand):
    help = "KPI-1: store the month's mid-high-end count and snapshot retention figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args: Any, month: str, **options: Any) -> None:
        try:
            first = parse_month(month)
        except ValueError as exc:
            raise CommandError(f"“{month}” is not a month in the form YYYY-MM") from exc
        self.stdout.write(kpi_snapshot(month=first).summary())
