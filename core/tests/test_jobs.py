"""The job runner (CONV-5): one run per (job, period), its state machine, chunks and resume.

These run in-process (no broker: the chunks run as they are sent), with the probe jobs of
core/tests/job_probes.py; tests/test_worker_jobs.py does the same through real workers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core import job_registry, jobs
from core.errors import DomainError
from core.job_calendar import JobSpec, PeriodKind
from core.job_chunks import plan_chunks
from core.jobs import (
    JobOutcome,
    get_job,
    job_chunk_run,
    job_run_finalise,
    job_run_set_status,
    job_runs_sweep,
    run_job,
)
from core.models import JobChunk, JobRun, JobRunEvent
from core.tests import job_probes
from core.tests.job_probes import ledger, make_customers

pytestmark = pytest.mark.django_db

Runner = Callable[..., JobOutcome]


# --- The record and its state machine -------------------------------------------------------


def test_conv_5_a_job_has_one_run_per_period() -> None:
    JobRun.objects.create(job="probe_whole", period="2026-10-01")
    JobRun.objects.create(job="probe_whole", period="2026-10-02")
    with pytest.raises(IntegrityError), transaction.atomic():
        JobRun.objects.create(job="probe_whole", period="2026-10-01")
    assert JobRun.objects.count() == 2


@pytest.mark.parametrize(
    ("origin", "target"),
    [
        (JobRun.Status.PENDING, JobRun.Status.SUCCEEDED),
        (JobRun.Status.RUNNING, JobRun.Status.PENDING),
        (JobRun.Status.FAILED, JobRun.Status.SUCCEEDED),
        (JobRun.Status.SUCCEEDED, JobRun.Status.FAILED),
        (JobRun.Status.SUCCEEDED, JobRun.Status.PENDING),
    ],
)
def test_conv_5_the_state_machine_refuses_a_move_it_does_not_allow(
    origin: str, target: str
) -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01", status=origin)
    with pytest.raises(DomainError, match="cannot become"):
        job_run_set_status(run, target)
    run.refresh_from_db()
    assert run.status == origin
    assert not JobRunEvent.objects.exists()


def test_conv_5_every_move_writes_a_history_row_with_who_and_why(supervisor: Any) -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    assert job_run_set_status(run, JobRun.Status.RUNNING, actor=supervisor, note="started")
    assert job_run_set_status(run, JobRun.Status.FAILED, error="boom")
    assert job_run_set_status(run, JobRun.Status.RUNNING, actor=supervisor, note="run again")
    assert job_run_set_status(run, JobRun.Status.SUCCEEDED, counts={"n": 1})
    moves = list(JobRunEvent.objects.values_list("from_status", "to_status", "actor", "note"))
    assert moves == [
        (JobRun.Status.PENDING, JobRun.Status.RUNNING, supervisor.pk, "started"),
        (JobRun.Status.RUNNING, JobRun.Status.FAILED, None, "boom"),
        (JobRun.Status.FAILED, JobRun.Status.RUNNING, supervisor.pk, "run again"),
        (JobRun.Status.RUNNING, JobRun.Status.SUCCEEDED, None, ""),
    ]
    run.refresh_from_db()
    assert (run.attempts, run.error, run.counts) == (2, "", {"n": 1})
    assert run.finished_at is not None


def test_conv_5_a_claim_made_on_a_stale_read_loses_and_changes_nothing() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    stale = JobRun.objects.get(pk=run.pk)
    assert job_run_set_status(run, JobRun.Status.RUNNING)  # the first process claims it
    assert (
        job_run_set_status(stale, JobRun.Status.RUNNING) is False
    )  # the second read "pending": loses
    assert JobRunEvent.objects.count() == 1
    assert JobRun.objects.get(pk=run.pk).attempts == 1


# --- Whole jobs --------------------------------------------------------------------------------


def test_conv_5_a_second_run_of_the_same_period_does_nothing(probe_faults: Path) -> None:
    first = run_job("probe_whole", "2026-10-01")
    with translation.override("en"):
        second = run_job("probe_whole", "2026-10-01")
    assert (first.action, second.action) == ("ran", "already_done")
    assert "already ran" in second.message
    assert job_probes.WHOLE_CALLS == ["2026-10-01"]
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.counts) == (JobRun.Status.SUCCEEDED, 1, {"customers": 0})


def test_conv_5_a_running_run_is_not_started_a_second_time(probe_faults: Path) -> None:
    JobRun.objects.create(job="probe_whole", period="2026-10-01", status=JobRun.Status.RUNNING)
    outcome = run_job("probe_whole", "2026-10-01")
    assert outcome.action == "already_running"
    assert job_probes.WHOLE_CALLS == []


def test_conv_5_a_failing_job_fails_with_its_error_and_runs_again_to_the_same_result(
    probe_faults: Path,
) -> None:
    make_customers(3)
    reference = run_job("probe_whole", "2026-10-01").run
    (probe_faults / "fail-2026-10-02-all").touch()

    failed = run_job("probe_whole", "2026-10-02")
    assert failed.action == "failed"
    assert failed.run.status == JobRun.Status.FAILED
    assert failed.run.error == "RuntimeError: the probe was told to fail"
    assert not failed.run.counts

    (probe_faults / "fail-2026-10-02-all").unlink()  # fixed
    again = run_job("probe_whole", "2026-10-02")
    assert again.action == "ran"
    assert (again.run.status, again.run.error, again.run.attempts) == (
        JobRun.Status.SUCCEEDED,
        "",
        2,
    )
    assert again.run.counts == reference.counts == {"customers": 3}


def test_conv_5_a_job_nobody_registered_fails_its_run_as_not_available_yet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = JobSpec("probe_missing", "nowhere", PeriodKind.MONTH, "Missing")
    monkeypatch.setitem(job_registry._SPECS, "probe_missing", spec)
    outcome = run_job("probe_missing", "2026-10")
    assert outcome.action == "failed"
    run = JobRun.objects.get(job="probe_missing")
    assert run.status == JobRun.Status.FAILED  # no fake success
    assert run.error.startswith("not available yet: nowhere not installed")


def test_conv_5_an_unknown_job_or_a_bad_period_is_refused_before_anything_is_written() -> None:
    with pytest.raises(DomainError):
        run_job("no_such_job", "2026-10")
    with pytest.raises(DomainError, match="YYYY-MM-DD"):
        run_job("probe_whole", "2026-10")
    assert not JobRun.objects.exists()


# --- Chunked jobs ------------------------------------------------------------------------------


def test_conv_5_a_chunked_run_records_every_chunk_and_adds_up_their_counts(
    probe_faults: Path, small_chunks: int, run_now: Runner
) -> None:
    pks = make_customers(35)
    outcome = run_now("probe_ledger", "2026-09")
    run = outcome.run
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.chunks.count() == run.chunks_total == run.chunks_done >= 4
    assert not run.chunks.filter(done_at__isnull=True).exists()
    assert run.counts["customers"] == 35
    assert run.counts["chunks"] == run.chunks_total
    assert set(ledger("2026-09")) == set(pks)
    # chunk ranges are aligned on the chunk size and cover every customer once
    ranges = list(run.chunks.values_list("lo", "hi"))
    assert all(lo % small_chunks == 0 and hi - lo == small_chunks for lo, hi in ranges)


def test_conv_5_a_chunked_run_that_died_halfway_finishes_like_an_undisturbed_run(
    probe_faults: Path, small_chunks: int, run_now: Runner
) -> None:
    make_customers(35)
    undisturbed = run_now("probe_ledger", "2026-09").run
    third = JobChunk.objects.filter(run=undisturbed).order_by("lo")[2].lo
    (probe_faults / f"fail-2026-10-{third}").touch()

    broken = run_now("probe_ledger", "2026-10").run
    assert broken.status == JobRun.Status.FAILED
    assert str(third) in broken.error
    chunks = {c.lo: c for c in broken.chunks.all()}
    assert chunks[third].done_at is None
    assert "told to fail" in chunks[third].error
    done_before = {lo for lo, c in chunks.items() if c.done_at}
    assert done_before == {lo for lo in chunks if lo < third}  # the later ones never ran
    assert len(ledger("2026-10")) < 35  # half-written: exactly the done chunks

    (probe_faults / f"fail-2026-10-{third}").unlink()
    resumed = run_now("probe_ledger", "2026-10").run
    assert resumed.status == JobRun.Status.SUCCEEDED
    assert ledger("2026-10") == ledger("2026-09")
    assert resumed.counts == undisturbed.counts
    # the chunks done before the failure were not done again
    attempts = dict(resumed.chunks.values_list("lo", "attempts"))
    assert all(attempts[lo] == 1 for lo in done_before)
    assert attempts[third] == 2


def test_conv_5_a_rerun_of_a_succeeded_run_does_every_chunk_again_and_changes_nothing(
    probe_faults: Path, small_chunks: int, run_now: Runner
) -> None:
    make_customers(25)
    first = run_now("probe_ledger", "2026-09").run
    before = ledger("2026-09")
    again = run_now("probe_ledger", "2026-09", rerun=True)
    assert again.run.status == JobRun.Status.SUCCEEDED
    assert again.run.attempts == 2
    assert ledger("2026-09") == before
    assert again.run.counts == first.counts
    assert set(again.run.chunks.values_list("attempts", flat=True)) == {1}  # re-planned


def test_conv_5_a_chunk_done_twice_does_its_work_once(
    probe_faults: Path, small_chunks: int, run_now: Runner
) -> None:
    make_customers(15)
    run = run_now("probe_ledger", "2026-09").run
    lo = run.chunks.order_by("lo")[0].lo
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.RUNNING
    )  # as if a copy were in flight
    assert job_chunk_run(run_id=run.pk, lo=lo) == "skipped: already done"
    assert JobChunk.objects.get(run=run, lo=lo).attempts == 1


def test_conv_5_the_final_step_waits_until_every_chunk_is_done(
    probe_faults: Path, small_chunks: int
) -> None:
    make_customers(25)
    run = JobRun.objects.create(job="probe_ledger", period="2026-09")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    plan_chunks(get_job("probe_ledger"), run)
    los = list(run.chunks.order_by("lo").values_list("lo", flat=True))
    for lo in los[:-1]:
        assert job_chunk_run(run_id=run.pk, lo=lo) == "done"
    run.refresh_from_db()
    assert run.status == JobRun.Status.RUNNING  # one chunk is missing: no success
    assert job_run_finalise(run.pk) is False
    assert job_chunk_run(run_id=run.pk, lo=los[-1]) == "done"  # the last one finalises
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.counts["customers"] == 25


def test_conv_5_a_chunked_run_over_an_empty_table_succeeds_at_once(run_now: Runner) -> None:
    run = run_now("probe_ledger", "2026-09").run
    assert run.status == JobRun.Status.SUCCEEDED
    assert (run.chunks_total, run.counts) == (0, {"chunks": 0})


def test_conv_5_resume_sends_the_missing_chunks_of_a_running_run(
    probe_faults: Path, small_chunks: int, run_now: Runner
) -> None:
    make_customers(25)
    run = JobRun.objects.create(job="probe_ledger", period="2026-09")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    plan_chunks(get_job("probe_ledger"), run)
    first = run.chunks.order_by("lo")[0]
    assert job_chunk_run(run_id=run.pk, lo=first.lo) == "done"  # then the worker "died"

    plain = run_now("probe_ledger", "2026-09")
    assert plain.action == "already_running"  # without --resume a running run is left alone
    resumed = run_now("probe_ledger", "2026-09", resume=True)
    assert resumed.run.status == JobRun.Status.SUCCEEDED
    assert len(ledger("2026-09")) == 25
    assert JobChunk.objects.get(pk=first.pk).attempts == 1


# --- The sweeper -------------------------------------------------------------------------------


def test_conv_5_the_sweeper_resumes_a_stalled_chunked_run(
    probe_faults: Path, small_chunks: int, django_capture_on_commit_callbacks: Any
) -> None:
    make_customers(15)
    run = JobRun.objects.create(job="probe_ledger", period="2026-09")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    plan_chunks(get_job("probe_ledger"), run)
    with django_capture_on_commit_callbacks(execute=True):
        assert job_runs_sweep()["resumed"] == 0  # alive: left alone
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_runs_sweep()["resumed"] == 1
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert len(ledger("2026-09")) == 15


def test_conv_5_the_sweeper_flags_a_stalled_whole_run_and_a_lost_pending_one() -> None:
    old = timezone.now() - timedelta(hours=2)
    stalled = JobRun.objects.create(
        job="probe_whole", period="2026-10-01", status=JobRun.Status.RUNNING
    )
    JobRun.objects.filter(pk=stalled.pk).update(started_at=old, heartbeat_at=old)
    lost = JobRun.objects.create(job="probe_whole", period="2026-10-02", created_at=old)
    JobRun.objects.create(job="probe_whole", period="2026-10-03")  # pending, but just now
    assert job_runs_sweep() == {"resumed": 0, "interrupted": 1, "never_started": 1}
    statuses = dict(JobRun.objects.values_list("period", "status"))
    assert statuses == {
        "2026-10-01": JobRun.Status.FAILED,
        "2026-10-02": JobRun.Status.FAILED,
        "2026-10-03": JobRun.Status.PENDING,
    }
    assert JobRun.objects.get(pk=lost.pk).error.startswith("Never started")


def test_conv_5_a_whole_run_flagged_interrupted_that_finishes_is_recorded_as_succeeded(
    probe_faults: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(period: str) -> dict[str, int]:
        # the sweeper flags the run while it is still working
        JobRun.objects.filter(job="probe_slow").update(
            heartbeat_at=timezone.now() - timedelta(hours=2)
        )
        job_runs_sweep()
        return {"done": 1}

    spec = JobSpec("probe_slow", "tests", PeriodKind.DAY, "Slow")
    monkeypatch.setitem(job_registry._SPECS, "probe_slow", spec)
    monkeypatch.setitem(job_registry._REGISTRY, "probe_slow", job_registry.Job(spec, run=slow))
    outcome = run_job("probe_slow", "2026-10-01")
    assert outcome.run.status == JobRun.Status.SUCCEEDED
    moves = list(outcome.run.events.values_list("to_status", flat=True))
    assert moves == [
        JobRun.Status.RUNNING,
        JobRun.Status.FAILED,
        JobRun.Status.RUNNING,
        JobRun.Status.SUCCEEDED,
    ]


def test_conv_5_resume_runs_again_a_whole_run_whose_process_died(probe_faults: Path) -> None:
    JobRun.objects.create(job="probe_whole", period="2026-10-01", status=JobRun.Status.RUNNING)
    assert run_job("probe_whole", "2026-10-01").action == "already_running"
    outcome = run_job("probe_whole", "2026-10-01", resume=True)
    assert outcome.run.status == JobRun.Status.SUCCEEDED
    assert job_probes.WHOLE_CALLS == ["2026-10-01"]
    moves = list(outcome.run.events.values_list("from_status", "to_status"))
    assert moves == [
        (JobRun.Status.RUNNING, JobRun.Status.FAILED),
        (JobRun.Status.FAILED, JobRun.Status.RUNNING),
        (JobRun.Status.RUNNING, JobRun.Status.SUCCEEDED),
    ]


def test_the_job_framework_in_core_imports_no_domain_app() -> None:
    """Layering: the apps register their jobs with core (<app>/jobs.py), never the reverse."""
    core_dir = Path(jobs.__file__).parent
    modules = [p for p in core_dir.rglob("*.py") if "tests" not in p.parts]
    apps = [
        app
        for app in settings.INSTALLED_APPS
        if app != "core" and (Path(settings.BASE_DIR) / app).is_dir()
    ]
    domain = re.compile(rf"^\s*(from|import)\s+({'|'.join(apps)})\b", re.M)
    offenders = [str(p) for p in modules if domain.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
