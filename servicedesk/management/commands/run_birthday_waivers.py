"""run_birthday_waivers --date YYYY-MM-DD: SERVICE-6 for that day's birthdays (INTERFACES.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.errors import DomainError
from servicedesk.services.waivers import birthday_waivers_run


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"“{value}” is not a date YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = (
        "SERVICE-6: waive the domestic basic fees of the birthday for active GoTone lines "
        "whose birthday is --date (default yesterday) and queue the next day's SMS. "
        "Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD (default: yesterday)")

    def handle(self, *args: Any, day: str | None = None, **options: Any) -> None:
        target = iso_date(day) if day else timezone.localdate() - timedelta(days=1)
        try:
            run = birthday_waivers_run(day=target)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(run.summary())
