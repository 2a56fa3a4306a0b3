"""`points_reconcile [--fix]`: prove every lot balance from its entries (POINTS-11)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from points.services import lots_reconcile


class Command(BaseCommand):
    help = (
        "Compare each lot's stored balance with the sum of its ledger entries and report every "
        "difference (exit status 1 if any); --fix rebuilds the stored balances from the entries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="Rebuild stored balances from the entries."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = lots_reconcile(fix=options["fix"])
        for d in result.differences:
            self.stdout.write(
                f"lot {d.lot_id} ({d.msisdn}, {d.year}{', exempt' if d.exempt else ''}): "
                f"stored {d.stored}, entries sum to {d.from_entries}"
            )
        for entry_id in result.misfiled_entries:
            self.stdout.write(f"entry {entry_id}: customer or year differs from its lot")
        summary = (
            f"points_reconcile: {result.lots} lots checked, {len(result.differences)} "
            f"differences, {len(result.misfiled_entries)} misfiled entries"
        )
        if options["fix"]:
            summary += f", {result.fixed} lots rebuilt"
        if result.clean or (
            options["fix"]
            and not result.misfiled_entries
            and result.fixed == len(result.differences)
        ):
            self.stdout.write(summary)
            return
        raise CommandError(summary, returncode=1)
