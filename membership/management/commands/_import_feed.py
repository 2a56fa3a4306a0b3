"""The one adapter behind import_customers, import_bills and import_usage (docs/interfaces.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from core.errors import DomainError
from membership.services.imports import FEEDS, RowError, feed_import


class FeedImportCommand(BaseCommand):
    """``import_<feed> PATH [--dry-run]``.

    Bad rows: every ``line N: <what is wrong>`` on stdout, nothing imported, exit status 1
    (a CommandError with returncode 1; its one-line count goes to stderr). Otherwise the
    one-line summary ``created X, updated Y`` on stdout and exit status 0, plus, for bills
    with a negative total, one ``note: …`` line on stderr (D-VALID-2).
    """

    feed = ""

    def add_arguments(self, parser: CommandParser) -> None:
        columns = ",".join(FEEDS[self.feed].columns)
        parser.add_argument("path", help=f"UTF-8 CSV file with the header {columns}")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate the whole file and print the summary without writing anything.",
        )

    @no_translations  # a machine reads the output: always the English messages
    def handle(self, *args: Any, **options: Any) -> None:
        def print_error(error: RowError) -> None:
            self.stdout.write(str(error))

        try:
            result = feed_import(
                feed=self.feed,
                path_or_file=options["path"],
                dry_run=options["dry_run"],
                on_error=print_error,
                max_errors=0,
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        if not result.ok:
            rows = "row" if result.error_count == 1 else "rows"
            raise CommandError(f"{result.error_count} bad {rows}; nothing imported.", returncode=1)
        self.stdout.write(result.summary)
        if result.note:  # D-VALID-2: flagged, imported rows; stdout stays the summary alone
            self.stderr.write(result.note)
