"""The base of the job commands of docs/interfaces.md (`accrue_points YYYY-MM`, `rate_credit
YYYY-MM`, `expire_points YEAR`, `run_birthday_waivers --date`, `rate_annual YEAR`).

Each command is its calendar job run by hand (CONV-5): the same runner, the same JobRun
(job, period) as the beat schedule and the supervisor page, so the run is visible on
/jobs/ whoever started it. The operator asked for the work, so the command does it now,
in this process (a chunked job's chunks one after the other), and prints the contract's
one-line summary:

- a run that never ran, or failed (its missing chunks only), is run;
- a run that succeeded is run again (``rerun``): every job is idempotent, so this writes
  only what changed since (a corrected bill: POINTS-4's correcting entries);
- a run that is running elsewhere is left alone: the command says so and exits 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.job_registry import Counts
from core.jobs import run_job
from core.models import JobRun


class JobCommand(BaseCommand):
    """Subclasses name the job, turn the options into its period and print its counts."""

    job_name: str = ""

    def job_period(self, **options: Any) -> str:
        raise NotImplementedError

    def job_summary(self, period: str, counts: Counts) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        period = self.job_period(**options)
        try:
            outcome = run_job(self.job_name, period, rerun=True, inline=True)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        run = outcome.run
        if outcome.action in {"already_running", "busy"}:
            raise CommandError(
                f"{outcome.message} If its process died, resume it: "
                f"run_job {run.job} {run.period} --resume",
                returncode=1,
            )
        if not outcome.ok or run.status != JobRun.Status.SUCCEEDED:
            raise CommandError(run.error or outcome.message, returncode=1)
        self.stdout.write(self.job_summary(run.period, run.counts))
