"""`accrue_points YYYY-MM`: POINTS-1..4 for that month's bills (INTERFACES.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from membership.dates import parse_month
from points.services import accrual_summary, points_accrue


class Command(BaseCommand):
    help = "Accrue the month's points from its bills (set-based; safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="The billed month, YYYY-MM.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(
                f"“{options['month']}” is not a month in the form YYYY-MM.", returncode=1
            ) from exc
        try:
            run = points_accrue(month=month)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self.stdout.write(accrual_summary(run))
