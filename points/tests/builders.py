"""Typed wrappers over the shared factories (factory_boy's calls are untyped for mypy)."""

from __future__ import annotations

from typing import Any, cast

from membership.models import Bill, Customer
from points.models import RewardItem
from tests.factories import BillFactory, CustomerFactory, RewardItemFactory, UserFactory


def make_customer(**kwargs: Any) -> Customer:
    return cast(Customer, CustomerFactory(**kwargs))


def make_bill(**kwargs: Any) -> Bill:
    return cast(Bill, BillFactory(**kwargs))


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
