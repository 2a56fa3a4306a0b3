"""Job runs' outcomes and their state machine (CONV-5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.job_registry import Counts
from core.models import JobRun, JobRunEvent
from core.states import status_move

S = JobRun.Status

# --- Outcomes and the state machine ------------------------------------------------------------


@dataclass
class JobOutcome:
    """What a call to the runner did: ran, started, resumed, already_done, already_running,
    busy (lost the claim to a concurrent run) or failed."""

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


def error_text(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    text = str(exc)
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def job_run_set_status(
    run: JobRun, to: str, *, actor: Any = None, note: str = "", **fields: Any
) -> bool:
    """Move ``run`` to status ``to``: refused (DomainError) when the move is not allowed,
    False when somebody else moved the run meanwhile (the update is conditional on the
    status we read), True when moved. Each move writes a history row."""
    origin = run.status
    if to not in JobRun.TRANSITIONS.get(origin, frozenset()):
        raise DomainError(
            _("A run that is %(origin)s cannot become %(to)s.") % {"origin": origin, "to": to},
            code="bad_transition",
        )
    now = clock.now()
    values: dict[str, Any] = {"status": to, **fields}
    if to == S.RUNNING:
        values.setdefault("started_at", now)
        values.update(finished_at=None, heartbeat_at=now, attempts=F("attempts") + 1)
        values.setdefault("error", "")
    else:
        values["finished_at"] = now
    return status_move(
        run,
        origin=origin,
        values=values,
        history=lambda: JobRunEvent.objects.create(
            run=run,
            from_status=origin,
            to_status=to,
            at=now,
            actor=recorded_actor(actor),
            note=(note or fields.get("error", ""))[:2000],
            counts=fields.get("counts", {}) if to == S.SUCCEEDED else {},
        ),
    )


def fail_run(run: JobRun, exc_or_text: BaseException | str, *, note: str = "") -> JobOutcome:
    """Record a failure on a running run (if it still is running) and say so."""
    text = exc_or_text if isinstance(exc_or_text, str) else error_text(exc_or_text)
    run.refresh_from_db()
    if run.status == S.RUNNING:
        job_run_set_status(run, S.FAILED, error=text, note=note or text)
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
