"""Fault: the database connection drops in the middle of a batch chunk (issue "Trust", part
C1; decision D-TRUST-14).

The monthly accrual (``accrue_points``, chunked by customer id, D-CORE-2) runs in small
chunks; in the middle of one chunk — after it has written its entries, before its "done"
mark — the connection goes: on PostgreSQL the server terminates the backend
(``pg_terminate_backend``), on SQLite (no server, no connection to lose) the database
refuses the next statement with an OperationalError. Then the job is run again, as the
supervisor's "run again" or the command does. The ledger must equal the one of an
undisturbed run: nothing of the broken chunk kept, nothing of the finished chunks doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.test import override_settings

from core.jobs import run_job
from membership.models import Brand
from points import jobs as points_jobs
from points.models import Entry, Lot, PointsRun
from points.services import points_accrue
from points.tests.builders import make_bill, make_customer

pytestmark = pytest.mark.django_db(transaction=True)  # the connection really goes

OCT = date(2025, 10, 1)
CHUNK = 3


@pytest.fixture
def small_chunks() -> Iterator[int]:
    with override_settings(GOTONE={"JOB_CHUNK_SIZE": CHUNK}):
        yield CHUNK


def billed_customers(count: int) -> list[int]:
    ids = []
    for n in range(count):
        customer = make_customer(
            brand=[Brand.GOTONE, Brand.MZONE, Brand.EASYOWN][n % 3],
            joined_on=date(2010 + n, 1, 1),
        )
        make_bill(customer=customer, month=OCT, total=Decimal(41 * n + 13) + Decimal("0.50"))
        ids.append(customer.pk)
    return ids


def ledger() -> set[tuple[Any, ...]]:
    entries = Entry.objects.values_list("customer_id", "month", "kind", "corrects", "amount")
    lots = Lot.objects.values_list("customer_id", "year", "exempt", "balance")
    return {("entry", *row) for row in entries} | {("lot", *row) for row in lots}


def drop_the_connection() -> None:
    """The connection is gone under the running chunk's feet."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        killer = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with killer.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            killer.close()
        return
    raise OperationalError("disk I/O error")  # SQLite: the file became unusable mid-chunk


def test_conv_5_a_connection_lost_mid_chunk_leaves_nothing_of_it_and_the_run_again_ends_as_clean(
    small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = billed_customers(10)
    clean_counts = points_accrue(month=OCT).counts
    clean = ledger()
    Entry.objects.all().delete()
    Lot.objects.all().delete()
    PointsRun.objects.all().delete()
    broken = (ids[0] // CHUNK) * CHUNK + 2 * CHUNK  # the third chunk
    real_range: Callable[..., dict[str, int]] = points_jobs.accrue_range
    written_before_the_drop: list[int] = []

    def dropping(run: PointsRun, *, lo: int, hi: int) -> dict[str, int]:
        counts = real_range(run, lo=lo, hi=hi)
        if lo == broken and not written_before_the_drop:
            written_before_the_drop.append(Entry.objects.filter(customer_id__gte=lo).count())
            drop_the_connection()
        return counts

    monkeypatch.setattr(points_jobs, "accrue_range", dropping)

    first = run_job("accrue_points", "2025-10", inline=True)

    assert written_before_the_drop
    assert written_before_the_drop[0] > 0  # the chunk had written its entries
    run = first.run
    run.refresh_from_db()
    assert run.status == "failed", run.status
    assert "OperationalError" in run.error  # PostgreSQL: "terminating connection …"
    chunks = dict(run.chunks.values_list("lo", "done_at"))
    assert chunks[broken] is None
    assert not Entry.objects.filter(customer_id__gte=broken, customer_id__lt=broken + CHUNK)
    half = ledger()
    assert half < clean  # the chunks before it stay done

    again = run_job("accrue_points", "2025-10", inline=True)

    run.refresh_from_db()
    assert (again.action, run.status) == ("ran", "succeeded")
    assert ledger() == clean
    assert {key: run.counts[key] for key in clean_counts} == clean_counts
    attempts = dict(run.chunks.values_list("lo", "attempts"))
    assert all(attempts[lo] == 1 for lo in attempts if lo < broken)  # not done twice
    assert attempts[broken] == 2
    assert all(attempts[lo] == 1 for lo in attempts if lo > broken)
