"""CUST-5 segments: the snapshot place read in one query (membership/selectors/segments.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from membership.selectors.segments import snapshot_status
from tests.builders import make_customer, make_snapshot, make_snapshot_member

pytestmark = pytest.mark.django_db


def test_cust_5_a_snapshot_customer_is_one_of_the_latest_list_with_members(
    django_assert_num_queries: Any,
) -> None:
    first = make_snapshot(name="2025", taken_on=date(2025, 1, 1))
    second = make_snapshot(name="2026", taken_on=date(2026, 1, 1))
    make_snapshot(name="empty", taken_on=date(2026, 6, 1))  # no member: not the latest list
    future = make_snapshot(name="2027", taken_on=date(2027, 1, 1))
    stays, left, never, later = (make_customer() for _ in range(4))
    make_snapshot_member(snapshot=first, customer=stays, important=True)
    make_snapshot_member(snapshot=first, customer=left)
    make_snapshot_member(snapshot=second, customer=stays)
    make_snapshot_member(snapshot=future, customer=later, important=True)

    with django_assert_num_queries(1):
        assert snapshot_status(stays, date(2026, 7, 1)) == "ordinary"
    assert snapshot_status(left, date(2026, 7, 1)) is None  # in an older list only
    assert snapshot_status(never, date(2026, 7, 1)) is None
    assert snapshot_status(later, date(2026, 7, 1)) is None  # a list not taken yet
    assert snapshot_status(stays, date(2025, 6, 1)) == "important"
    assert snapshot_status(left, date(2025, 6, 1)) == "ordinary"
    assert snapshot_status(stays, date(2024, 12, 31)) is None  # before any list
    assert snapshot_status(later, date(2027, 1, 1)) == "important"
