"""Stalled runs and their resume (CONV-5, D-CORE-7): the derived "stalled" state, the sweeper's
timings, the supervisor's resume (confirmation, CSRF, audited, once) and the settings that
must fit together. In-process (no broker); tests/test_worker_recovery.py does it with real
workers on Redis.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from core import clock
from core.checks import job_recovery_timings
from core.job_chunks import plan_chunks
from core.job_states import job_run_resume_claim
from core.jobs import (
    get_job,
    job_chunk_run,
    job_run_is_stalled,
    job_run_resume,
    job_run_set_status,
    job_runs_sweep,
    run_job,
)
from core.models import JobChunk, JobRun, JobRunEvent
from core.programme import DEFAULTS
from core.tests import job_probes
from core.tests.job_probes import ledger, make_customers

pytestmark = pytest.mark.django_db

CHUNK_STALE = timedelta(minutes=DEFAULTS["JOB_CHUNK_STALE_MINUTES"])
WHOLE_STALE = timedelta(minutes=DEFAULTS["JOB_STALE_MINUTES"])


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _silent_for(run: JobRun, silence: timedelta) -> JobRun:
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=clock.now() - silence)
    run.refresh_from_db()
    return run


def _half_done_run(customers: int = 25) -> JobRun:
    """A running chunked run of the probe whose worker died after its first chunk."""
    make_customers(customers)
    run = JobRun.objects.create(job="probe_ledger", period="2026-09")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    total = plan_chunks(get_job("probe_ledger"), run)
    JobRun.objects.filter(pk=run.pk).update(chunks_total=total)
    first = run.chunks.order_by("lo")[0]
    assert job_chunk_run(run_id=run.pk, lo=first.lo) == "done"
    run.refresh_from_db()
    return run


def _resumes(run: JobRun) -> list[tuple[Any, str]]:
    """The run's resume rows (running → running): who, and the note."""
    events = JobRunEvent.objects.filter(
        run=run, from_status=JobRun.Status.RUNNING, to_status=JobRun.Status.RUNNING
    )
    return list(events.values_list("actor", "note"))


# --- The derived state --------------------------------------------------------------------------


def test_conv_5_a_chunked_run_silent_longer_than_the_chunk_threshold_is_stalled(
    small_chunks: int,
) -> None:
    run = _half_done_run()
    assert not job_run_is_stalled(run)  # a chunk just finished
    assert not job_run_is_stalled(_silent_for(run, CHUNK_STALE - timedelta(seconds=5)))
    assert job_run_is_stalled(_silent_for(run, CHUNK_STALE + timedelta(seconds=5)))
    assert (
        JobRun.objects.get(pk=run.pk).status == JobRun.Status.RUNNING
    )  # derived: nothing was written


def test_conv_5_a_whole_run_is_stalled_only_after_the_longer_threshold() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    # a whole job reports nothing until it ends: 5 minutes of silence is normal
    assert not job_run_is_stalled(_silent_for(run, CHUNK_STALE + timedelta(minutes=1)))
    assert job_run_is_stalled(_silent_for(run, WHOLE_STALE + timedelta(minutes=1)))


@pytest.mark.parametrize(
    "status", [JobRun.Status.PENDING, JobRun.Status.SUCCEEDED, JobRun.Status.FAILED]
)
def test_conv_5_only_a_running_run_can_be_stalled(status: str) -> None:
    old = clock.now() - timedelta(days=2)
    run = JobRun.objects.create(
        job="probe_ledger", period="2026-09", status=status, created_at=old, heartbeat_at=old
    )
    assert not job_run_is_stalled(run)


def test_conv_5_the_list_and_the_detail_show_a_stalled_run_with_a_way_to_resume_it(
    supervisor: Any, small_chunks: int, django_assert_num_queries: Any
) -> None:
    stalled = _silent_for(_half_done_run(), CHUNK_STALE + timedelta(minutes=1))
    alive = JobRun.objects.create(
        job="probe_ledger",
        period="2026-10",
        status=JobRun.Status.RUNNING,
        started_at=clock.now(),
        heartbeat_at=clock.now(),
    )
    client = _client(supervisor)
    client.get(reverse("core:job_runs"))  # warm the session
    with django_assert_num_queries(5):  # as without a stalled run: it is derived, not queried
        html = client.get(reverse("core:job_runs")).content.decode()
    resume = reverse("core:job_run_resume", kwargs={"pk": stalled.pk})
    assert resume in html
    assert reverse("core:job_run_resume", kwargs={"pk": alive.pk}) not in html
    rows = {
        run: html.split(f'data-run="{run}"')[1].split("</tr>")[0] for run in (stalled.pk, alive.pk)
    }
    assert "Stalled" in rows[stalled.pk]
    assert "Stalled" not in rows[alive.pk]

    detail = client.get(reverse("core:job_run_detail", kwargs={"pk": stalled.pk})).content.decode()
    assert 'data-testid="job-stalled"' in detail
    assert resume in detail
    data = client.get(reverse("core:job_run_progress", kwargs={"pk": stalled.pk})).json()
    assert (data["status"], data["stalled"], data["status_label"], data["badge"]) == (
        "running",
        True,
        "Stalled",
        "bad",
    )
    assert (
        client.get(reverse("core:job_run_progress", kwargs={"pk": alive.pk})).json()["stalled"]
        is False
    )


def test_conv_5_stalled_reads_in_chinese(supervisor: Any, small_chunks: int, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    stalled = _silent_for(_half_done_run(), CHUNK_STALE + timedelta(minutes=1))
    client = _client(supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("core:job_runs")).content.decode()
    assert "已停滞" in html
    confirm = client.get(reverse("core:job_run_resume", kwargs={"pk": stalled.pk}))
    assert "恢复运行" in confirm.content.decode()


# --- The sweeper ------------------------------------------------------------------------------


def test_conv_5_the_sweeper_resumes_a_chunked_run_after_minutes_not_an_hour(
    probe_faults: Path, small_chunks: int, django_capture_on_commit_callbacks: Any
) -> None:
    run = _silent_for(_half_done_run(), CHUNK_STALE - timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_runs_sweep()["resumed"] == 0  # not yet
    run = _silent_for(run, CHUNK_STALE + timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_runs_sweep()["resumed"] == 1
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert len(ledger("2026-09")) == 25
    assert set(run.chunks.values_list("attempts", flat=True)) == {1}  # nothing done twice
    ((actor, note),) = _resumes(run)
    assert actor is None
    assert note.startswith("Resumed by the sweeper: no chunk done since")
    assert f"{run.chunks_total - 1} of {run.chunks_total} chunks sent again" in note


def test_conv_5_the_sweeper_leaves_a_whole_run_alone_until_the_longer_threshold() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    _silent_for(run, CHUNK_STALE + timedelta(minutes=10))
    assert job_runs_sweep() == {"resumed": 0, "interrupted": 0, "never_started": 0}
    assert JobRun.objects.get(pk=run.pk).status == JobRun.Status.RUNNING


def test_conv_5_two_resumes_of_the_same_silence_send_the_chunks_once(
    small_chunks: int,
) -> None:
    run = _silent_for(_half_done_run(), CHUNK_STALE + timedelta(minutes=1))
    seen_by_sweeper = JobRun.objects.get(pk=run.pk)  # both read the run before either claims
    seen_by_supervisor = JobRun.objects.get(pk=run.pk)
    assert job_run_resume_claim(seen_by_sweeper, note="first")
    assert not job_run_resume_claim(seen_by_supervisor, note="second")
    assert _resumes(run) == [(None, "first")]


def test_conv_5_a_run_that_died_before_its_chunks_were_planned_is_planned_on_resume(
    probe_faults: Path, small_chunks: int, django_capture_on_commit_callbacks: Any
) -> None:
    make_customers(15)
    run = JobRun.objects.create(job="probe_ledger", period="2026-09")
    assert job_run_set_status(
        run, JobRun.Status.RUNNING
    )  # claimed, then the worker died: no chunk rows
    _silent_for(run, CHUNK_STALE + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_runs_sweep()["resumed"] == 1
    run.refresh_from_db()
    # not "succeeded with 0 chunks": the chunks were planned and done
    assert (run.status, run.counts["customers"]) == (JobRun.Status.SUCCEEDED, 15)
    assert run.chunks_total == run.counts["chunks"] >= 2
    assert len(ledger("2026-09")) == 15


# --- The supervisor's resume ---------------------------------------------------------------------


def test_conv_5_resume_asks_for_confirmation_and_a_get_changes_nothing(
    supervisor: Any, small_chunks: int
) -> None:
    run = _silent_for(_half_done_run(), CHUNK_STALE + timedelta(minutes=1))
    heartbeat = run.heartbeat_at
    page = _client(supervisor).get(reverse("core:job_run_resume", kwargs={"pk": run.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    assert f"{run.chunks_total - 1} missing chunks (of {run.chunks_total})" in html
    run.refresh_from_db()
    assert (run.heartbeat_at, _resumes(run)) == (heartbeat, [])


def test_conv_5_a_supervisor_resumes_a_stalled_run_once_and_the_history_says_who(
    supervisor: Any,
    probe_faults: Path,
    small_chunks: int,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _silent_for(_half_done_run(), CHUNK_STALE + timedelta(minutes=1))
    url = reverse("core:job_run_resume", kwargs={"pk": run.pk})
    client = _client(supervisor)
    before = clock.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url)  # the double submit
    detail = reverse("core:job_run_detail", kwargs={"pk": run.pk})
    assert first["Location"] == second["Location"] == detail
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert len(ledger("2026-09")) == 25
    assert set(run.chunks.values_list("attempts", flat=True)) == {1}
    resumes = JobRunEvent.objects.filter(
        run=run, from_status=JobRun.Status.RUNNING, to_status=JobRun.Status.RUNNING
    )
    (event,) = resumes  # once
    assert event.actor == supervisor
    assert before <= event.at <= clock.now()
    total = run.chunks_total
    assert event.note == f"Resumed by hand: {total - 1} of {total} chunks sent again."
    shown = client.get(detail).content.decode()  # the messages of both submits, the history
    assert f"probe_ledger 2026-09 resumed: {total - 1} of {total} chunks queued." in shown
    assert "probe_ledger 2026-09 is not stalled (it is Succeeded); nothing was done." in shown
    assert "Resumed by hand" in shown


def test_conv_5_resume_refuses_a_run_that_is_not_stalled(
    supervisor: Any, small_chunks: int, django_capture_on_commit_callbacks: Any
) -> None:
    run = _half_done_run()  # a chunk just finished: alive
    url = reverse("core:job_run_resume", kwargs={"pk": run.pk})
    client = _client(supervisor)
    assert client.get(url)["Location"] == reverse("core:job_run_detail", kwargs={"pk": run.pk})
    with django_capture_on_commit_callbacks(execute=True) as sent:
        client.post(url)
    assert sent == []
    run.refresh_from_db()
    assert (run.status, run.chunks_done, _resumes(run)) == (JobRun.Status.RUNNING, 1, [])
    assert job_run_resume(run=run, actor=supervisor).action == "not_stalled"


def test_conv_5_resume_without_the_csrf_token_is_refused(
    supervisor: Any, small_chunks: int
) -> None:
    run = _silent_for(_half_done_run(), CHUNK_STALE + timedelta(minutes=1))
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    response = client.post(reverse("core:job_run_resume", kwargs={"pk": run.pk}))
    assert response.status_code == 403
    assert _resumes(run) == []
    assert JobRun.objects.get(pk=run.pk).heartbeat_at == run.heartbeat_at


def test_conv_5_resuming_a_stalled_whole_run_records_the_interruption_and_runs_it_again(
    supervisor: Any, probe_faults: Path, django_capture_on_commit_callbacks: Any
) -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01")
    assert job_run_set_status(run, JobRun.Status.RUNNING)
    _silent_for(run, WHOLE_STALE + timedelta(minutes=1))
    url = reverse("core:job_run_resume", kwargs={"pk": run.pk})
    client = _client(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    run.refresh_from_db()
    assert run.status == JobRun.Status.SUCCEEDED
    assert job_probes.WHOLE_CALLS == ["2026-10-01"]  # run again once
    moves = list(run.events.values_list("from_status", "to_status", "actor"))
    assert moves == [
        (JobRun.Status.PENDING, JobRun.Status.RUNNING, None),
        (JobRun.Status.RUNNING, JobRun.Status.FAILED, supervisor.pk),
        (JobRun.Status.FAILED, JobRun.Status.RUNNING, supervisor.pk),
        (JobRun.Status.RUNNING, JobRun.Status.SUCCEEDED, None),
    ]
    assert run.events.get(to_status=JobRun.Status.FAILED).note.endswith("resumed by hand.")


def test_conv_5_the_command_resume_is_recorded_in_the_history_too(
    probe_faults: Path, small_chunks: int, run_now: Any
) -> None:
    run = _half_done_run()
    outcome = run_now("probe_ledger", "2026-09", resume=True)
    assert outcome.run.status == JobRun.Status.SUCCEEDED
    ((actor, note),) = _resumes(run)
    total = run.chunks_total
    assert (actor, note) == (
        None,
        f"Resumed by hand (run_job --resume): {total - 1} of {total} chunks sent again.",
    )
    assert JobChunk.objects.filter(run=run, attempts=1).count() == total
    assert run_job("probe_ledger", "2026-09").action == "already_done"


# --- The settings that must fit together ----------------------------------------------------------


def test_conv_5_the_default_recovery_timings_fit_together() -> None:
    assert job_recovery_timings() == []
    chunk_stale = DEFAULTS["JOB_CHUNK_STALE_MINUTES"] * 60
    assert settings.JOB_CHUNK_TIME_LIMIT < chunk_stale <= 5 * 60  # minutes, not an hour
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert DEFAULTS["JOB_STALE_MINUTES"] * 60 > settings.CELERY_TASK_TIME_LIMIT


def test_conv_5_the_system_check_names_timings_that_do_not_fit() -> None:
    with override_settings(
        JOB_CHUNK_TIME_LIMIT=600,
        CELERY_TASK_TIME_LIMIT=4000,
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 300},
    ):
        ids = [message.id for message in job_recovery_timings()]
    assert ids == ["gotone.W002", "gotone.W003", "gotone.W004"]


def test_conv_5_the_recovery_timings_are_read_from_the_environment() -> None:
    """What a worker started with these variables runs with (a fresh process: settings and
    task options are read when they are imported)."""
    script = (
        "import django, json; django.setup();"
        "from config.celery import app; from core.programme import programme;"
        "from core.tasks import run_job_chunk;"
        "print(json.dumps([app.conf.broker_transport_options['visibility_timeout'],"
        "programme('JOB_STALE_MINUTES'), programme('JOB_CHUNK_STALE_MINUTES'),"
        "programme('JOB_SWEEP_SECONDS'), run_job_chunk.time_limit,"
        "run_job_chunk.soft_time_limit, run_job_chunk.acks_late,"
        "run_job_chunk.reject_on_worker_lost,"
        "app.conf.worker_cancel_long_running_tasks_on_connection_loss]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CELERY_VISIBILITY_TIMEOUT": "123",
        "JOB_STALE_MINUTES": "45",
        "JOB_CHUNK_STALE_MINUTES": "0.25",
        "JOB_SWEEP_SECONDS": "7",
        "JOB_CHUNK_TIME_LIMIT": "12",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [
        123,
        45.0,
        0.25,
        7,
        12,
        10,
        True,
        True,
        False,
    ]
