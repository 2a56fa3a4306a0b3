"""Typed wrappers over the shared factories (factory_boy's calls are untyped for mypy)."""

from __future__ import annotations

from typing import Any, cast

from membership.models import Customer
from points.models import RewardItem
from tests.builders import make_bill, make_customer
from tests.factories import RewardItemFactory, UserFactory

__all__ = ["earn", "make_bill", "make_customer", "make_item", "make_user"]


def make_item(**kwargs: Any) -> RewardItem:
    return cast(RewardItem, RewardItemFactory(**kwargs))


def make_user(**kwargs: Any) -> Any:
    return UserFactory(**kwargs)


def earn(
    customer: Customer, year: int, points: int, *, month: int = 1, exempt: bool = False
) -> Any:
    """``points`` consumption points earned in ``year`` (an accrual entry and its lot)."""
    from tests.factories import points_earned

    return points_earned(customer, year, points, month=month, exempt=exempt)


def lot_balances(customer: Customer) -> dict[int, int]:
    from points.models import Lot

    return dict(Lot.objects.filter(customer=customer, exempt=False).values_list("year", "balance"))
