"""The programme's monthly close on real Celery workers (CONV-5, POINTS-4, CREDIT-5, KPI-1).

The real jobs of the calendar — plans_apply_changes, accrue_points, rate_credit,
kpi_snapshot — over a few thousand customers, sent the way beat sends them (the tasks
``jobs.<name>`` with no argument: the worker computes the period), to workers on Redis that
share the test's PostgreSQL database (tests/workers.py), with chunks of 250 customers.

The worker-kill test stops a real accrual chunk in the middle of its transaction without
any hook in the code: the test holds a SHARE lock on the ledger's entry table, so the chunk
stages its rows and creates its lots, then waits at its INSERT of entries; the test kills
the worker there (SIGKILL), and the sweeper resumes the run on a new worker.
"""

from __future__ import annotations

import signal
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import parse_month
from core.jobs import get_job, run_job
from core.models import JobChunk, JobRun
from core.tasks import run_job_task
from keyaccounts.models import KpiFigure
from membership.models import Bill, CreditRating, Customer
from membership.services.grants import grant_create
from points.models import Entry, Lot, PointsRun
from tests.workers import Workers, database_url, run_status, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

CUSTOMERS = 3000
CHUNK = 250
CLOSE = ("plans_apply_changes", "accrue_points", "rate_credit", "kpi_snapshot")
BRANDS = ("gotone", "mzone", "easyown")
CITIES = ("苏州", "常州", "淮安", "南京", "泰州")


def close_period() -> str:
    """The month a close fired today closes (what the worker computes: last month)."""
    return get_job("accrue_points").spec.period_for()


def make_province(month: date) -> list[int]:
    """CUSTOMERS customers of three brands in five cities, each with bills for the closed
    month and the five before it; a few hundred hold a level."""
    Customer.objects.bulk_create(
        [
            Customer(
                msisdn=f"139{n:08d}",
                name="王五",
                id_number="320102198001011234",
                birth_date=date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                brand=BRANDS[n % 3],
                joined_on=date(2005 + n % 20, 1 + n % 12, 1),
                province="江苏",
                city=CITIES[n % 5],
                status="active",
            )
            for n in range(CUSTOMERS)
        ],
        batch_size=1000,
    )
    pks = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    bills = []
    for back in range(6):
        first = (month - timedelta(days=31 * back)).replace(day=1)
        bills += [
            Bill(customer_id=pk, month=first, total=Decimal(pk * 7 % 400) + Decimal("0.35"))
            for pk in pks
        ]
    Bill.objects.bulk_create(bills, batch_size=2000)
    for pk in pks[::10]:
        grant_create(
            customer=Customer.objects.get(pk=pk),
            level=("gold", "platinum", "diamond")[pk % 3],
            source="annual",
            valid_from=month.replace(month=1, day=1) if month.month > 1 else month,
        )
    return pks


def close_ledger(month: date) -> dict[str, Any]:
    """What the close wrote: the points ledger, the month's credit and KPI-1 figures."""
    kpi = KpiFigure.objects.filter(month=month).values_list(
        "dimension", "key", "mid_high_end", "snapshot_size", "snapshot_retained"
    )
    return {
        "entries": sorted(
            Entry.objects.values_list("customer_id", "month", "kind", "corrects", "amount")
        ),
        "lots": sorted(Lot.objects.values_list("customer_id", "year", "exempt", "balance")),
        "credit": sorted(
            CreditRating.objects.filter(month=month).values_list("customer_id", "score", "stars")
        ),
        "kpi": sorted(kpi),
    }


def has_status(name: str, period: str, status: str, attempts: int = 1) -> bool:
    runs = JobRun.objects.filter(job=name, period=period, status=status, attempts=attempts)
    return runs.exists()


def send_scheduled(workers: Workers, name: str) -> Any:
    """What beat sends: ``jobs.<name>`` with no argument."""
    return workers.client.send_task(f"jobs.{name}", queue=workers.queue)


def test_conv_5_the_monthly_close_over_thousands_of_customers_run_twice_gives_the_same_ledger(
    workers: Workers,
) -> None:
    period = close_period()
    month = parse_month(period)
    make_province(month)
    workers.start(2, JOB_CHUNK_SIZE=str(CHUNK))  # chunks finish concurrently

    for name in CLOSE:  # in the calendar's order (beat staggers them through the night)
        send_scheduled(workers, name)
        wait_for(partial(has_status, name, period, "succeeded"), f"{name} {period}")
    first = close_ledger(month)
    runs = {run.job: run for run in JobRun.objects.filter(period=period)}
    assert set(runs) == set(CLOSE)
    assert all(run.trigger == "schedule" for run in runs.values())
    accrual, credit = runs["accrue_points"], runs["rate_credit"]
    # Ranges aligned on multiples of the chunk size: 12 or 13 of them for 3,000 customers.
    assert accrual.chunks_total == accrual.chunks_done >= CUSTOMERS // CHUNK
    assert credit.chunks_total == credit.chunks_done >= CUSTOMERS // CHUNK
    assert accrual.counts["customers"] > CUSTOMERS / 2
    assert len(first["credit"]) == CUSTOMERS
    assert first["entries"]
    assert first["kpi"]
    # Every chunk ran once, on one of the two workers, and every entry carries the one
    # points run of the job run.
    assert set(JobChunk.objects.filter(run=accrual).values_list("attempts", flat=True)) == {1}
    (points_run,) = PointsRun.objects.filter(job_run=accrual)
    assert set(Entry.objects.values_list("run_id", flat=True)) == {points_run.pk}

    # Beat fires again (a restarted beat, a duplicated message): nothing is done twice.
    for name in CLOSE:
        result = send_scheduled(workers, name).get(timeout=60)
        assert result["action"] == "already_done", result
    assert close_ledger(month) == first

    # The operator runs the close again by hand (a re-sent feed that changed nothing):
    # every job really runs again, chunk by chunk on the workers, and writes nothing new.
    for name in CLOSE:
        workers.client.send_task(f"jobs.{name}", args=[period], queue=workers.queue)
        wait_for(partial(has_status, name, period, "succeeded", 2), f"the re-run of {name}")
    assert close_ledger(month) == first
    again = JobRun.objects.get(job="accrue_points", period=period)
    assert again.counts["entries"] == 0
    assert again.counts["corrections"] == 0
    assert JobRun.objects.get(job="rate_credit", period=period).counts["changed"] == 0


def _blocked_on_entries(dbname: str) -> list[int]:
    """Backends of the test database waiting for a lock at an INSERT into the entries."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
            " AND query ILIKE %s",
            [dbname, '%INSERT INTO "points_entry"%'],
        )
        return [row[0] for row in cursor.fetchall()]


def _alive(pids: list[int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
        row = cursor.fetchone()
    return bool(row and row[0])


def _wipe_points() -> None:
    Entry.objects.all().delete()
    Lot.objects.all().delete()
    PointsRun.objects.all().delete()
    JobRun.objects.filter(job="accrue_points").delete()


def test_conv_5_an_accrual_chunk_killed_mid_way_resumes_to_the_ledger_of_an_undisturbed_run(
    workers: Workers, settings: Any
) -> None:
    period = close_period()
    month = parse_month(period)
    make_province(month)
    settings.GOTONE = {"JOB_CHUNK_SIZE": CHUNK}
    undisturbed = run_job("accrue_points", period, inline=True).run  # in-process, whole
    undisturbed.refresh_from_db()
    assert undisturbed.status == "succeeded"
    reference, reference_counts = close_ledger(month), undisturbed.counts
    _wipe_points()

    (first,) = workers.start(1, JOB_CHUNK_SIZE=str(CHUNK))
    send_scheduled(workers, "accrue_points")
    wait_for(
        lambda: JobRun.objects.filter(job="accrue_points", chunks_done__gte=2).exists(),
        "two chunks done",
    )
    dbname = connection.settings_dict["NAME"]
    with psycopg.connect(database_url(), autocommit=False) as blocker:
        # Let the chunk in flight finish, then hold the next one at its INSERT of entries.
        blocker.execute('LOCK TABLE "points_entry" IN SHARE MODE')
        wait_for(lambda: bool(_blocked_on_entries(dbname)), "a chunk waiting mid-way")
        (stuck,) = _blocked_on_entries(dbname)
        run = JobRun.objects.get(job="accrue_points", period=period)
        done_before = set(run.chunks.filter(done_at__isnull=False).values_list("lo", flat=True))

        first.send_signal(signal.SIGKILL)  # the worker dies in the middle of the chunk
        first.wait(timeout=20)
        blocker.rollback()  # release the lock: the orphaned chunk's transaction rolls back
    wait_for(lambda: not _alive([stuck]), "the dead worker's transaction to end")

    run.refresh_from_db()
    assert run.status == "running"
    # The killed chunk had started (its attempt is counted before its transaction opens)
    # and is not done; nothing it wrote is in the ledger: its transaction never committed.
    (killed,) = run.chunks.filter(done_at__isnull=True, attempts=1)
    half = close_ledger(month)
    assert half["entries"]
    assert len(half["entries"]) < len(reference["entries"])
    assert not [row for row in half["entries"] if killed.lo <= row[0] < killed.hi]
    assert not [row for row in half["lots"] if killed.lo <= row[0] < killed.hi]

    # An hour without a sign of life: the sweeper (beat, every 10 minutes) resumes the run,
    # which does the missing chunk and nothing twice.
    # A new worker takes the chunks still queued; the killed one's message died with its
    # worker, so the run waits, one chunk short.
    workers.start(1, JOB_CHUNK_SIZE=str(CHUNK))
    wait_for(
        lambda: run.chunks.filter(done_at__isnull=True).count() == 1,
        "the queued chunks to be done",
    )
    assert run_status("accrue_points", period) == "running"
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=2))
    swept = workers.client.send_task("core.sweep_job_runs", queue=workers.queue).get(timeout=60)
    assert swept["resumed"] == 1
    wait_for(lambda: run_status("accrue_points", period) == "succeeded", "the resumed run")

    run.refresh_from_db()
    assert close_ledger(month) == reference
    assert {k: run.counts[k] for k in reference_counts} == reference_counts
    assert not run.chunks.filter(done_at__isnull=True).exists()
    attempts = dict(run.chunks.values_list("lo", "attempts"))
    assert all(attempts[lo] == 1 for lo in done_before)  # done chunks were not done again
    assert attempts[killed.lo] == 2
    assert PointsRun.objects.filter(job_run=run).count() == 1


def test_conv_5_the_supervisor_page_shows_a_failed_run_and_a_worker_runs_it_again(
    workers: Workers, supervisor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    period = close_period()
    month = parse_month(period)
    make_province(month)
    (first,) = workers.start(1, JOB_CHUNK_SIZE=str(CHUNK))
    dbname = connection.settings_dict["NAME"]
    # The database refuses to wait for a lock for more than a second (the worker's
    # sessions start after this), and the test holds the ledger's table: the run fails.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE \"{dbname}\" SET lock_timeout = '1s'")
    try:
        with psycopg.connect(database_url(), autocommit=False) as blocker:
            blocker.execute('LOCK TABLE "points_entry" IN SHARE MODE')
            send_scheduled(workers, "accrue_points")
            wait_for(lambda: run_status("accrue_points", period) == "failed", "the failure")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{dbname}" RESET lock_timeout')
    first.terminate()
    first.wait(timeout=20)
    run = JobRun.objects.get(job="accrue_points", period=period)
    assert "lock timeout" in run.error

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(supervisor)
    listing = client.get(reverse("core:job_runs"), {"status": "failed"}).content.decode()
    assert "lock timeout" in listing
    detail_url = reverse("core:job_run_detail", kwargs={"pk": run.pk})
    again_url = reverse("core:job_run_again", kwargs={"pk": run.pk})
    assert again_url in client.get(detail_url).content.decode()
    assert client.get(again_url).status_code == 200  # the confirmation step

    # "Run again": the page sends ``core.run_job`` to the broker, here the test's queue.
    workers.start(1, JOB_CHUNK_SIZE=str(CHUNK))
    sent: list[tuple[Any, ...]] = []

    def to_workers(*args: Any) -> Any:
        sent.append(args)
        return workers.client.send_task("core.run_job", args=list(args), queue=workers.queue)

    monkeypatch.setattr(run_job_task, "delay", to_workers)
    response = client.post(again_url)
    assert response["Location"] == detail_url
    assert sent == [("accrue_points", period, supervisor.pk)]
    wait_for(lambda: run_status("accrue_points", period) == "succeeded", "the run again")
    run.refresh_from_db()
    assert (run.attempts, run.error) == (2, "")
    assert Entry.objects.filter(run__job_run=run).exists()
    progress = client.get(reverse("core:job_run_progress", kwargs={"pk": run.pk})).json()
    assert progress["status"] == "succeeded"
    events = list(run.events.values_list("to_status", "actor"))
    assert events[-2:] == [("running", supervisor.pk), ("succeeded", None)]
