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

from datetime import date, timedelta
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
from membership.services.rating.base import (
    RatingPreview,
    commit_run,
    insert_grants_from,
    level_of_rank,
    preview_record,
    refuse_older_than_committed,
    refuse_second_commit,
)


def rolling_grants() -> QuerySet[LevelGrant]:
    return LevelGrant.objects.filter(
        source=GrantSource.ANNUAL, rating_run__policy=RollingAveragePolicy.key
    )


class RollingAveragePolicy:
    key = "rolling_average"

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

    def preview(
        self, *, period: str, actor: Any = None, sample: int = 10, record: bool = True
    ) -> RatingPreview:
        month = _parse_period(period)
        start, end, _renew_start, _renew_end = self.windows(month)
        scored = self.scores(month).annotate(before_rank=self._current_rank(start - timedelta(1)))
        per_level = dict.fromkeys(LEVEL_RANK, 0) | {"none": 0}
        for row in scored.order_by().values("new_rank").annotate(n=Count("id")):
            per_level[level_of_rank(row["new_rank"])] += row["n"]
        ups = scored.filter(new_rank__gt=F("before_rank"))
        downs = scored.filter(new_rank__lt=F("before_rank"))
        fields = ("msisdn", "name", "average", "before_rank", "new_rank")
        preview = RatingPreview(
            policy=self.key,
            period=period,
            valid_from=start,
            valid_until=end,
            rated=sum(per_level.values()),
            per_level=per_level,
            upgrades=ups.count(),
            downgrades=downs.count(),
            upgrade_sample=_sample(ups.order_by("-average", "msisdn").values(*fields)[:sample]),
            downgrade_sample=_sample(downs.order_by("average", "msisdn").values(*fields)[:sample]),
        )
        if record:
            preview_record(
                policy=self.key,
                period=period,
                preview=preview,
                parameters=self.parameters(),
                actor=actor,
            )
        return preview

    def parameters(self) -> dict[str, Any]:
        return {
            key: programme(key)
            for key in (
                "ROLLING_THRESHOLDS",
                "ROLLING_MONTHS",
                "ROLLING_VALID_MONTHS",
                "ROLLING_END_DAY",
            )
        }

    def commit(self, *, period: str, actor: Any = None) -> RatingRun:
        """TIER-11: the three set-based steps of the module docstring, in one transaction."""
        month = _parse_period(period)
        start, end, renew_start, renew_end = self.windows(month)

        def write(run: RatingRun, now: Any, user: Any) -> dict[str, Any]:
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

        refuse_second_commit(self.key, period)
        refuse_older_than_committed(self.key, period)
        return commit_run(
            policy=self.key,
            period=period,
            parameters=self.parameters(),
            preview=self.preview(period=period, sample=0, record=False),
            actor=actor,
            write=write,
        )


def _parse_period(period: str) -> date:
    try:
        return parse_month(period)
    except ValueError as exc:
        raise DomainError(_("“%(period)s” is not a month (YYYY-MM).") % {"period": period}) from exc


def _sample(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "score": row["average"],
            "before": level_of_rank(row["before_rank"]),
            "after": level_of_rank(row["new_rank"]),
        }
        for row in rows
    ]
