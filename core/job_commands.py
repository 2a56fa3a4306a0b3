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

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.job_calendar import programme_today
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


def iso_date(value: str) -> date:
    """A ``--date`` option's value, or the error an operator can act on (exit code 1)."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("“%(value)s” is not a date YYYY-MM-DD") % {"value": value}, returncode=1
        ) from exc


class DayJobCommand(JobCommand):
    """A daily job's command: ``--date YYYY-MM-DD``, by default the day its schedule picks,
    ``default_offset`` days from today in the programme's calendar (CONV-4)."""

    default_offset = 0  # -1: yesterday
    default_help = "YYYY-MM-DD (default: today)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help=self.default_help)

    def job_period(self, **options: Any) -> str:
        day = options.get("day")
        target = iso_date(day) if day else programme_today() + timedelta(days=self.default_offset)
        return target.isoformat()
