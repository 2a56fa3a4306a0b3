"""TIER-3 / TIER-4: the GoTone annual rating 年度评定, set-based."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
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
from membership.services.rating.base import RatingPolicyBase, insert_grants_from


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


class GoToneAnnualPolicy(RatingPolicyBase[int]):
    """TIER-3 / TIER-4: the period is a year; the preview and commit are the base's."""

    key = "gotone_annual"
    sample_fields = (
        "msisdn",
        "name",
        "score",
        "consumption",
        "tenure_points",
        "before_rank",
        "after_rank",
    )

    def parse(self, period: str) -> int:
        return _parse_year(period)

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

    def parameters(self, year: int) -> dict[str, Any]:
        return {
            "year": year,
            "thresholds": dict(thresholds()),
            "tenure_score": [list(pair) for pair in programme("TENURE_SCORE")],
        }

    def write(self, year: int, run: RatingRun, now: datetime, user: Any) -> dict[str, Any]:
        """TIER-4: one grant of the new level, valid for the window of ``year``, for every
        rated line that reaches a level (the base's ``commit`` runs this in its transaction)."""
        start, end = self.window(year)
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


def _parse_year(period: str) -> int:
    if not (len(period) == 4 and period.isdigit()):
        raise DomainError(_("“%(period)s” is not a year (YYYY).") % {"period": period})
    return int(period)
