"""Fixtures of the jobs tests: the probe jobs' fault directory, small chunks, and a runner
that also runs what run_job left for the commit (the chunks, in-process, as without a
broker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from config.celery import app as celery_app
from core.jobs import JobOutcome, run_job
from core.tests import job_probes


@pytest.fixture(autouse=True)
def _project_celery_app() -> None:
    """Tasks go through the project's app (in-process in tests): a test elsewhere that
    creates a Celery() client makes that client the current app, and shared tasks follow
    the current app."""
    celery_app.set_current()


@pytest.fixture
def probe_faults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The probes' fault directory (JOB_PROBE_DIR)."""
    monkeypatch.setenv("JOB_PROBE_DIR", str(tmp_path))
    job_probes.WHOLE_CALLS.clear()
    return tmp_path


@pytest.fixture
def small_chunks() -> Iterator[int]:
    with override_settings(GOTONE={"JOB_CHUNK_SIZE": 10}):
        yield 10


@pytest.fixture
def run_now(django_capture_on_commit_callbacks: Any) -> Callable[..., JobOutcome]:
    """run_job, then the sends it left for the commit."""

    def go(name: str, period: str, **options: Any) -> JobOutcome:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = run_job(name, period, **options)
        outcome.run.refresh_from_db()
        return outcome

    return go
