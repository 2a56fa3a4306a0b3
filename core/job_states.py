"""Job runs' outcomes and their state machine (CONV-5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.job_registry import Counts, get_job
from core.models import JobRun, JobRunEvent
from core.programme import programme
from core.runs import error_text, run_is_stale, run_set_status

# --- Outcomes and the state machine ------------------------------------------------------------


@dataclass
class JobOutcome:
    """What a call to the runner did: ran, started, resumed, already_done, already_running,
    busy (lost the claim to a concurrent run), not_stalled (a resume that found the run
    alive or finished) or failed."""

    run: JobRun
    action: str
    message: str

    @property
    def ok(self) -> bool:
        return self.action != "failed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run.pk,
            "job": self.run.job,
            "period": self.run.period,
            "status": self.run.status,
            "action": self.action,
            "message": self.message,
            "counts": self.run.counts,
        }


def as_counts(counts: Any) -> Counts:
    """Counts as stored in a JSON field (dates and decimals as strings)."""
    if not isinstance(counts, dict):
        counts = {"result": counts}
    return dict(json.loads(json.dumps(counts, cls=DjangoJSONEncoder)))


def job_run_set_status(
    run: JobRun, to: str, *, actor: Any = None, note: str = "", **fields: Any
) -> bool:
    """Move ``run`` to status ``to`` (core.runs.run_set_status): refused (DomainError) when
    the move is not allowed, False when somebody else moved the run meanwhile, True when
    moved, with its history row. A start is also the run's first heartbeat."""
    return run_set_status(
        run,
        to,
        refusal=_("A run that is %(origin)s cannot become %(to)s.")
        % {"origin": run.status, "to": to},
        actor=actor,
        note=note,
        **fields,
    )


def job_run_resume_claim(run: JobRun, *, actor: Any = None, note: str = "") -> bool:
    """Claim the resume of a running run, once (D-CORE-7): its sign of life moves to now on
    the condition that it is still running and still shows the sign of life we read, and a
    history row (running → running: not a move of the state machine, but who resumed it, when
    and why) is written with it. False when a chunk finished, somebody else resumed it or
    the run ended meanwhile: nothing written (a double submit, the sweeper at the same time)."""
    now = clock.now()
    with transaction.atomic():
        claimed = JobRun.objects.filter(
            pk=run.pk, status=JobRun.Status.RUNNING, heartbeat_at=run.heartbeat_at
        ).update(heartbeat_at=now)
        if not claimed:
            return False
        JobRunEvent.objects.create(
            run=run,
            from_status=JobRun.Status.RUNNING,
            to_status=JobRun.Status.RUNNING,
            at=now,
            actor=recorded_actor(actor),
            note=note[:2000],
        )
    run.refresh_from_db()
    return True


# --- Stalled runs (a derived state, D-CORE-7) ---------------------------------------------------


def stale_after(job: str) -> timedelta:
    """How long a running run of ``job`` may show no sign of life before it counts as stalled:
    a chunked run marks each chunk done, so JOB_CHUNK_STALE_MINUTES (longer than a chunk's
    time limit); a whole run reports nothing until it ends, so JOB_STALE_MINUTES (longer than
    the task time limit). An unknown job is taken as whole."""
    try:
        chunked = get_job(job).chunked
    except DomainError:
        chunked = False
    name = "JOB_CHUNK_STALE_MINUTES" if chunked else "JOB_STALE_MINUTES"
    return timedelta(minutes=float(programme(name)))


def last_sign_of_life(run: JobRun) -> datetime:
    """The run's last heartbeat (a chunk done, a resume), else its start, else its creation."""
    return run.last_sign_of_life()


def job_run_is_stalled(run: JobRun, *, now: datetime | None = None) -> bool:
    """CONV-5 (D-CORE-7): running, but silent for longer than its job's ``stale_after``
    (core.runs.run_is_stale): its worker most likely died. Shown as "stalled" on the jobs
    page (not a status of the state machine: nothing records it, so it is true as soon as
    it is, even without beat); the sweeper resumes such a run, and a supervisor may."""
    return run_is_stale(run, after=lambda: stale_after(run.job), now=now)


def resumed_meanwhile_message(run: JobRun) -> str:
    return _("%(job)s %(period)s was resumed or moved on meanwhile; nothing was done.") % {
        "job": run.job,
        "period": run.period,
    }


def not_stalled_message(run: JobRun) -> str:
    return _("%(job)s %(period)s is not stalled (it is %(status)s); nothing was done.") % {
        "job": run.job,
        "period": run.period,
        "status": run.get_status_display(),
    }


def fail_run(run: JobRun, exc_or_text: BaseException | str, *, note: str = "") -> JobOutcome:
    """Record a failure on a running run (if it still is running) and say so."""
    text = exc_or_text if isinstance(exc_or_text, str) else error_text(exc_or_text)
    run.refresh_from_db()
    if run.status == JobRun.Status.RUNNING:
        job_run_set_status(run, JobRun.Status.FAILED, error=text, note=note or text)
    return failed_outcome(run, text)


def failed_outcome(run: JobRun, error: str | None = None) -> JobOutcome:
    """What the runner says of a failed run: its error (``error``, else the recorded one)."""
    return JobOutcome(
        run,
        "failed",
        _("%(job)s %(period)s failed: %(error)s")
        % {"job": run.job, "period": run.period, "error": run.error if error is None else error},
    )


def done_message(run: JobRun) -> str:
    return _("%(job)s %(period)s already ran (finished %(at)s); nothing was done.") % {
        "job": run.job,
        "period": run.period,
        "at": local_time(run.finished_at),
    }


def running_message(run: JobRun) -> str:
    return _("%(job)s %(period)s is already running (since %(at)s); nothing was done.") % {
        "job": run.job,
        "period": run.period,
        "at": local_time(run.started_at),
    }


def busy_message(run: JobRun) -> str:
    return _("%(job)s %(period)s was just started by another process; nothing was done.") % {
        "job": run.job,
        "period": run.period,
    }


def local_time(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def summary(run: JobRun) -> str:
    """A one-line summary of a run's result."""
    counts = ", ".join(f"{key} {_flat(value)}" for key, value in run.counts.items())
    return f"{run.job} {run.period}: {run.get_status_display()}" + (
        f" ({counts})" if counts else ""
    )


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {_flat(v)}" for k, v in value.items()) + "}"
    return str(value)
