"""The points jobs on the job runner (CONV-5): accrual and expiry in primary-key chunks, the
commands of docs/interfaces.md recorded as the same JobRun, and a run that failed halfway.

In-process (no broker): the chunks run one after the other (the commands' ``inline``).
tests/test_monthly_close_worker.py runs the same jobs on real workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.jobs import run_job
from core.models import JobRun
from membership.models import Brand, Customer
from points import jobs as points_jobs
from points.models import Entry, Lot, PointsRun
from points.services import points_accrue
from points.tests.builders import earn, lot_balances, make_bill, make_customer

pytestmark = pytest.mark.django_db

OCT = date(2025, 10, 1)
CHUNK = 3


@pytest.fixture
def small_chunks() -> Iterator[int]:
    with override_settings(GOTONE={"JOB_CHUNK_SIZE": CHUNK}):
        yield CHUNK


def billed_customers(count: int = 10) -> list[Customer]:
    customers = []
    for n in range(count):
        customer = make_customer(
            brand=[Brand.GOTONE, Brand.MZONE, Brand.EASYOWN][n % 3],
            joined_on=date(2010 + n, 1, 1),
        )
        make_bill(customer=customer, month=OCT, total=Decimal(37 * n + 11) + Decimal("0.50"))
        customers.append(customer)
    return customers


def ledger() -> set[tuple[Any, ...]]:
    """Every entry (without its run and time) and every lot."""
    entries = Entry.objects.values_list("customer_id", "month", "kind", "corrects", "amount")
    lots = Lot.objects.values_list("customer_id", "year", "exempt", "balance")
    return {("entry", *row) for row in entries} | {("lot", *row) for row in lots}


def wipe_ledger() -> None:
    Entry.objects.all().delete()
    Lot.objects.all().delete()
    PointsRun.objects.all().delete()


def test_conv_5_the_chunked_accrual_job_writes_the_ledger_of_the_direct_run(
    small_chunks: int,
) -> None:
    billed_customers(10)
    direct_counts = points_accrue(month=OCT).counts
    direct = ledger()
    wipe_ledger()

    outcome = run_job("accrue_points", "2025-10", inline=True)

    run = outcome.run
    assert run.status == "succeeded"
    assert ledger() == direct
    assert run.chunks_total == run.chunks_done == run.counts["chunks"] >= 4
    # One points run for the job run: every chunk's entries carry it.
    (points_run,) = PointsRun.objects.all()
    assert points_run.job_run_id == run.pk
    assert points_run.finished_at is not None
    assert set(Entry.objects.values_list("run_id", flat=True)) == {points_run.pk}
    assert run.counts["entries"] == Entry.objects.count()
    assert {key: run.counts[key] for key in direct_counts} == direct_counts


def test_points_4_the_command_run_again_after_a_corrected_bill_writes_the_correction(
    small_chunks: int,
) -> None:
    customer = make_customer(brand=Brand.MZONE, joined_on=date(2025, 6, 1))
    make_bill(customer=customer, month=OCT, total=Decimal("100.00"))
    out = StringIO()
    call_command("accrue_points", "2025-10", stdout=out)
    customer.bills.filter(month=OCT).update(total=Decimal("130.00"))  # re-imported bill

    call_command("accrue_points", "2025-10", stdout=out)

    first, second = out.getvalue().strip().splitlines()
    assert first.endswith("+100 points")
    assert second.endswith("1 corrections, +30 points")
    run = JobRun.objects.get(job="accrue_points", period="2025-10")
    assert (run.status, run.trigger, run.attempts) == ("succeeded", "command", 2)
    assert lot_balances(customer) == {2025: 130}
    # Two points runs, each closed, each tied to the job run.
    assert list(PointsRun.objects.values_list("job_run_id", flat=True)) == [run.pk, run.pk]
    assert not PointsRun.objects.filter(finished_at__isnull=True).exists()


def test_conv_5_an_accrual_that_failed_halfway_finishes_the_same_when_run_again(
    small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers = billed_customers(10)
    points_accrue(month=OCT)
    undisturbed = ledger()
    wipe_ledger()
    third = (customers[0].pk // CHUNK) * CHUNK + 2 * CHUNK
    real_range = points_jobs.accrue_range

    def failing(run: PointsRun, *, lo: int, hi: int) -> dict[str, int]:
        if lo == third:
            raise RuntimeError("the database went away")
        return real_range(run, lo=lo, hi=hi)

    monkeypatch.setattr(points_jobs, "accrue_range", failing)
    with pytest.raises(CommandError, match="the database went away"):
        call_command("accrue_points", "2025-10", stdout=StringIO())

    run = JobRun.objects.get(job="accrue_points")
    assert run.status == "failed"
    chunks = dict(run.chunks.values_list("lo", "done_at"))
    assert chunks[third] is None
    assert {lo for lo, done in chunks.items() if done} == {lo for lo in chunks if lo < third}
    half = ledger()
    assert half
    assert half < undisturbed

    monkeypatch.setattr(points_jobs, "accrue_range", real_range)
    call_command("accrue_points", "2025-10", stdout=StringIO())

    run.refresh_from_db()
    assert run.status == "succeeded"
    assert ledger() == undisturbed
    attempts = dict(run.chunks.values_list("lo", "attempts"))
    assert all(attempts[lo] == 1 for lo in attempts if lo < third)  # not done twice
    assert attempts[third] == 2
    assert PointsRun.objects.count() == 1  # the run again went on with the same points run


def test_conv_5_a_job_command_leaves_a_run_that_is_running_elsewhere_alone() -> None:
    JobRun.objects.create(job="accrue_points", period="2025-10", status="running")
    make_bill(customer=make_customer(), month=OCT, total=Decimal("10.00"))

    with pytest.raises(CommandError, match="run_job accrue_points 2025-10 --resume"):
        call_command("accrue_points", "2025-10", stdout=StringIO())

    assert not Entry.objects.exists()


def test_points_6_expiry_runs_in_chunks_of_lots_and_is_recorded_as_the_job_run(
    small_chunks: int,
) -> None:
    customers = [make_customer() for _ in range(7)]
    for n, customer in enumerate(customers):
        earn(customer, 2020, 10 + n)
        earn(customer, 2023, 5)  # still valid on 31 December 2022… and later
    out = StringIO()

    call_command("expire_points", "2022", stdout=out)

    assert out.getvalue().strip() == (
        "expire_points 2022: cleared 91 points in 7 lots of 7 customers (earned in 2020 and before)"
    )
    run = JobRun.objects.get(job="expire_points", period="2022")
    assert run.status == "succeeded"
    assert run.chunks_total >= 3
    assert all(lot_balances(c) == {2020: 0, 2023: 5} for c in customers)


def test_points_6_an_expiry_before_the_clearing_day_fails_its_run_and_clears_nothing() -> None:
    customer = make_customer()
    earn(customer, 2997, 40)

    with pytest.raises(CommandError, match="2999-12-31"):
        call_command("expire_points", "2999", stdout=StringIO())

    run = JobRun.objects.get(job="expire_points", period="2999")
    assert run.status == "failed"
    assert "2999-12-31" in run.error
    assert run.chunks_total == 0  # refused before any chunk was planned
    assert lot_balances(customer) == {2997: 40}
    assert not PointsRun.objects.exists()
