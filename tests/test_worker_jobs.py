"""Chunked jobs through real Celery workers on Redis, on the test's own PostgreSQL database.

The workers (tests/workers.py) run the probe jobs of core/tests/job_probes.py. A run is
started the way the supervisor page does it: the task ``core.run_job`` sent to the broker.
Skipped without Redis (failed under CI=true) and on SQLite.
"""

from __future__ import annotations

import signal

import pytest

from core.dates import parse_month
from core.jobs import run_job
from core.models import JobChunk, JobRun
from core.tests.job_probes import WORKER_CHUNK_SIZE, ledger, make_customers
from membership.models import CreditRating
from tests.workers import WAIT_SECONDS, Workers, run_status, wait_for

CUSTOMERS = 3000

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


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
