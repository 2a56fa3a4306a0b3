"""`run_job NAME PERIOD [--resume] [--rerun]`: run any registered job by hand (CONV-5).

The same runner as the beat schedule and the supervisor page: a succeeded run is not run
again, a running one is left alone (``--resume``: its worker died — a chunked run gets its
missing chunks sent again, a whole run is run again), a failed one is run again. ``--list``
shows the jobs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from core.job_calendar import PERIOD_FORMATS
from core.jobs import all_jobs, run_job


class Command(BaseCommand):
    help = "Run a batch job for a period (YYYY, YYYY-MM or YYYY-MM-DD): run_job NAME PERIOD."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="The job, e.g. rate_credit.")
        parser.add_argument("period", nargs="?", help="The period the job is keyed by.")
        parser.add_argument(
            "--resume",
            action="store_true",
            help=(
                "The run's worker or process died: send the missing chunks of a chunked run "
                "again, or run a whole run again."
            ),
        )
        parser.add_argument(
            "--rerun",
            action="store_true",
            help="Run a succeeded run again (e.g. after a corrected feed); jobs are idempotent.",
        )
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in all_jobs():
                state = "" if job.available else "  [not available yet]"
                schedule = job.spec.schedule.describe() if job.spec.schedule else "by hand"
                kind = PERIOD_FORMATS[job.spec.period_kind]
                self.stdout.write(f"{job.name} {kind}  {schedule}{state}")
            return
        if not options["name"] or not options["period"]:
            raise CommandError("Give a job and a period: run_job NAME PERIOD (or --list).")
        try:
            outcome = run_job(
                options["name"],
                options["period"],
                resume=options["resume"],
                rerun=options["rerun"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not outcome.ok:
            raise CommandError(outcome.message)
        self.stdout.write(outcome.message)
