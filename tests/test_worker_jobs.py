"""Chunked jobs through real Celery workers on Redis, on the test's own PostgreSQL database.

The workers are `celery -A config worker` processes on a queue of their own, pointed at the
test database (DATABASE_URL) and importing the probe jobs (core/tests/job_probes.py). A run
is started the way the supervisor page does it: the task ``core.run_job`` sent to the broker.
Skipped without Redis (failed under CI=true) and on SQLite, whose in-memory test database a
worker process cannot share.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection

from config.celery import app as celery_app
from core.jobs import run_job
from core.models import JobChunk, JobRun
from core.tests.job_probes import WORKER_CHUNK_SIZE, ledger, make_customers
from membership.dates import parse_month
from membership.models import CreditRating
from tests.services import redis_url

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = 3000
WAIT_SECONDS = 45

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _database_url() -> str:
    """The test database (not the one in DATABASE_URL: pytest-django made test_<name>)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Celery worker processes on one queue, sharing the test's database and fault folder."""

    def __init__(self, url: str, queue: str, folder: Path) -> None:
        self.url, self.queue, self.folder = url, queue, folder
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        # Not the current app: the runner's shared tasks must keep going through the
        # project's app (in-process here), not through this client.
        self.client = Celery("jobs-test", broker=url, backend=url, set_as_current=False)
        self.client.conf.update(
            task_serializer="json", result_serializer="json", accept_content=["json"]
        )

    def start(self, count: int = 1) -> list[subprocess.Popen[bytes]]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",  # a real broker, not eager
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,  # the chunks it sends stay on our queue
            "CELERY_IMPORTS": "core.tests.job_probes",
            "JOB_PROBE_DIR": str(self.folder),
        }
        started = []
        for _ in range(count):
            name = f"{self.queue}-{len(self.processes)}"
            log = self.folder / f"{name}.log"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--queues",
                    self.queue,
                    "--hostname",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            self.processes.append((process, log))
            started.append(process)
        for process in started:
            self._wait_ready(process)
        return started

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        log = next(path for p, path in self.processes if p is process)
        wait_for(
            lambda: process.poll() is not None or b" ready." in log.read_bytes(),
            f"worker {log.name} to be ready",
        )
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]

    def send(self, name: str, period: str, *, resume: bool = False, rerun: bool = False) -> Any:
        """What the supervisor page sends: ``core.run_job``."""
        return self.client.send_task(
            "core.run_job", args=[name, period, None, resume, rerun], queue=self.queue
        )

    def stop(self) -> None:
        for process, log in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        self.client.close()


def wait_for(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what} after {seconds} s")
        time.sleep(0.2)


def run_status(name: str, period: str) -> str | None:
    return JobRun.objects.filter(job=name, period=period).values_list("status", flat=True).first()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    celery_app.set_current()  # another test's Celery() may have made itself current
    if connection.vendor != "postgresql":
        pytest.skip(
            "a worker process cannot share SQLite's in-memory test database; "
            "run with DATABASE_URL=postgres://… (CI does)"
        )
    url = redis_url()  # skips without Redis, fails under CI=true
    pool = Workers(url, f"test-jobs-{uuid.uuid4().hex[:12]}", tmp_path)
    try:
        yield pool
    finally:
        pool.stop()


def test_conv_5_a_chunked_job_over_thousands_of_customers_gives_the_same_result_twice(
    workers: Workers,
) -> None:
    make_customers(CUSTOMERS)
    workers.start(2)  # two workers: chunks finish concurrently, the last one finalises

    workers.send("probe_ledger_big", "2026-09")
    wait_for(lambda: run_status("probe_ledger_big", "2026-09") == "succeeded", "the first run")
    run = JobRun.objects.get(job="probe_ledger_big")
    first_ledger, first_counts = ledger("2026-09"), run.counts
    assert len(first_ledger) == CUSTOMERS
    assert first_counts["customers"] == CUSTOMERS
    assert run.chunks_total == run.chunks_done == first_counts["chunks"] > 10
    assert not JobChunk.objects.filter(run=run, done_at__isnull=True).exists()
    assert set(JobChunk.objects.filter(run=run).values_list("attempts", flat=True)) == {1}

    # The same run sent again does nothing and says so.
    again = workers.send("probe_ledger_big", "2026-09").get(timeout=WAIT_SECONDS)
    assert again["action"] == "already_done"

    # Run again on request (--rerun): every chunk is done again; the ledger is the same.
    workers.send("probe_ledger_big", "2026-09", rerun=True)
    wait_for(
        lambda: JobRun.objects.filter(pk=run.pk, status="succeeded", attempts=2).exists(),
        "the re-run",
    )
    run.refresh_from_db()
    assert ledger("2026-09") == first_ledger
    assert run.counts == first_counts
    assert CreditRating.objects.filter(month=parse_month("2026-09")).count() == CUSTOMERS


def test_conv_5_a_worker_killed_mid_chunk_leaves_a_run_that_resumes_to_the_same_result(
    workers: Workers,
) -> None:
    pks = make_customers(CUSTOMERS)
    reference = run_job("probe_ledger_big", "2026-09").run  # undisturbed, in-process
    reference.refresh_from_db()
    assert reference.status == "succeeded"

    third = (min(pks) // WORKER_CHUNK_SIZE) * WORKER_CHUNK_SIZE + 2 * WORKER_CHUNK_SIZE
    block = workers.folder / f"block-2026-10-{third}"
    block.touch()  # the third chunk will write its rows, then wait
    (first,) = workers.start(1)
    workers.send("probe_ledger_big", "2026-10")
    wait_for((workers.folder / f"started-2026-10-{third}").exists, "the third chunk to start")

    first.send_signal(signal.SIGKILL)  # the worker dies in the middle of the chunk
    first.wait(timeout=20)
    run = JobRun.objects.get(job="probe_ledger_big", period="2026-10")
    assert run.status == "running"
    chunk = JobChunk.objects.get(run=run, lo=third)
    assert chunk.done_at is None
    written = ledger("2026-10")
    assert not [pk for pk in written if third <= pk < third + WORKER_CHUNK_SIZE]  # rolled back
    assert len(written) < CUSTOMERS

    block.unlink()
    workers.start(1)  # a new worker takes the chunks still queued …
    workers.send("probe_ledger_big", "2026-10", resume=True)  # … and the resume the lost one
    wait_for(lambda: run_status("probe_ledger_big", "2026-10") == "succeeded", "the resumed run")

    run.refresh_from_db()
    assert ledger("2026-10") == ledger("2026-09")
    assert run.counts == reference.counts
    assert JobChunk.objects.get(run=run, lo=third).attempts == 2
    assert not JobChunk.objects.filter(run=run, done_at__isnull=True).exists()
