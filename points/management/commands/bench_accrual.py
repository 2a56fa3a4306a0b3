"""`bench_accrual [--month YYYY-MM]`: the set-based accrual against a naive per-row ORM loop.

Both run on the existing customers and bills of one month, each inside a transaction that
is rolled back, so the benchmark changes nothing. The per-row loop lives here only, as the
baseline: the product never accrues that way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, F, Max, Sum

from core import clock, dates
from core.jobs import run_job
from membership.models import Bill, Brand, Status
from membership.scoring import consumption_points
from membership.selectors.levels import effective_level
from points.models import Entry, EntryKind, Lot
from points.selectors import accrual_start
from points.services import lots_reconcile, points_accrue
from points.services.accrual import brand_reward_percent, tenure_reward_percent


def naive_accrue(month: date) -> None:
    """POINTS-1..3 the slow way: one bill at a time, a handful of queries per bill."""
    start, end = dates.month_start(month), dates.month_end(month)
    now = clock.now()
    for bill in Bill.objects.filter(month=start).select_related("customer"):
        customer = bill.customer
        if customer.status == Status.CANCELLED:
            continue
        begins = accrual_start(customer)
        if begins is None or begins > start:
            continue
        points = consumption_points(bill.total)
        level = effective_level(customer, end)
        tenure = dates.tenure_months(customer.joined_on, end)
        parts = (
            (EntryKind.ACCRUAL, points),
            (EntryKind.REWARD_BRAND, points * brand_reward_percent(customer.brand, level) // 100),
            (EntryKind.REWARD_TENURE, points * tenure_reward_percent(tenure) // 100),
        )
        for kind, amount in parts:
            if amount <= 0:
                continue
            if Entry.objects.filter(customer=customer, month=start, kind=kind).exists():
                continue
            lot, _created = Lot.objects.get_or_create(
                customer=customer, year=start.year, exempt=customer.brand == Brand.EASYOWN
            )
            Entry.objects.create(
                customer=customer,
                lot=lot,
                year=lot.year,
                kind=kind,
                amount=amount,
                month=start,
                booked_on=end,
                created_at=now,
            )
            Lot.objects.filter(pk=lot.pk).update(balance=F("balance") + amount)


class Command(BaseCommand):
    help = "Time the set-based monthly accrual against a naive per-row ORM loop (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the latest billed month)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = dates.parse_month(options["month"])
            except ValueError as exc:
                raise CommandError(f"“{options['month']}” is not a month (YYYY-MM).") from exc
        else:
            latest = Bill.objects.aggregate(m=Max("month"))["m"]
            if latest is None:
                raise CommandError("No bills: run seed_demo (or import bills) first.")
            month = latest
        bills = Bill.objects.filter(month=month).count()
        set_based = self._timed(month, lambda: points_accrue(month=month))
        # The calendar job: the same ranges as JobChunk rows, each with its bookkeeping
        # (claimed, done mark, counts), one after the other as the command runs them.
        period = f"{month:%Y-%m}"
        as_job = self._timed(
            month, lambda: run_job("accrue_points", period, rerun=True, inline=True)
        )
        per_row = self._timed(month, lambda: naive_accrue(month))
        self.stdout.write(
            f"bench_accrual {month:%Y-%m} on {connection.vendor}: {bills} bills; "
            f"set-based {set_based[0]:.3f} s ({set_based[1]} entries, {set_based[2]:+d} points); "
            f"as the chunked job {as_job[0]:.3f} s; "
            f"per-row ORM loop {per_row[0]:.3f} s ({per_row[1]} entries, {per_row[2]:+d} points); "
            f"{per_row[0] / max(set_based[0], 1e-9):.0f}× faster"
            + ("" if set_based[1:] == per_row[1:] == as_job[1:] else "; RESULTS DIFFER")
        )

    def _timed(self, month: date, work: Callable[[], Any]) -> tuple[float, int, int]:
        """Run ``work`` on a ledger without the month's entries, measure, roll back."""
        with transaction.atomic():
            existing = Entry.objects.filter(month=month)
            if existing.exists():
                existing._raw_delete(existing.db)  # bench only: inside a rolled-back transaction
                lots_reconcile(fix=True)
            started = time.perf_counter()
            work()
            elapsed = time.perf_counter() - started
            written = Entry.objects.filter(month=month).aggregate(n=Count("id"), p=Sum("amount"))
            transaction.set_rollback(True)
        return elapsed, int(written["n"] or 0), int(written["p"] or 0)
