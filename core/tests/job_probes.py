"""Test-only jobs, registered on import (the tests import this module; a worker started by
tests/test_worker_jobs.py imports it through CELERY_IMPORTS).

Faults are files in the directory named by the environment variable JOB_PROBE_DIR, so the
test and a worker process share them: ``fail-<period>-<lo>`` makes that chunk (or, with
lo ``all``, the whole probe) raise; ``block-<period>-<lo>`` makes that chunk write its rows,
touch ``started-<period>-<lo>`` and wait until the block file is removed (the worker-kill test
kills the worker meanwhile).
"""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import parse_month
from core.jobs import JobWork, chunked_job, register_job, whole_job
from membership.models import Bill, CreditRating, Customer

WHOLE_CALLS: list[str] = []
BLOCK_SECONDS = 90


def _flag(name: str) -> Path | None:
    folder = os.environ.get("JOB_PROBE_DIR")
    if not folder:
        return None
    path = Path(folder) / name
    return path if path.exists() else None


@chunked_job("probe_ledger", model=Customer, period_kind="month", app="tests")
def probe_ledger(work: JobWork) -> dict[str, Any]:
    """A chunked job with a real ledger: one CreditRating row per customer of [lo, hi) for the
    month, its score the customer's bill total (idempotent: an upsert per customer)."""
    period, lo, hi = work.period, work.lo, work.hi
    if _flag(f"fail-{period}-{lo}"):
        raise RuntimeError(f"probe chunk {lo} told to fail")
    month = parse_month(period)
    totals = (
        Customer.objects.filter(pk__gte=lo, pk__lt=hi)
        .annotate(
            total=Coalesce(Sum("bills__total"), 0, output_field=Bill._meta.get_field("total"))
        )
        .values_list("pk", "total")
    )
    now = timezone.now()
    rows = [
        CreditRating(customer_id=pk, month=month, score=int(total), stars=0, rated_at=now)
        for pk, total in totals
    ]
    CreditRating.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["customer", "month"],
        update_fields=["score"],
    )
    block = _flag(f"block-{period}-{lo}")
    if block is not None:
        (block.parent / f"started-{period}-{lo}").touch()
        deadline = time.monotonic() + BLOCK_SECONDS
        while block.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    return {"customers": len(rows), "points": sum(int(total) for _pk, total in totals)}


@whole_job("probe_whole", period_kind="day", app="tests")
def probe_whole(period: str) -> dict[str, Any]:
    """A whole job that counts its calls; fails while ``fail-<period>-all`` exists."""
    if _flag(f"fail-{period}-all"):
        raise RuntimeError("the probe was told to fail")
    WHOLE_CALLS.append(period)
    return {"customers": Customer.objects.count()}


# --- Helpers of the jobs tests ---------------------------------------------------------------


def make_customers(count: int) -> list[int]:
    """``count`` customers with two bills each, inserted in bulk (the worker tests need
    thousands); returns their pks."""
    first = Customer.objects.count()
    Customer.objects.bulk_create(
        [
            Customer(
                msisdn=f"138{first + n:08d}",
                name="李四",
                id_number="320102198001011234",
                birth_date=date(1980, 1, 1),
                brand="gotone",
                joined_on=date(2015, 3, 15),
                province="江苏",
                city="南京",
                status="active",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    pks = list(Customer.objects.order_by("pk").values_list("pk", flat=True))[first:]
    Bill.objects.bulk_create(
        [
            Bill(
                customer_id=pk, month=date(2026, month, 1), total=Decimal(pk % 97) + Decimal("0.5")
            )
            for pk in pks
            for month in (8, 9)
        ],
        batch_size=1000,
    )
    return pks


def ledger(period: str) -> dict[int, int]:
    """The probe's ledger of a month: customer → score."""
    return dict(
        CreditRating.objects.filter(month=parse_month(period)).values_list("customer_id", "score")
    )


# The same ledger with a fixed chunk size, for the worker tests (the chunks are planned by
# the worker, whose settings the test does not override).
WORKER_CHUNK_SIZE = 250
register_job(
    "probe_ledger_big",
    chunk=probe_ledger,
    model=Customer,
    chunk_size=WORKER_CHUNK_SIZE,
    period_kind="month",
    app="tests",
)
