"""`expire_points YEAR`: POINTS-6 on 31 December YEAR (INTERFACES.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from points.services import expiry_summary, points_expire


class Command(BaseCommand):
    help = (
        "Clear what is left of the lots earned in YEAR-2 and before (easyown lots exempt); "
        "safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="The year whose 31 December clearing this is.")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["year"]
        if not (isinstance(raw, str) and raw.isdigit() and len(raw) == 4):
            raise CommandError(f"“{raw}” is not a year (YYYY).", returncode=1)
        try:
            run = points_expire(year=int(raw))
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self.stdout.write(expiry_summary(run))
