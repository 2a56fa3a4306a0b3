"""rate_annual YEAR [--commit] (INTERFACES.md): TIER-3/4 preview, or commit of the grants."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.jobs import job_run
from membership.models import LEVEL_RANK
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
                # CONV-5: recorded as the JobRun (rate_annual_preview, YEAR), like the
                # scheduled January run; a second preview prints the first one's counts.
                with job_run("rate_annual_preview", period) as recorded:
                    if recorded.skipped:
                        line = self._preview_line(period, recorded.run.counts)
                        message = recorded.message
                        self.stdout.write(f"{line} — {message}" if line else message)
                        return
                    recorded.counts = policy.preview(period=period).as_counts()
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self._preview_line(period, recorded.counts))
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

    @staticmethod
    def _preview_line(period: str, counts: dict[str, Any]) -> str:
        if not counts:
            return ""
        per_level = counts["per_level"]  # a JSON object: PostgreSQL does not keep its order
        order = [*LEVEL_RANK, "none"]
        levels = ", ".join(f"{level} {per_level[level]}" for level in order if level in per_level)
        return (
            f"rating {period} preview: rated {counts['rated']} ({levels}); "
            f"upgrades {counts['upgrades']}, downgrades {counts['downgrades']}; "
            f"grants valid {counts['valid_from']}–{counts['valid_until']}"
        )
