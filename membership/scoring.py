"""POINTS-1 consumption points and TIER-3 tenure score, defined once for every app.

The points ledger accrues with the same expression the annual rating scores with, so the
two can never disagree.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Case, DecimalField, Expression, F, IntegerField, Value, When
from django.db.models.functions import Cast, Floor

from core.programme import programme


def consumption_points(total: Decimal) -> int:
    """POINTS-1: one point per whole yuan of the bill; fractions, zero and negatives earn 0."""
    if total <= 0:
        return 0
    return int(total.to_integral_value(rounding=ROUND_FLOOR))


def consumption_points_sql(field: str = "total") -> Expression:
    """POINTS-1 as a database expression over a bill total column (same result as above)."""
    return Case(
        When(
            **{f"{field}__gt": 0},
            then=Cast(Floor(F(field), output_field=DecimalField()), IntegerField()),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def tenure_score(years: int) -> int:
    """TIER-3: 100 from 1 year of tenure, 200 from 3, 300 from 10 (on 31 December)."""
    for minimum, score in programme("TENURE_SCORE"):
        if years >= minimum:
            return int(score)
    return 0


def tenure_score_sql(year: int, field: str = "joined_on") -> Expression:
    """TIER-3 in SQL: tenure ≥ n years on 31 Dec ``year`` ⇔ joined on or before 31 Dec
    ``year - n`` (CONV-2; a 29 February anniversary falls on 28 February, still in the year)."""
    return Case(
        *[
            When(**{f"{field}__lte": date(year - minimum, 12, 31)}, then=Value(int(score)))
            for minimum, score in programme("TENURE_SCORE")
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
