"""points' figure on the supervisor's home (core.dashboard): the points outstanding and what
the clearing of 31 December this year will take (POINTS-5/6, FIN-1).

Both come from ONE aggregate over the lots (``expiring_lots``'s condition as a filtered
sum). At a province's size that is a scan of every lot, so the answer is kept in Django's
cache for ``CACHE_SECONDS`` and the figure says as of when."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Q, Sum
from django.http import HttpRequest

from core import clock
from core.programme import programme
from membership.models import Status
from points.models import Lot

CACHE_SECONDS = 600
CACHE_KEY = "points:dashboard:{day}"


def points_figure(request: HttpRequest, today: date) -> dict[str, Any]:
    key = CACHE_KEY.format(day=today.isoformat())
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        last_year = today.year - int(programme("POINTS_VALID_YEARS"))
        sums = Lot.objects.filter(balance__gt=0).aggregate(
            outstanding=Sum("balance"),
            expiring=Sum(
                "balance",
                filter=Q(year__lte=last_year, exempt=False) & ~Q(customer__status=Status.CANCELLED),
            ),
        )
        found = {
            "outstanding": int(sums["outstanding"] or 0),
            "expiring": int(sums["expiring"] or 0),
            "as_of": clock.now(),
        }
        cache.set(key, found, CACHE_SECONDS)
    return {**found, "expiry_day": date(today.year, 12, 31)}
