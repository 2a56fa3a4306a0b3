"""The "why this level" panel: grants, the winning one, the annual score and what it needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from core.dates import tenure_years
from membership.models import LEVEL_RANK, Bill, Brand, Customer, LevelGrant, Status
from membership.scoring import consumption_points_sql, tenure_score
from membership.selectors.levels import customer_grants_on
from membership.services.rating.gotone import GoToneAnnualPolicy, rank_for_score, thresholds


@dataclass
class ScoreBreakdown:
    """TIER-3 for one year: consumption part, tenure part and the level they reach."""

    year: int
    consumption: int
    tenure_years: int
    tenure_points: int
    score: int
    level: str | None
    complete: bool  # False while the year is still running
    targets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LevelExplanation:
    on: date
    level: str | None
    winner: LevelGrant | None
    grants: list[LevelGrant]
    rated: bool
    not_rated_reason: str
    last_rating: ScoreBreakdown | None
    this_year: ScoreBreakdown | None


def consumption_in_year(customer: Customer, year: int, *, until: date | None = None) -> int:
    """POINTS-1 summed over the bills of ``year`` (up to ``until``'s month, if given)."""
    bills = Bill.objects.filter(customer=customer, month__year=year)
    if until is not None:
        bills = bills.filter(month__lte=until)
    return int(bills.aggregate(points=Sum(consumption_points_sql()))["points"] or 0)


def consumption_in_years(customer: Customer, until: dict[int, date]) -> dict[int, int]:
    """``consumption_in_year`` for each year of ``until`` (year → last day counted) in one
    query over the bills of those years only."""
    if not until:
        return {}
    bills = Bill.objects.filter(
        customer=customer, month__gte=date(min(until), 1, 1), month__lte=max(until.values())
    )
    sums = bills.aggregate(
        **{
            f"y{year}": Sum(
                consumption_points_sql(), filter=Q(month__year=year, month__lte=last_day)
            )
            for year, last_day in until.items()
        }
    )
    return {year: int(sums[f"y{year}"] or 0) for year in until}


def score_breakdown(
    customer: Customer, year: int, *, on: date, consumption: int | None = None
) -> ScoreBreakdown:
    """TIER-3 for ``year`` counted up to ``on``; ``consumption``: already summed by the caller."""
    if consumption is None:
        consumption = consumption_in_year(customer, year, until=on)
    years = tenure_years(customer.joined_on, date(year, 12, 31))
    points = tenure_score(years) if years >= 1 else 0
    score = consumption + points
    rank = rank_for_score(score)
    targets = [
        {
            "level": level,
            "threshold": minimum,
            "missing": max(0, minimum - score),
            "reached": score >= minimum,
        }
        for level, minimum in thresholds()
    ]
    return ScoreBreakdown(
        year=year,
        consumption=consumption,
        tenure_years=years,
        tenure_points=points,
        score=score,
        level=next((lv for lv, r in LEVEL_RANK.items() if r == rank), None),
        complete=date(year, 12, 31) < on,
        targets=targets,
    )


def level_explanation(customer: Customer, on: date) -> LevelExplanation:
    """Every grant valid on ``on`` with the winner first (TIER-2), the score of the rating
    that gives the current annual window (TIER-3/4), and this year's score so far with how
    many consumption points are still missing for each level at the next rating."""
    grants = list(customer_grants_on(customer, on).select_related("rating_run"))
    winner = grants[0] if grants else None
    rated, reason = True, ""
    if customer.brand != Brand.GOTONE:
        rated, reason = False, _("Only gotone lines are rated annually (TIER-3).")
    elif customer.status == Status.CANCELLED:
        rated, reason = False, _("Cancelled lines are not rated (TIER-3).")
    # The annual window valid on ``on`` comes from the rating of the year before last
    # before February, of last year from 1 February on (TIER-4).
    last_year = on.year - 1 if on >= date(on.year, 2, 1) else on.year - 2
    start, _end = GoToneAnnualPolicy.window(last_year)
    last = this = None
    if rated:
        consumption = consumption_in_years(customer, {last_year: start, on.year: on})
        last = score_breakdown(customer, last_year, on=start, consumption=consumption[last_year])
        this = score_breakdown(customer, on.year, on=on, consumption=consumption[on.year])
    if rated and tenure_years(customer.joined_on, date(on.year, 12, 31)) < 1:
        reason = _("Tenure reaches one year only after 31 December: not rated this year.")
    return LevelExplanation(
        on=on,
        level=winner.level if winner else None,
        winner=winner,
        grants=grants,
        rated=rated,
        not_rated_reason=reason,
        last_rating=last,
        this_year=this,
    )
