"""TIER-3 / TIER-4: the GoTone annual rating 年度评定, set-based."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.programme import programme
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
from membership.scoring import consumption_points_sql, tenure_score_sql
from membership.selectors.levels import effective_rank_subquery, grants_valid_on
from membership.services.rating.base import (
    RatingPreview,
    commit_run,
    insert_grants_from,
    level_of_rank,
    preview_record,
    refuse_second_commit,
)


def annual_consumption_sql(year: int, customer_ref: str = "pk") -> Coalesce:
    """POINTS-1 summed over the bills of ``year``: the consumption score of TIER-3."""
    return Coalesce(
        Subquery(
            Bill.objects.filter(
                customer_id=OuterRef(customer_ref),
                month__gte=date(year, 1, 1),
                month__lt=date(year + 1, 1, 1),
            )
            .values("customer_id")
            .annotate(points=Sum(consumption_points_sql()))
            .values("points")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def thresholds() -> list[tuple[str, int]]:
    """TIER-3 thresholds, highest level first."""
    table = programme("ANNUAL_THRESHOLDS")
    return sorted(
        ((level, int(table[level])) for level in table), key=lambda lt: -LEVEL_RANK[lt[0]]
    )


def rank_for_score(score: int) -> int:
    """TIER-3 in Python (the why-panel): the rank a score reaches, 0 below every threshold."""
    for level, minimum in thresholds():
        if score >= minimum:
            return LEVEL_RANK[level]
    return 0


class GoToneAnnualPolicy:
    key = "gotone_annual"

    @staticmethod
    def window(year: int) -> tuple[date, date]:
        """TIER-4: grants of the rating of ``year`` run from 1 Feb YEAR+1 to 31 Jan YEAR+2."""
        return date(year + 1, 2, 1), date(year + 2, 1, 31)

    def scores(self, year: int) -> QuerySet[Any]:
        """TIER-3: every rated line with its consumption, tenure score, score and new level.

        Rated: gotone lines, not cancelled, with tenure ≥ 1 year on 31 December of ``year``
        (CONV-2: joined on or before 31 December of the year before)."""
        rank_cases = [
            When(score__gte=Value(minimum), then=Value(LEVEL_RANK[level]))
            for level, minimum in thresholds()
        ]
        level_cases = [When(new_rank=rank, then=Value(level)) for level, rank in LEVEL_RANK.items()]
        return (
            Customer.objects.filter(brand=Brand.GOTONE, joined_on__lte=date(year - 1, 12, 31))
            .exclude(status=Status.CANCELLED)
            .annotate(
                consumption=annual_consumption_sql(year), tenure_points=tenure_score_sql(year)
            )
            .annotate(score=F("consumption") + F("tenure_points"))
            .annotate(new_rank=Case(*rank_cases, default=Value(0), output_field=IntegerField()))
            .annotate(new_level=Case(*level_cases, default=None, output_field=CharField()))
        )

    def with_movement(self, year: int) -> QuerySet[Any]:
        """Scores plus the level held the day before the new window (``before_rank``) and the
        level the customer will hold on its first day (``after_rank``: the new annual level
        or a higher plan / key-person / upgrade / retained grant still valid then)."""
        start, _end = self.window(year)
        other = Coalesce(
            Subquery(
                LevelGrant.objects.filter(grants_valid_on(start), customer_id=OuterRef("pk"))
                .exclude(source=GrantSource.ANNUAL)
                .order_by("-rank")
                .values("rank")[:1]
            ),
            0,
            output_field=IntegerField(),
        )
        return (
            self.scores(year)
            .annotate(
                before_rank=effective_rank_subquery(start - timedelta(days=1)),
                other_rank=other,
            )
            .annotate(
                after_rank=Greatest(F("new_rank"), F("other_rank"), output_field=IntegerField())
            )
        )

    def preview(
        self, *, period: str, actor: Any = None, sample: int = 10, record: bool = True
    ) -> RatingPreview:
        year = _parse_year(period)
        start, end = self.window(year)
        scored = self.scores(year)
        per_level = dict.fromkeys(LEVEL_RANK, 0)
        per_level["none"] = 0
        for row in scored.order_by().values("new_rank").annotate(n=Count("id")):
            per_level[level_of_rank(row["new_rank"])] += row["n"]
        moved = self.with_movement(year)
        ups = moved.filter(after_rank__gt=F("before_rank"))
        downs = moved.filter(after_rank__lt=F("before_rank"))
        fields = (
            "msisdn",
            "name",
            "score",
            "consumption",
            "tenure_points",
            "before_rank",
            "after_rank",
        )
        preview = RatingPreview(
            policy=self.key,
            period=period,
            valid_from=start,
            valid_until=end,
            rated=sum(per_level.values()),
            per_level=per_level,
            upgrades=ups.count(),
            downgrades=downs.count(),
            upgrade_sample=_sample(ups.order_by("-score", "msisdn").values(*fields)[:sample]),
            downgrade_sample=_sample(downs.order_by("score", "msisdn").values(*fields)[:sample]),
        )
        if record:
            preview_record(
                policy=self.key,
                period=period,
                preview=preview,
                parameters=self.parameters(year),
                actor=actor,
            )
        return preview

    def parameters(self, year: int) -> dict[str, Any]:
        return {
            "year": year,
            "thresholds": dict(thresholds()),
            "tenure_score": [list(pair) for pair in programme("TENURE_SCORE")],
        }

    def commit(self, *, period: str, actor: Any = None) -> RatingRun:
        """TIER-4: write the grants of ``period`` in one transaction; refused the second time."""
        year = _parse_year(period)
        start, end = self.window(year)

        def write(run: RatingRun, now: Any, user: Any) -> dict[str, Any]:
            rows = self.scores(year).filter(new_rank__gt=0).values("id", "new_level", "new_rank")
            granted = insert_grants_from(
                rows,
                source=GrantSource.ANNUAL,
                valid_from=start,
                valid_until=end,
                run=run,
                reason=f"TIER-3 annual rating {year}",
                now=now,
                actor_id=getattr(user, "pk", None),
            )
            return {"granted": granted}

        refuse_second_commit(self.key, period)
        return commit_run(
            policy=self.key,
            period=period,
            parameters=self.parameters(year),
            preview=self.preview(period=period, sample=0, record=False),
            actor=actor,
            write=write,
        )


def _parse_year(period: str) -> int:
    if not (len(period) == 4 and period.isdigit()):
        raise DomainError(_("“%(period)s” is not a year (YYYY).") % {"period": period})
    return int(period)


def _sample(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "before": level_of_rank(row["before_rank"]),
            "after": level_of_rank(row["after_rank"]),
        }
        for row in rows
    ]
