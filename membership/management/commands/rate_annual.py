"""rate_annual YEAR [--commit] (docs/interfaces.md): TIER-3/4 preview, or commit of the grants.

Without ``--commit`` it is the calendar job ``rate_annual_preview`` run here, as the JobRun
(rate_annual_preview, YEAR) the January schedule uses (CONV-5, core/job_commands.py): each
run is a fresh preview of the data as it is now. ``--commit`` is not a calendar job: its
RatingRun records the commit, and a second commit is refused and changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.job_commands import JobCommand
from membership.models import LEVEL_RANK
from membership.services.rating import GoToneAnnualPolicy


class Command(JobCommand):
    help = "Annual rating for YEAR: a preview (counts per level, upgrades, downgrades); --commit writes the grants."
    job_name = "rate_annual_preview"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="The year rated, YYYY.")
        parser.add_argument("--commit", action="store_true", help="write the grants")

    def job_period(self, **options: Any) -> str:
        value = str(options["year"]).strip()
        if not re.fullmatch(r"\d{4}", value):
            raise CommandError(
                _("“%(value)s” is not a year in the form YYYY.") % {"value": options["year"]},
                returncode=1,
            )
        return value

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["commit"]:
            super().handle(*args, **options)  # the preview job
            return
        period = self.job_period(**options)
        try:
            with translation.override("en"):  # the operator's output stays English
                run = GoToneAnnualPolicy().commit(period=period)
        except DomainError as exc:
            if exc.code == "already_committed":  # CONV-5: the second run changes nothing
                self.stdout.write(str(exc))
                return
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(
            f"rating {period} committed: {run.counts['granted']} grants valid "
            f"{run.counts['valid_from']}–{run.counts['valid_until']}"
        )

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        per_level = counts["per_level"]  # a JSON object: PostgreSQL does not keep its order
        order = [*LEVEL_RANK, "none"]
        levels = ", ".join(f"{level} {per_level[level]}" for level in order if level in per_level)
        return (
            f"rating {period} preview: rated {counts['rated']} ({levels}); "
            f"upgrades {counts['upgrades']}, downgrades {counts['downgrades']}; "
            f"grants valid {counts['valid_from']}–{counts['valid_until']}"
        )
