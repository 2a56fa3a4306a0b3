"""The jobs page with the broker (Redis) down (D-TRUST-13): "run now" answers, the run fails
at once saying why, and a chunked run's unsent chunks wait for the sweeper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from core.jobs import run_job
from core.models import JobChunk, JobRun
from core.tasks import run_job_chunk, run_job_task
from core.tests.job_probes import make_customers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Tasks go to a broker, and every send fails as kombu fails with Redis down."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    refused = OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
    try:
        with (
            mock.patch.object(run_job_task, "apply_async", side_effect=refused),
            mock.patch.object(run_job_chunk, "apply_async", side_effect=refused),
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


def test_conv_5_run_now_with_the_broker_down_fails_the_run_and_says_why(
    supervisor: Any, probe_faults: Any, broker_down: None
) -> None:
    client = Client()
    client.force_login(supervisor)
    response = client.post(
        reverse("core:job_run_start"), {"job": "probe_whole", "period": "2026-10-02"}, follow=True
    )
    assert response.status_code == 200
    run = JobRun.objects.get(job="probe_whole", period="2026-10-02")
    assert run.status == JobRun.Status.FAILED
    assert "could not be reached" in run.error
    assert "could not be reached" in response.content.decode()


def test_conv_5_unsent_chunks_wait_for_the_sweeper(small_chunks: int, broker_down: None) -> None:
    """The worker's run_job plans the chunks and sends them: unsent, they stay missing and
    the run running, for the sweeper to send again (D-CORE-7)."""
    make_customers(small_chunks * 3)
    outcome = run_job("probe_ledger", "2026-10")
    run = JobRun.objects.get(pk=outcome.run.pk)
    assert run.status == JobRun.Status.RUNNING  # planned; no chunk reached a worker
    assert JobChunk.objects.filter(run=run).count() >= 3
    assert JobChunk.objects.filter(run=run, done_at__isnull=False).count() == 0
