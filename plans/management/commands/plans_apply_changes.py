"""plans_apply_changes --date YYYY-MM-DD: scheduled plan changes due by then take effect."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core import clock
from plans.services import plans_make_effective


class Command(BaseCommand):
    help = "PLAN-6: put the scheduled plan changes due on or before the date in force."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", dest="on", default="", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, on: str, **options: Any) -> None:
        try:
            day = date.fromisoformat(on) if on else clock.today()
        except ValueError as exc:
            raise CommandError(f"--date “{on}” is not a date in the form YYYY-MM-DD") from exc
        counts = plans_make_effective(on=day)
        self.stdout.write(
            f"plans_apply_changes {day.isoformat()}: {counts['effective']} in force, "
            f"{counts['ended']} ended, {counts['grants_created']} level grants given, "
            f"{counts['grants_ended']} ended"
        )
