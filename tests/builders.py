"""Typed wrappers of the shared factories (factory_boy's calls are untyped to mypy)."""

from __future__ import annotations

from typing import Any, cast

from keyaccounts.models import GroupCustomer, GroupMember
from membership.models import Bill, Customer, SnapshotList, SnapshotMember, StatusChange
from servicedesk.models import Hall
from tests.factories import (
    BillFactory,
    CustomerFactory,
    GroupCustomerFactory,
    GroupMemberFactory,
    HallFactory,
    SnapshotListFactory,
    SnapshotMemberFactory,
    StatusChangeFactory,
)


def make_customer(**kwargs: Any) -> Customer:
    return cast(Customer, CustomerFactory(**kwargs))


def make_group(**kwargs: Any) -> GroupCustomer:
    return cast(GroupCustomer, GroupCustomerFactory(**kwargs))


def make_member(**kwargs: Any) -> GroupMember:
    return cast(GroupMember, GroupMemberFactory(**kwargs))


def make_bill(**kwargs: Any) -> Bill:
    return cast(Bill, BillFactory(**kwargs))


def make_snapshot(**kwargs: Any) -> SnapshotList:
    return cast(SnapshotList, SnapshotListFactory(**kwargs))


def make_snapshot_member(**kwargs: Any) -> SnapshotMember:
    return cast(SnapshotMember, SnapshotMemberFactory(**kwargs))


def make_status_change(**kwargs: Any) -> StatusChange:
    return cast(StatusChange, StatusChangeFactory(**kwargs))


def make_hall(**kwargs: Any) -> Hall:
    return cast(Hall, HallFactory(**kwargs))
