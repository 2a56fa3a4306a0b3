"""Batch jobs: the registry (every job is one registered function) and the runner (CONV-5).

Registering a job
    The app that owns a job declares it, schedule included, and registers its code in
    ``<app>/jobs.py`` (imported on first use of the registry, like admin.py), so core never
    imports a domain app; the calendar (``calendar()``) is every job with a schedule::

        @whole_job("rate_credit", period_kind=PeriodKind.MONTH, title=_("Rate credit stars"),
                   rules=("CREDIT-5",), period_offset=-1,
                   schedule=Schedule(hour=2, minute=30, day_of_month="MONTHLY_CLOSE_DAY"))
        def rate_credit(period: str) -> dict: ...           # fn(period) -> counts

        @chunked_job("accrue_points", bounds=billed_customers, finish=accrual_finish)
        def accrue_points(work: JobWork) -> dict: ...        # work.period, .lo, .hi, .run_id

    A chunk function handles the primary keys ``work.lo <= pk < work.hi``; it runs inside the chunk's
    transaction together with the chunk's "done" mark, so it must only write to the
    database (no SMS, no outside call) and must be idempotent. A job whose entry is known
    but whose code nobody registered fails its runs with "not available yet".

Running a job
    ``run_job(name, period)`` keys the run by (job, period): it claims the run with a
    conditional update (a concurrent second run does nothing and says so), never runs a
    succeeded run again (unless ``rerun=True``), runs a failed one again (a chunked run
    then does only its missing chunks). A chunked run plans its pk ranges (JobChunk rows),
    sends one task per range (``core.run_job_chunk``, late ack) and the last chunk to
    finish — or a resume, or the sweeper — finalises it once every chunk is done.
    ``inline=True`` (the commands): the chunks are done in this process, one after the other,
    and the call returns once the run has finished (core/job_commands.py).

This module is the public face (import from here); the parts live in core/job_registry.py
(the registry), core/job_states.py (outcomes, the state machine) and core/job_chunks.py
(chunked runs).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core import clock
from core.actors import recorded_actor
from core.enqueue import enqueue
from core.errors import DomainError
from core.job_calendar import PeriodKind, Schedule, period_clean
from core.job_chunks import job_chunk_run, job_run_finalise, resume_chunks, start_chunks
from core.job_registry import (
    Job,
    JobWork,
    all_jobs,
    all_periodic,
    calendar,
    chunked_job,
    get_job,
    pk_bounds,
    register_job,
    register_periodic,
    whole_job,
)
from core.job_states import (
    JobOutcome,
    as_counts,
    busy_message,
    done_message,
    fail_run,
    failed_outcome,
    job_run_is_stalled,
    job_run_set_status,
    last_sign_of_life,
    local_time,
    not_stalled_message,
    resumed_meanwhile_message,
    running_message,
    stale_after,
    summary,
)
from core.models import JobRun
from core.programme import programme

__all__ = [
    "Job",
    "JobOutcome",
    "JobWork",
    "PeriodKind",
    "Schedule",
    "all_jobs",
    "all_periodic",
    "calendar",
    "chunked_job",
    "get_job",
    "job_chunk_run",
    "job_run_finalise",
    "job_run_is_stalled",
    "job_run_request",
    "job_run_resume",
    "job_run_set_status",
    "job_runs_sweep",
    "last_sign_of_life",
    "pk_bounds",
    "register_job",
    "register_periodic",
    "run_job",
    "stale_after",
    "summary",
    "whole_job",
]

logger = logging.getLogger(__name__)


# --- Running ---------------------------------------------------------------------------------


def run_job(
    name: str,
    period: str,
    *,
    triggered_by: Any = None,
    trigger: str | None = None,
    resume: bool = False,
    rerun: bool = False,
    inline: bool = False,
) -> JobOutcome:
    """Run job ``name`` for ``period`` (CONV-5); see the module docstring.

    ``resume``: a running chunked run sends its missing chunks again (after a worker died;
    a chunk that is in fact still running is not done twice); a running whole run is taken
    to have died and is run again. ``inline``: chunks are done here, not sent to the
    workers. ``rerun``: a succeeded run is
    run again from scratch (a corrected feed, POINTS-4); every job is idempotent, so this
    only writes what changed.
    """
    job = get_job(name)
    period = period_clean(job.spec.period_kind, period)
    actor = recorded_actor(triggered_by)
    trigger = trigger or (JobRun.Trigger.PAGE if actor else JobRun.Trigger.COMMAND)
    run, _created = JobRun.objects.get_or_create(
        job=job.name, period=period, defaults={"trigger": trigger, "triggered_by": actor}
    )
    if run.status == JobRun.Status.SUCCEEDED and not rerun:
        return JobOutcome(run, "already_done", done_message(run))
    if run.status == JobRun.Status.RUNNING:
        if not resume:
            return JobOutcome(run, "already_running", running_message(run))
        if job.chunked:
            why = _("Resumed by hand (run_job --resume)")
            return resume_chunks(job, run, inline=inline, actor=actor, why=why)
        # A whole run whose process died (the operator says so with --resume): record the
        # interruption, then run it again below like any failed run.
        job_run_set_status(
            run, JobRun.Status.FAILED, actor=actor, error=_("Interrupted; resumed by hand.")
        )
    origin = run.status
    # Stored in English, shown translated in the context "history note"
    # (templates/partials/status_history.html).
    notes: dict[str, str] = {
        JobRun.Status.PENDING: gettext_noop("started"),
        JobRun.Status.FAILED: gettext_noop("run again"),
        JobRun.Status.SUCCEEDED: gettext_noop("re-run on request"),
    }
    claimed = job_run_set_status(
        run,
        JobRun.Status.RUNNING,
        actor=actor,
        note=notes[origin],
        trigger=trigger,
        triggered_by=actor,
    )
    if not claimed:  # a concurrent run won the conditional update
        run.refresh_from_db()
        return JobOutcome(run, "busy", busy_message(run))
    if not job.available:
        return fail_run(run, job.unavailable_message())
    if job.chunked:
        return start_chunks(job, run, fresh=origin == JobRun.Status.SUCCEEDED, inline=inline)
    return _run_whole(job, run)


def _run_whole(job: Job, run: JobRun) -> JobOutcome:
    assert job.run is not None
    JobRun.objects.filter(pk=run.pk).update(chunks_total=1, chunks_done=0)
    try:
        counts = as_counts(job.run(run.period) or {})
    except DomainError as exc:  # the job's own refusal: no traceback to log
        logger.info("job %s %s refused: %s", run.job, run.period, exc.message)
        return fail_run(run, exc)
    except Exception as exc:
        logger.exception("job %s %s failed", run.job, run.period)
        return fail_run(run, exc)
    finished: dict[str, Any] = {"counts": counts, "chunks_total": 1, "chunks_done": 1}
    if not job_run_set_status(run, JobRun.Status.SUCCEEDED, **finished):
        # The sweeper flagged the run as interrupted while it was still working: record
        # that it did finish, through the allowed moves.
        run.refresh_from_db()
        if run.status == JobRun.Status.FAILED and job_run_set_status(
            run, JobRun.Status.RUNNING, note="finished after being flagged interrupted"
        ):
            job_run_set_status(run, JobRun.Status.SUCCEEDED, **finished)
    return JobOutcome(run, "ran", summary(run))


# --- The sweeper -----------------------------------------------------------------------------


def job_runs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """CONV-5: finish what died (beat, every JOB_SWEEP_SECONDS; D-CORE-7). A stalled run
    (``job_run_is_stalled``): a chunked one with no chunk done for JOB_CHUNK_STALE_MINUTES
    gets its missing chunks sent again; a whole one silent for JOB_STALE_MINUTES is marked
    interrupted (a supervisor runs it again); a run still pending that long (its task was
    lost) too."""
    now = now or clock.now()
    soonest = min(
        timedelta(minutes=float(programme(name)))
        for name in ("JOB_CHUNK_STALE_MINUTES", "JOB_STALE_MINUTES")
    )
    cutoff = now - soonest
    swept = {"resumed": 0, "interrupted": 0, "never_started": 0}
    silent = JobRun.objects.filter(status=JobRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    for run in silent:
        if not job_run_is_stalled(run, now=now):
            continue
        try:
            job = get_job(run.job)
        except DomainError as exc:
            fail_run(run, exc)
            continue
        if job.chunked:
            why = _("Resumed by the sweeper: no chunk done since %(at)s") % {
                "at": local_time(last_sign_of_life(run))
            }
            if resume_chunks(job, run, why=why).action != "busy":
                swept["resumed"] += 1
        else:
            text = _("Interrupted: no sign of life since %(at)s; run it again.") % {
                "at": local_time(run.heartbeat_at or run.started_at)
            }
            if job_run_set_status(run, JobRun.Status.FAILED, error=text):
                swept["interrupted"] += 1
    pending_cutoff = now - timedelta(minutes=float(programme("JOB_STALE_MINUTES")))
    for run in JobRun.objects.filter(status=JobRun.Status.PENDING, created_at__lt=pending_cutoff):
        text = _("Never started (its task was lost); run it again.")
        if job_run_set_status(run, JobRun.Status.FAILED, error=text):
            swept["never_started"] += 1
    return swept


NOT_SENT_MESSAGE = gettext_lazy(
    "Not sent: the workers' broker (Redis) could not be reached. Nothing was done; run it "
    "again once it is back."
)


# --- The page and the commands ---------------------------------------------------------------


def job_run_request(*, name: str, period: str, actor: Any) -> JobOutcome:
    """The supervisor page's "run now" / "run again": record the run and send it to a worker
    (in-process without a broker). A succeeded or running run is left alone."""
    job = get_job(name)
    period = period_clean(job.spec.period_kind, period)
    user = recorded_actor(actor)
    run, _created = JobRun.objects.get_or_create(
        job=job.name,
        period=period,
        defaults={"trigger": JobRun.Trigger.PAGE, "triggered_by": user},
    )
    if run.status == JobRun.Status.SUCCEEDED:
        return JobOutcome(run, "already_done", done_message(run))
    if run.status == JobRun.Status.RUNNING:
        return JobOutcome(run, "already_running", running_message(run))
    user_id = getattr(user, "pk", None)
    attempts = run.attempts

    def send() -> None:
        # D-TRUST-13: with the broker down the page answers; the run fails at once, saying
        # why, so "run again" is offered instead of a run pending until the sweeper.
        what = f"job {job.name} {period}"
        if not enqueue("core.run_job", args=(job.name, period, user_id), what=what):
            job_run_set_status(run, JobRun.Status.FAILED, error=str(NOT_SENT_MESSAGE))

    transaction.on_commit(send)
    run.refresh_from_db()
    ran_here = run.attempts > attempts  # in-process: the task ran on commit, just now
    if ran_here and run.status == JobRun.Status.SUCCEEDED:
        return JobOutcome(run, "ran", summary(run))
    if ran_here and run.status == JobRun.Status.FAILED:
        return failed_outcome(run)
    return JobOutcome(
        run,
        "started",
        _("%(job)s %(period)s was sent to the workers; this page shows its progress.")
        % {"job": run.job, "period": run.period},
    )


def job_run_resume(*, run: JobRun, actor: Any) -> JobOutcome:
    """The jobs page's "resume" of a stalled run (D-CORE-7), done once: a chunked run gets its
    missing chunks sent again (the resume is claimed on the run's sign of life, so a double
    submit or the sweeper at the same moment sends nothing more, and the history records who
    resumed it); a whole run is recorded as interrupted by the supervisor and run again (the
    move out of "running" is conditional, so it too happens once). A run that is not stalled
    is left alone and says so."""
    user = recorded_actor(actor)
    run.refresh_from_db()
    if not job_run_is_stalled(run):
        return JobOutcome(run, "not_stalled", not_stalled_message(run))
    job = get_job(run.job)
    if job.chunked:
        return resume_chunks(job, run, actor=user, why=_("Resumed by hand"))
    text = _("Interrupted: no sign of life since %(at)s; resumed by hand.") % {
        "at": local_time(last_sign_of_life(run))
    }
    if not job_run_set_status(run, JobRun.Status.FAILED, actor=user, error=text):
        run.refresh_from_db()
        return JobOutcome(run, "busy", resumed_meanwhile_message(run))
    return job_run_request(name=run.job, period=run.period, actor=user)
