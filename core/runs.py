"""What job runs (core/job_states.py) and feed import runs (membership/services/imports/
runs.py) share on top of their base model (core.models.RunBase): one status mover, one
test of a dead worker, one text for a crash (CONV-5, D-CORE-7).

Each keeps its own wording (the refusal of a bad move is passed in), its own statuses and
its own extras (a job run's heartbeat, an import run's bytes read: RunBase.move_values).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.models import RunBase
from core.states import MovedMeanwhile, state_move


def run_set_status(
    run: RunBase, to: str, *, refusal: str, actor: Any = None, note: str = "", **fields: Any
) -> bool:
    """Move ``run`` to status ``to``, writing ``fields`` with it: refused
    (``DomainError(refusal)``, code ``bad_transition``) when the move is not allowed, False
    when somebody else moved the run meanwhile (the update is conditional on the status we
    read), True when moved. Each move writes a history row (``run.events``).

    A start counts an attempt, clears the end and, unless given, the error; an end (a
    FINISHED status) is stamped; a move back to waiting (an import sent again) clears it.
    """
    origin = run.status
    now = clock.now()
    values: dict[str, Any] = dict(fields)
    if to == run.RUNNING:
        values.setdefault("started_at", now)
        values.setdefault("error", "")
        values.update(finished_at=None, attempts=F("attempts") + 1)
    else:
        values["finished_at"] = now if to in run.FINISHED else None
    values.update(run.move_values(to, now))
    try:
        state_move(
            run,
            to,
            values=values,
            refusal=refusal,
            history=lambda: run.events.create(  # type: ignore[attr-defined]
                from_status=origin,
                to_status=to,
                at=now,
                actor=recorded_actor(actor),
                note=(note or fields.get("error", ""))[:2000],
                **run.event_values(to, fields),
            ),
        )
    except MovedMeanwhile:  # a second worker, the sweeper: the caller says what it did
        return False
    return True


def run_is_stale(
    run: RunBase, *, after: Callable[[], timedelta], now: datetime | None = None
) -> bool:
    """A run in a status where silence means trouble (``STALLS``) that has shown no sign of
    life (``last_sign_of_life``) for longer than ``after()`` (asked only of such a run): its
    worker died, or its task is gone."""
    if run.status not in run.STALLS:
        return False
    return run.last_sign_of_life() < (now or clock.now()) - after()


def error_text(exc: BaseException) -> str:
    """What a run records of the exception that ended it: a domain error's message as
    written, anything else with its class name."""
    if isinstance(exc, DomainError):
        return str(exc.message)
    text = str(exc)
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
