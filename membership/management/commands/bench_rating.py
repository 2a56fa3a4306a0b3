"""bench_rating YEAR: the set-based annual rating against a per-row ORM loop (baseline).

Both run inside a transaction that is rolled back, on whatever database is configured, so
the benchmark leaves no trace. The loop exists here only, as the thing to compare against.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core import clock
from core.dates import tenure_years
from membership.models import (
    LEVEL_RANK,
    Bill,
    Brand,
    Customer,
    GrantSource,
    LevelGrant,
    RatingRun,
    Status,
)
from membership.scoring import consumption_points, tenure_score
from membership.services.rating import GoToneAnnualPolicy
from membership.services.rating.gotone import rank_for_score


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the annual rating commit: set-based SQL vs a per-row ORM loop (rolled back)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, nargs="?", default=clock.today().year - 1)

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        customers = Customer.objects.count()
        bills = Bill.objects.filter(month__year=year).count()
        set_based, granted = self._timed(lambda: self._set_based(year), year)
        loop, looped = self._timed(lambda: self._loop(year), year)
        self.stdout.write(
            f"rating {year} over {customers} customers / {bills} bills: set-based "
            f"{set_based:.2f}s ({granted} grants), per-row loop {loop:.2f}s ({looped} grants), "
            f"speed-up x{loop / set_based:.1f}"
        )

    def _timed(self, fn: Any, year: int) -> tuple[float, int]:
        """Time ``fn`` from the same start (no grants of the year's rating yet), rolled back."""
        elapsed, result = 0.0, 0
        try:
            with transaction.atomic():
                runs = RatingRun.objects.filter(policy=GoToneAnnualPolicy.key, period=str(year))
                LevelGrant.objects.filter(rating_run__in=runs).delete()
                runs.delete()
                start = time.perf_counter()
                result = fn()
                elapsed = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
        return elapsed, result

    def _set_based(self, year: int) -> int:
        run = GoToneAnnualPolicy().commit(period=str(year))
        return int(run.counts["granted"])

    def _loop(self, year: int) -> int:
        start, end = GoToneAnnualPolicy.window(year)
        count = 0
        rated = Customer.objects.filter(brand=Brand.GOTONE, joined_on__lte=date(year - 1, 12, 31))
        for customer in rated.exclude(status=Status.CANCELLED):
            consumption = sum(
                consumption_points(b.total)
                for b in Bill.objects.filter(customer=customer, month__year=year)
            )
            score = consumption + tenure_score(tenure_years(customer.joined_on, date(year, 12, 31)))
            rank = rank_for_score(score)
            if rank:
                level = next(lv for lv, r in LEVEL_RANK.items() if r == rank)
                LevelGrant.objects.create(
                    customer=customer,
                    level=level,
                    rank=rank,
                    source=GrantSource.ANNUAL,
                    valid_from=start,
                    valid_until=end,
                )
                count += 1
        return count
