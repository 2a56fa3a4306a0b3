"""TIER-3 / TIER-4: the GoTone annual rating 年度评定, set-based."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
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
    refuse_older_than_committed,
    refuse_second_commit,
)


def year_bills(year: int) -> FilteredRelation:
    """The customer's bills of ``year`` as a join (TIER-3 scores the previous natural year)."""
    return FilteredRelation(
        "bills",
        condition=Q(bills__month__gte=date(year, 1, 1), bills__month__lt=date(year + 1, 1, 1)),
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

    @staticmethod
    def rated(year: int) -> QuerySet[Customer]:
        """TIER-3: the rated lines: gotone, not cancelled, with tenure ≥ 1 year on 31 December
        of ``year`` (CONV-2: joined on or before 31 December of the year before)."""
        return Customer.objects.filter(
            brand=Brand.GOTONE, joined_on__lte=date(year - 1, 12, 31)
        ).exclude(status=Status.CANCELLED)

    def scores(self, year: int) -> QuerySet[Any]:
        """TIER-3: every rated line with its consumption, tenure score, score and new level.

        One join of the year's bills grouped by customer: the score is an aggregate computed
        once per customer, so the level CASE that tests it against each threshold costs
        nothing (a correlated subquery there was evaluated once per threshold tested)."""
        rank_cases = [
            When(score__gte=Value(minimum), then=Value(LEVEL_RANK[level]))
            for level, minimum in thresholds()
        ]
        level_cases = [When(new_rank=rank, then=Value(level)) for level, rank in LEVEL_RANK.items()]
        return (
            self.rated(year)
            .annotate(year_bills=year_bills(year))
            .annotate(
                consumption=Coalesce(Sum(consumption_points_sql("year_bills__total")), 0),
                tenure_points=tenure_score_sql(year),
            )
            .annotate(score=F("consumption") + F("tenure_points"))
            .annotate(new_rank=Case(*rank_cases, default=Value(0), output_field=IntegerField()))
            .annotate(new_level=Case(*level_cases, default=None, output_field=CharField()))
        )

    def with_movement(self, year: int) -> QuerySet[Any]:
        """Scores plus the level held the day before the new window (``before_rank``) and the
        level the customer will hold on its first day (``after_rank``: the new annual level
        or a higher plan / key-person / upgrade / retained grant still valid then).

        Each rated line's score comes from ``scores`` for that line alone (an index range of
        its bills), so the per-customer subqueries of the levels held are not grouped over."""
        start, _end = self.window(year)
        mine = self.scores(year).filter(pk=OuterRef("pk")).order_by()

        def own(name: str) -> Subquery:
            return Subquery(mine.values(name)[:1], output_field=IntegerField())

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
            self.rated(year)
            .annotate(
                new_rank=own("new_rank"),
                consumption=own("consumption"),
                tenure_points=tenure_score_sql(year),
            )
            .annotate(score=F("consumption") + F("tenure_points"))
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
        ranks = sorted({0, *LEVEL_RANK.values()})
        found = (
            self.scores(year)
            .order_by()
            .aggregate(**{f"r{rank}": Count("id", filter=Q(new_rank=rank)) for rank in ranks})
        )
        per_level = dict.fromkeys(LEVEL_RANK, 0)
        per_level["none"] = 0
        for rank in ranks:
            per_level[level_of_rank(rank)] += found[f"r{rank}"]
        moved = self.with_movement(year)
        ups = moved.filter(after_rank__gt=F("before_rank"))
        downs = moved.filter(after_rank__lt=F("before_rank"))
        movers = moved.order_by().aggregate(
            ups=Count("id", filter=Q(after_rank__gt=F("before_rank"))),
            downs=Count("id", filter=Q(after_rank__lt=F("before_rank"))),
        )
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
            upgrades=movers["ups"],
            downgrades=movers["downs"],
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
            rows = (
                self.scores(year)
                .filter(new_rank__gt=0)
                .order_by()
                .values("id", "new_level", "new_rank")
            )
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
        refuse_older_than_committed(self.key, period)
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
