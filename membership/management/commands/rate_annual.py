"""rate_annual YEAR [--commit] (INTERFACES.md): TIER-3/4 preview, or commit of the grants."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from membership.services.rating import GoToneAnnualPolicy


class Command(BaseCommand):
    help = "Annual rating for YEAR: a preview (counts per level, upgrades, downgrades); --commit writes the grants."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--commit", action="store_true", help="write the grants")

    def handle(self, *args: Any, year: int, commit: bool, **options: Any) -> None:
        policy = GoToneAnnualPolicy()
        period = f"{year:04d}"
        if not commit:
            try:
                preview = policy.preview(period=period)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            levels = ", ".join(f"{level} {n}" for level, n in preview.per_level.items())
            self.stdout.write(
                f"rating {period} preview: rated {preview.rated} ({levels}); "
                f"upgrades {preview.upgrades}, downgrades {preview.downgrades}; "
                f"grants valid {preview.valid_from}–{preview.valid_until}"
            )
            return
        try:
            run = policy.commit(period=period)
        except DomainError as exc:
            if exc.code == "already_committed":  # CONV-5: the second run changes nothing
                self.stdout.write(str(exc))
                return
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"rating {period} committed: {run.counts['granted']} grants valid "
            f"{run.counts['valid_from']}–{run.counts['valid_until']}"
        )
