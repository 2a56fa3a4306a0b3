"""TIER-11: the alternative rolling-average policy (from the source's China Unicom rules).

Rated monthly after billing on the mean bill of the last 6 months: silver 150 ≤ avg < 300,
gold 300 ≤ avg < 450, diamond ≥ 450 (thresholds in core/programme.py). A run for the bills
of month M (period "YYYY-MM", run early in M+1) works in three set-based steps:

1. a rise: a customer whose rolling grant valid on the 9th of M+1 is lower than the new
   level has that grant ended on the 8th of M+1;
2. a new grant from the 9th of M+1 to the 8th of M+13 for everyone with a level and no
   rolling grant valid on the 9th of M+1 (new customers and those who just rose);
3. re-rating in the month before expiry: a rolling grant ending on the 8th of M+2 is
   followed by a grant of the new level (which may be lower) from the 9th of M+2.

Within validity a level only rises. Cancellation ends the grant (TIER-9, status service).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.dates import add_months, parse_month
from core.errors import DomainError
from core.programme import programme
from membership.models import (
    LEVEL_RANK,
    Bill,
    Brand,
    Customer,
    GrantEvent,
    GrantSource,
    LevelGrant,
    RatingRun,
    Status,
)
from membership.selectors.levels import grants_valid_on
from membership.services.rating.base import RatingPolicyBase, insert_grants_from


def rolling_grants() -> QuerySet[LevelGrant]:
    return LevelGrant.objects.filter(
        source=GrantSource.ANNUAL, rating_run__policy=RollingAveragePolicy.key
    )


class RollingAveragePolicy(RatingPolicyBase[date]):
    """TIER-11: the period is a month of bills; the preview and commit are the base's. A
    sample shows the mean bill as its score and the new level as the one after."""

    key = "rolling_average"
    sample_fields = ("msisdn", "name", "average", "before_rank", "new_rank")
    score_field = "average"
    after_field = "new_rank"

    def parse(self, period: str) -> date:
        return _parse_period(period)

    def window(self, month: date) -> tuple[date, date]:
        """(start, end) of a new grant for the bills of ``month``."""
        start, end, _renew_start, _renew_end = self.windows(month)
        return start, end

    @staticmethod
    def windows(month: date) -> tuple[date, date, date, date]:
        """(start, end) of a new grant and (start, end) of a renewal, for bills of ``month``."""
        end_day = int(programme("ROLLING_END_DAY"))
        valid = int(programme("ROLLING_VALID_MONTHS"))
        start = add_months(month, 1).replace(day=end_day + 1)
        end = add_months(start, valid) - timedelta(days=1)
        renew_start = add_months(start, 1)
        renew_end = add_months(renew_start, valid) - timedelta(days=1)
        return start, end, renew_start, renew_end

    def scores(self, month: date) -> QuerySet[Any]:
        """The mean of the bills of the last ROLLING_MONTHS months ending with ``month``."""
        first = add_months(month, 1 - int(programme("ROLLING_MONTHS")))
        average = Subquery(
            Bill.objects.filter(customer_id=OuterRef("pk"), month__gte=first, month__lte=month)
            .values("customer_id")
            .annotate(avg=Avg("total"))
            .values("avg")[:1]
        )
        table = programme("ROLLING_THRESHOLDS")
        ordered = sorted(table.items(), key=lambda item: -LEVEL_RANK[item[0]])
        rank_cases = [
            When(average__gte=Value(minimum), then=Value(LEVEL_RANK[level]))
            for level, minimum in ordered
        ]
        level_cases = [When(new_rank=rank, then=Value(level)) for level, rank in LEVEL_RANK.items()]
        return (
            Customer.objects.filter(brand=Brand.GOTONE)
            .exclude(status=Status.CANCELLED)
            .annotate(average=average)
            .filter(average__isnull=False)
            .annotate(new_rank=Case(*rank_cases, default=Value(0), output_field=IntegerField()))
            .annotate(new_level=Case(*level_cases, default=None, output_field=CharField()))
        )

    def _current_rank(self, on: date) -> Coalesce:
        return Coalesce(
            Subquery(
                rolling_grants()
                .filter(grants_valid_on(on), customer_id=OuterRef("pk"))
                .order_by("-rank")
                .values("rank")[:1]
            ),
            0,
            output_field=IntegerField(),
        )

    def level_counts(self, month: date) -> dict[int, int]:
        """Grouped by the new rank: each line's mean is computed once (counts filtered by
        rank would repeat the rank's CASE, and its subqueries, for every rank)."""
        rows = self.scores(month).order_by().values("new_rank").annotate(n=Count("id"))
        return {row["new_rank"]: row["n"] for row in rows}

    def with_movement(self, month: date) -> QuerySet[Any]:
        """Scores plus the rank of the rolling grant held the day before the new window
        (``before_rank``); the rank after is the new one (``new_rank``)."""
        start, _end = self.window(month)
        return self.scores(month).annotate(before_rank=self._current_rank(start - timedelta(1)))

    def parameters(self, month: date) -> dict[str, Any]:
        return {
            key: programme(key)
            for key in (
                "ROLLING_THRESHOLDS",
                "ROLLING_MONTHS",
                "ROLLING_VALID_MONTHS",
                "ROLLING_END_DAY",
            )
        }

    def write(self, month: date, run: RatingRun, now: datetime, user: Any) -> dict[str, Any]:
        """TIER-11: the three set-based steps of the module docstring (the base's ``commit``
        runs this in its transaction)."""
        start, end, renew_start, renew_end = self.windows(month)
        period = run.period
        actor_id = getattr(user, "pk", None)
        # 1. rises end the current grant the day before the new window.
        risers = (
            self.scores(month)
            .annotate(current=self._current_rank(start))
            .filter(current__gt=0, new_rank__gt=F("current"))
        )
        rising = (
            rolling_grants()
            .filter(grants_valid_on(start))
            .filter(customer_id__in=risers.values("pk"))
        )
        rising_ids = list(rising.values_list("pk", flat=True))
        LevelGrant.objects.filter(pk__in=rising_ids).update(
            valid_until=start - timedelta(days=1),
            ended_at=now,
            ended_by=user,
            end_reason="TIER-11: level rose",
        )
        GrantEvent.objects.bulk_create(
            GrantEvent(
                grant_id=pk,
                action=GrantEvent.Action.ENDED,
                at=now,
                actor=user,
                rating_run=run,
                reason="TIER-11: level rose",
            )
            for pk in rising_ids
        )
        # 2. new grants for everyone with a level and no rolling grant on ``start``.
        holding = rolling_grants().filter(grants_valid_on(start), customer_id=OuterRef("pk"))
        fresh = self.scores(month).filter(new_rank__gt=0).exclude(Exists(holding))
        granted = insert_grants_from(
            fresh.values("id", "new_level", "new_rank"),
            source=GrantSource.ANNUAL,
            valid_from=start,
            valid_until=end,
            run=run,
            now=now,
            actor_id=actor_id,
            reason=f"TIER-11 rolling average to {period}",
        )
        # 3. re-rating in the month before expiry.
        expiring = rolling_grants().filter(
            customer_id=OuterRef("pk"), valid_until=renew_start - timedelta(days=1)
        )
        following = rolling_grants().filter(
            grants_valid_on(renew_start), customer_id=OuterRef("pk")
        )
        renewals = (
            self.scores(month)
            .filter(new_rank__gt=0)
            .filter(Exists(expiring))
            .exclude(Exists(following))
            .exclude(pk__in=fresh.values("pk"))
        )
        renewed = insert_grants_from(
            renewals.values("id", "new_level", "new_rank"),
            source=GrantSource.ANNUAL,
            valid_from=renew_start,
            valid_until=renew_end,
            run=run,
            now=now,
            actor_id=actor_id,
            reason=f"TIER-11 re-rated before expiry ({period})",
        )
        return {"granted": granted, "renewed": renewed, "rises": len(rising_ids)}


def _parse_period(period: str) -> date:
    try:
        return parse_month(period)
    except ValueError as exc:
        raise DomainError(_("“%(period)s” is not a month (YYYY-MM).") % {"period": period}) from exc
