"""core.states.status_move: one conditional UPDATE and its history row, or nothing."""

from __future__ import annotations

import pytest

from core.models import JobRun, JobRunEvent
from core.states import status_move

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
