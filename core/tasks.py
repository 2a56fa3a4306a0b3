"""Celery tasks: adapters that take a job name, a period or a chunk and call the runner.

- ``core.run_job(name, period, triggered_by_id=None, resume=False, rerun=False)``: run a
  job (the supervisor page sends this);
- ``core.run_job_chunk(run_id, lo, hi)``: one chunk of a chunked run, with late
  acknowledgement, because a chunk is idempotent (its work and its "done" mark commit
  together), so a chunk redelivered after its worker died is safe; its time limit is
  ``JOB_CHUNK_TIME_LIMIT`` (3 min), below the sweeper's JOB_CHUNK_STALE_MINUTES (D-CORE-7);
- ``jobs.<name>(period=None)``: one task per job of the calendar, with the command's argument
  (docs/interfaces.md: each job command is also a task with the same argument; given a period it
  behaves like the command and runs a succeeded run again); without a period (the beat
  schedule) it computes the period from now, in Asia/Shanghai, and does not repeat a run;
- ``core.sweep_job_runs()``: resumes stalled chunked runs (the beat schedule, every
  JOB_SWEEP_SECONDS, 60).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from core.jobs import calendar, get_job, job_chunk_run, job_runs_sweep, run_job
from core.models import JobRun


@shared_task(name="core.ping")
def ping(payload: str = "ping") -> str:
    """A task with no side effect, used to check that a worker answers."""
    return f"pong:{payload}"


@shared_task(name="core.run_job")
def run_job_task(
    name: str,
    period: str,
    triggered_by_id: int | None = None,
    resume: bool = False,
    rerun: bool = False,
) -> dict[str, Any]:
    user = get_user_model().objects.filter(pk=triggered_by_id).first() if triggered_by_id else None
    return run_job(name, period, triggered_by=user, resume=resume, rerun=rerun).as_dict()


# D-CORE-7: a chunk that overruns is stopped (soft limit: its transaction rolls back and the
# run fails with the error) well before the sweeper would send it again.
CHUNK_TIME_LIMIT: int = settings.JOB_CHUNK_TIME_LIMIT
CHUNK_SOFT_TIME_LIMIT = CHUNK_TIME_LIMIT - max(1, CHUNK_TIME_LIMIT // 6)


@shared_task(
    name="core.run_job_chunk",
    acks_late=True,
    reject_on_worker_lost=True,  # a pool process that dies: the chunk is queued again at once
    time_limit=CHUNK_TIME_LIMIT,
    soft_time_limit=CHUNK_SOFT_TIME_LIMIT,
)
def run_job_chunk(run_id: int, lo: int, hi: int) -> str:
    # ``hi`` travels with the task for the logs; the chunk's row is the authority.
    return job_chunk_run(run_id=run_id, lo=lo)


@shared_task(name="core.sweep_job_runs")
def sweep_job_runs() -> dict[str, int]:
    return job_runs_sweep()


def scheduled(name: str, period: str | None = None) -> dict[str, Any]:
    """Run a calendar job. From the beat schedule (no period): the period due now, never a
    second time once it succeeded. With a period (the command's argument, sent by another
    system): like the command, a succeeded run is run again (jobs are idempotent)."""
    if period:
        return run_job(name, period, trigger=JobRun.Trigger.COMMAND, rerun=True).as_dict()
    job = get_job(name)
    return run_job(name, job.spec.period_for(), trigger=JobRun.Trigger.SCHEDULE).as_dict()


def _calendar_task(name: str) -> Any:
    @shared_task(name=f"jobs.{name}")
    def task(period: str | None = None) -> dict[str, Any]:
        return scheduled(name, period)

    task.__doc__ = f"The calendar job {name} (declared in its app's jobs.py)."
    return task


# One task per job of the calendar; calendar() imports every app's jobs.py first.
CALENDAR_TASKS: dict[str, Any] = {spec.name: _calendar_task(spec.name) for spec in calendar()}
