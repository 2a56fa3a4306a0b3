"""import_call_log PATH: SERVICE-7, the hotline call log (columns: D-DESK-8, D-DESK-14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from servicedesk.services.hotline import call_log_import


class Command(BaseCommand):
    help = (
        "Import the hotline call log CSV (call_id,started_at,msisdn,vip,wait_seconds,"
        "transfer,transfer_ok[,transfer_asked,expert,expert_wait_seconds]). Any bad row: every bad row is reported, nothing is imported, "
        "exit 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")

    @no_translations  # a machine reads the output: always the English messages
    def handle(self, *args: Any, path: str, dry_run: bool = False, **options: Any) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file", returncode=1)
        try:
            with file.open(encoding="utf-8", newline="") as handle:
                result = call_log_import(fileobj=handle, dry_run=dry_run)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text ({exc})", returncode=1) from exc
        if result.errors:
            for error in result.errors:
                self.stdout.write(error)
            raise CommandError(f"{len(result.errors)} bad line(s); nothing imported", returncode=1)
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(prefix + result.summary())
