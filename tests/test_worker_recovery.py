"""Recovery in minutes (CONV-5, D-CORE-7): a worker killed with a chunk in flight, a new
worker started, and nobody typing ``--resume``: beat's sweeper finds the run stalled and sends
the lost chunk again; the run finishes with the counts of a clean run.

Real processes on Redis and the test's PostgreSQL database (tests/workers.py): two prefork
workers one after the other, and `celery beat` with only the sweeper enabled. The timings
are the deployment's settings at seconds scale (the same variables, in the environment of
every process). ``WORKER_RECOVERY_DEFAULTS=1`` runs the same test with the shipped defaults
instead (about five minutes) and prints the recovery time measured with them.

Skipped without Redis (failed under CI=true) and on SQLite.
"""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from django_celery_beat.models import PeriodicTask

from core.job_beat import SWEEPER_NAME, beat_sync
from core.jobs import run_job
from core.models import JobChunk, JobRun, JobRunEvent
from core.programme import DEFAULTS
from core.tests.job_probes import WORKER_CHUNK_SIZE, ledger, make_customers
from tests.workers import Workers, run_status, wait_for

CUSTOMERS = 3000  # 12 chunks of WORKER_CHUNK_SIZE
SLACK_SECONDS = 20  # running the lost chunk and the final step, on a busy 2-CPU machine

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _timings() -> tuple[dict[str, str], float, float]:
    """The environment of every process, the sweeper's wait and its interval (seconds)."""
    if os.environ.get("WORKER_RECOVERY_DEFAULTS") == "1":
        stale = float(DEFAULTS["JOB_CHUNK_STALE_MINUTES"]) * 60
        return {}, stale, float(DEFAULTS["JOB_SWEEP_SECONDS"])
    env = {
        "JOB_CHUNK_TIME_LIMIT": "6",  # soft limit 5 s; the kill comes well before
        "JOB_CHUNK_STALE_MINUTES": "0.15",  # 9 s, more than the chunk's time limit
        "JOB_SWEEP_SECONDS": "1",
        "CELERY_VISIBILITY_TIMEOUT": "3600",  # the broker's backstop cannot be what recovers
    }
    return env, 9.0, 1.0


def test_conv_5_a_chunk_lost_with_its_worker_is_done_again_by_the_sweeper_within_minutes(
    workers: Workers,
) -> None:
    env, stale, sweep = _timings()
    pks = make_customers(CUSTOMERS)
    clean = run_job("probe_ledger_big", "2026-09").run  # undisturbed, in-process
    clean.refresh_from_db()
    assert clean.status == "succeeded"

    # Beat with the sweeper alone (the calendar's jobs stay out of this test), every
    # JOB_SWEEP_SECONDS as sync_beat writes it.
    with override_settings(GOTONE={**settings.GOTONE, "JOB_SWEEP_SECONDS": int(sweep)}):
        beat_sync()
    PeriodicTask.objects.exclude(name=SWEEPER_NAME).update(enabled=False)
    workers.start_beat(**env)

    third = (min(pks) // WORKER_CHUNK_SIZE) * WORKER_CHUNK_SIZE + 2 * WORKER_CHUNK_SIZE
    block = workers.folder / f"block-2026-10-{third}"
    block.touch()  # the third chunk writes its rows, then waits: it is in flight
    (first,) = workers.start(1, pool="prefork", concurrency=2, **env)
    workers.send("probe_ledger_big", "2026-10")
    wait_for((workers.folder / f"started-2026-10-{third}").exists, "the third chunk to start")

    workers.kill(first)  # SIGKILL: the main process and its pool processes
    killed_at = time.monotonic()
    run = JobRun.objects.get(job="probe_ledger_big", period="2026-10")
    assert run.status == "running"
    assert JobChunk.objects.get(run=run, lo=third).done_at is None
    assert not [pk for pk in ledger("2026-10") if third <= pk < third + WORKER_CHUNK_SIZE]
    done_before = set(run.chunks.filter(done_at__isnull=False).values_list("lo", flat=True))

    block.unlink()
    workers.start(1, pool="prefork", concurrency=2, **env)  # nobody sends --resume
    started_in = time.monotonic() - killed_at
    limit = started_in + stale + sweep + SLACK_SECONDS
    wait_for(
        lambda: run_status("probe_ledger_big", "2026-10") == "succeeded",
        "the sweeper to finish the run",
        seconds=limit,
    )
    recovered_in = time.monotonic() - killed_at
    print(
        f"\nrecovery: the run finished {recovered_in:.1f} s after the worker was killed "
        f"(new worker ready after {started_in:.1f} s; JOB_CHUNK_STALE_MINUTES = {stale:g} s, "
        f"sweeper every {sweep:g} s; limit {limit:.1f} s)"
    )

    run.refresh_from_db()
    assert ledger("2026-10") == ledger("2026-09")  # the same rows as the clean run
    assert run.counts == clean.counts
    assert run.chunks_done == run.chunks_total == clean.chunks_total
    attempts = dict(run.chunks.values_list("lo", "attempts"))
    assert attempts[third] == 2  # the lost chunk, done again once
    assert all(attempts[lo] == 1 for lo in done_before)  # nothing done twice
    resumes = JobRunEvent.objects.filter(run=run, from_status="running", to_status="running")
    ((actor, note),) = resumes.values_list("actor", "note")
    assert actor is None
    # written by the worker, in the site's language (zh-hans unless configured otherwise)
    assert note.startswith(tuple(_sweeper_note(language) for language in ("en", "zh-hans")))


def _sweeper_note(language: str) -> str:
    with translation.override(language):
        return gettext("Resumed by the sweeper: no chunk done since %(at)s").split("%(at)s")[0]
