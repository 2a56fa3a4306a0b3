"""Reads of credit stars (CREDIT-1..5): the latest rating and the monthly history."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from membership.models import CreditRating, Customer


def latest_credit(customer: Customer) -> dict[str, Any] | None:
    """The latest rating in the customer API's form: {"month": "2026-10", "score", "stars"}."""
    row = (
        CreditRating.objects.filter(customer=customer)
        .order_by("-month")
        .values("month", "score", "stars")
        .first()
    )
    if row is None:
        return None
    return {"month": f"{row['month']:%Y-%m}", "score": row["score"], "stars": row["stars"]}


def credit_history(customer: Customer) -> QuerySet[CreditRating]:
    """CREDIT-5: every monthly rating of ``customer``, newest first."""
    return CreditRating.objects.filter(customer=customer).order_by("-month")


@dataclass(frozen=True)
class CreditBreakdown:
    """A rating's score in its parts (CREDIT-1..4), as stored by the monthly run."""

    brand: int
    tenure: int
    spend: int
    suspensions: int  # negative: the penalty
    tenure_years: int  # whole years, capped at 5 (CREDIT-2 stops there)
    bill_count: int
    average_spend: Decimal | None  # None: no bill in the window
    suspension_count: int

    @property
    def total(self) -> int:
        return self.brand + self.tenure + self.spend + self.suspensions


def credit_breakdown(rating: CreditRating) -> CreditBreakdown:
    """The parts of ``rating``; the average spend is rebuilt exactly from the fen sum."""
    parts = rating.breakdown or {}
    bill_count = int(parts.get("bill_count", 0))
    average = (
        (Decimal(int(parts.get("bill_fen", 0))) / 100 / bill_count).quantize(Decimal("0.01"))
        if bill_count
        else None
    )
    return CreditBreakdown(
        brand=int(parts.get("brand", 0)),
        tenure=int(parts.get("tenure", 0)),
        spend=int(parts.get("spend", 0)),
        suspensions=int(parts.get("suspensions", 0)),
        tenure_years=int(parts.get("tenure_years", 0)),
        bill_count=bill_count,
        average_spend=average,
        suspension_count=int(parts.get("suspension_count", 0)),
    )
