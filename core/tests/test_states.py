"""core.states: state_move, the mover of every state machine, and status_move, its
conditional UPDATE with the history row, or nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import F

from core.errors import DomainError
from core.models import JobRun, JobRunEvent
from core.states import MovedMeanwhile, state_move, status_move

pytestmark = pytest.mark.django_db


def _history(run: JobRun, origin: str, to: str) -> object:
    return JobRunEvent.objects.create(run=run, from_status=origin, to_status=to, at=run.created_at)


def test_a_move_writes_the_status_and_its_history_row_together() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")

    moved = status_move(
        run,
        origin="pending",
        values={"status": "running"},
        history=lambda: _history(run, "pending", "running"),
    )

    assert moved
    assert run.status == "running"  # refreshed
    assert list(run.events.values_list("from_status", "to_status")) == [("pending", "running")]


def test_the_loser_of_a_race_writes_nothing_and_is_told() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    stale = JobRun.objects.get(pk=run.pk)
    JobRun.objects.filter(pk=run.pk).update(status="running")  # somebody else moved it

    moved = status_move(
        stale,
        origin="pending",
        values={"status": "failed"},
        history=lambda: _history(stale, "pending", "failed"),
    )

    assert not moved
    assert JobRun.objects.get(pk=run.pk).status == "running"
    assert not JobRunEvent.objects.exists()


def test_a_history_row_that_fails_takes_the_move_back() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")

    def broken() -> object:
        raise RuntimeError("history table unavailable")

    with pytest.raises(RuntimeError):
        status_move(run, origin="pending", values={"status": "running"}, history=broken)

    assert JobRun.objects.get(pk=run.pk).status == "pending"


# --- state_move: the one mover of every state machine (docs/style.md, habit 3) -------------


def _event(run: JobRun, origin: str, to: str) -> JobRunEvent:
    return JobRunEvent.objects.create(run=run, from_status=origin, to_status=to, at=run.created_at)


def test_state_move_refuses_a_move_the_model_does_not_list_in_the_apps_words() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")

    with pytest.raises(DomainError) as refused:
        state_move(
            run, "succeeded", refusal="Not from pending.", history=lambda: _event(run, "", "")
        )
    assert (refused.value.message, refused.value.code) == ("Not from pending.", "bad_transition")

    with pytest.raises(DomainError) as refused:  # the default wording names both statuses
        state_move(run, "succeeded", history=lambda: _event(run, "", ""))
    assert refused.value.message == "A job run that is Pending cannot become Succeeded."
    assert JobRun.objects.get(pk=run.pk).status == "pending"
    assert not JobRunEvent.objects.exists()


def test_state_move_writes_the_values_and_returns_the_history_row() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")

    row = state_move(
        run,
        "running",
        values={"attempts": F("attempts") + 1},
        history=lambda: _event(run, "pending", "running"),
    )

    assert (run.status, run.attempts) == ("running", 1)  # refreshed, the expression resolved
    assert row == JobRunEvent.objects.get()


def test_state_move_tells_the_loser_of_a_race_and_writes_nothing() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    stale = JobRun.objects.get(pk=run.pk)
    JobRun.objects.filter(pk=run.pk).update(status="running")  # somebody else moved it

    with pytest.raises(MovedMeanwhile) as lost:
        state_move(stale, "failed", lost="Look again.", history=lambda: _event(stale, "", ""))

    assert (lost.value.message, lost.value.code) == ("Look again.", "conflict")
    assert JobRun.objects.get(pk=run.pk).status == "running"
    assert not JobRunEvent.objects.exists()


def test_a_locked_move_saves_the_row_the_caller_locked() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")

    with transaction.atomic():
        locked = JobRun.objects.select_for_update().get(pk=run.pk)
        row = state_move(
            locked,
            "running",
            values={"attempts": F("attempts") + 1},
            locked=True,
            history=lambda: _event(locked, "pending", "running"),
        )

    assert (locked.status, locked.attempts) == ("running", 1)
    assert JobRun.objects.values_list("status", "attempts").get() == ("running", 1)
    assert row == JobRunEvent.objects.get()


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_a_locked_move_outside_a_transaction_is_a_mistake() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")

    with pytest.raises(RuntimeError, match="select_for_update"):
        state_move(run, "running", locked=True, history=lambda: _event(run, "", ""))
