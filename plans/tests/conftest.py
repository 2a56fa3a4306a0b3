"""Shared helpers of the plans tests: catalogue plans by code, customers in a city."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest

from membership.models import Customer
from plans.models import Plan
from tests.factories import CustomerFactory


def plan(code: str) -> Plan:
    """A plan of the catalogue the migration loads (e.g. "bt-288", "net-88")."""
    return Plan.objects.select_related("family").get(code=code)


def customer_in(city: str, *, joined_on: date = date(2015, 3, 15), **kwargs: Any) -> Customer:
    return cast(Customer, CustomerFactory(city=city, joined_on=joined_on, **kwargs))


@pytest.fixture
def nanjing(db: Any) -> Customer:
    """An existing customer in a city where every family is open."""
    return customer_in("南京")
