"""KPI-1: mid-high-end count and snapshot retention per region and account manager."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from membership.models import GrantSource, KpiFigure, Status
from membership.selectors.kpi import kpi_report, retention_chart, trend_chart
from membership.services.grants import grant_create
from membership.services.kpi import kpi_snapshot
from tests.builders import (
    make_bill,
    make_customer,
    make_group,
    make_member,
    make_snapshot,
    make_snapshot_member,
    make_status_change,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE = date(2025, 6, 1)


def bills(customer: Any, total: str, months: tuple[int, ...] = (4, 5, 6)) -> None:
    for month in months:
        make_bill(customer=customer, month=date(2025, month, 1), total=Decimal(total))


@pytest.fixture
def small_province() -> dict[str, Any]:
    """Seven lines, one snapshot of five, two managers: the answer is known by hand."""
    c1 = make_customer(city="苏州")  # spends 100: mid-high-end
    c2 = make_customer(city="苏州")  # spends 20 but holds an annual gold grant
    c3 = make_customer(city="苏州", status=Status.CANCELLED)  # cancelled in May
    c4 = make_customer(city="南京")  # spends 30, only a limited (TIER-7) upgrade
    c5 = make_customer(city="南京", status=Status.SUSPENDED)  # suspended in July only
    c6 = make_customer(city="南京")  # spends 200, not in the snapshot
    c7 = make_customer(city="南京", status=Status.CANCELLED)  # cancelled in March
    bills(c1, "100.00")
    bills(c2, "20.00")
    bills(c3, "100.00")
    bills(c4, "30.00")
    bills(c5, "80.00")
    bills(c6, "200.00")
    bills(c7, "300.00", (1, 2))
    grant_create(
        customer=c2,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2025, 2, 1),
        valid_until=date(2026, 1, 31),
    )
    grant_create(
        customer=c4,
        level="gold",
        source=GrantSource.UPGRADE,
        limited=True,
        valid_from=date(2025, 3, 1),
        valid_until=date(2026, 1, 31),
    )
    make_status_change(
        customer=c3,
        from_status="active",
        to_status="cancelled",
        reason="",
        changed_at=datetime(2025, 5, 10, 9, tzinfo=SHANGHAI),
    )
    make_status_change(
        customer=c5,
        from_status="active",
        to_status="suspended",
        changed_at=datetime(2025, 7, 10, 9, tzinfo=SHANGHAI),
    )
    make_status_change(
        customer=c7,
        from_status="active",
        to_status="cancelled",
        reason="",
        changed_at=datetime(2025, 3, 3, 9, tzinfo=SHANGHAI),
    )
    older = make_snapshot(name="2024", taken_on=date(2024, 1, 1))
    make_snapshot_member(snapshot=older, customer=c6, important=True)
    snapshot = make_snapshot(name="2025", taken_on=date(2025, 1, 1))
    for customer, important in ((c1, True), (c2, False), (c3, True), (c4, False), (c5, True)):
        make_snapshot_member(snapshot=snapshot, customer=customer, important=important)
    later = make_snapshot(name="2025-08", taken_on=date(2025, 8, 1))
    make_snapshot_member(snapshot=later, customer=c7)

    alice = UserFactory(username="alice", role="account_manager", last_name="李", first_name="娜")
    bob = UserFactory(username="bob", role="account_manager", last_name="赵", first_name="强")
    g1 = make_group(account_manager=alice)
    g1b = make_group(account_manager=alice)
    g2 = make_group(account_manager=bob)
    for group, customer in ((g1, c1), (g1, c3), (g1, c4), (g1b, c1), (g2, c2), (g2, c5)):
        make_member(group=group, customer=customer)
    return {"snapshot": snapshot, "alice": alice, "bob": bob}


def figures(row: Any) -> tuple[int, int, int, int, int]:
    return (
        row.mid_high_end,
        row.snapshot_size,
        row.snapshot_retained,
        row.important_size,
        row.important_retained,
    )


def test_kpi_1_on_a_small_snapshot_with_a_known_answer(small_province: dict[str, Any]) -> None:
    report = kpi_report(JUNE)
    assert report.snapshot == small_province["snapshot"]
    # mid-high-end: c1, c2, c5, c6 — snapshot 5, retained c1, c2, c5; important c1, c3, c5
    assert figures(report.total) == (4, 5, 3, 3, 2)
    assert report.total.retention == Decimal("0.6000")
    assert report.total.important_retention == Decimal("0.6667")
    assert {r.label: figures(r) for r in report.regions} == {
        "南京": (2, 2, 1, 1, 1),
        "苏州": (2, 3, 2, 2, 1),
    }
    # per manager: alice has c1 (twice, counted once), c3, c4; bob has c2, c5
    assert {r.label: figures(r) for r in report.managers} == {
        "李娜 (alice)": (1, 3, 1, 2, 1),
        "赵强 (bob)": (2, 2, 2, 1, 1),
    }


def test_kpi_1_reads_status_as_it_was_at_the_end_of_the_month(
    small_province: dict[str, Any],
) -> None:
    # in April, c3 was still active (cancelled 10 May) and spending 100
    april = kpi_report(date(2025, 4, 1))
    assert april.total.snapshot_retained == 4  # c1, c2, c3, c5
    # in July c5 is suspended (10 July): no longer retained
    july = kpi_report(date(2025, 7, 1))
    assert july.total.snapshot_retained == 2  # c1, c2


def test_kpi_1_without_a_snapshot_has_no_retention(small_province: dict[str, Any]) -> None:
    report = kpi_report(date(2023, 6, 1))
    assert report.snapshot is None
    assert report.total.snapshot_size == 0
    assert report.total.retention is None


def test_kpi_1_takes_a_fixed_number_of_queries(
    small_province: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(8):
        kpi_report(JUNE)


def test_kpi_1_snapshot_stores_the_month_and_a_second_run_changes_nothing(
    small_province: dict[str, Any],
) -> None:
    first = kpi_snapshot(month=date(2025, 6, 17))
    assert (first.month, first.created, first.updated) == (JUNE, 5, 0)  # total, 2 regions, 2
    stored = {(f.dimension, f.label): f for f in KpiFigure.objects.filter(month=JUNE)}
    assert figures(stored[("total", "")]) == (4, 5, 3, 3, 2)
    assert stored[("manager", "李娜 (alice)")].manager == small_province["alice"]
    stamps = set(KpiFigure.objects.values_list("computed_at", flat=True))

    second = kpi_snapshot(month=JUNE)
    assert (second.created, second.updated, second.unchanged, second.removed) == (0, 0, 5, 0)
    assert set(KpiFigure.objects.values_list("computed_at", flat=True)) == stamps

    make_bill(customer=make_customer(city="常州"), month=JUNE, total=Decimal("90.00"))
    third = kpi_snapshot(month=JUNE)
    assert (third.created, third.updated, third.unchanged) == (1, 1, 4)  # 常州; total


def test_kpi_1_snapshot_command_prints_a_summary_and_refuses_a_bad_month(
    small_province: dict[str, Any],
) -> None:
    out = StringIO()
    call_command("kpi_snapshot", "2025-06", stdout=out)
    assert out.getvalue().strip() == ("KPI-1 2025-06: created 5, updated 0, unchanged 0, removed 0")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("kpi_snapshot", "June")
    assert KpiFigure.objects.count() == 5


def test_kpi_1_charts_are_drawn_from_the_figures(small_province: dict[str, Any]) -> None:
    report = kpi_report(JUNE)
    chart = retention_chart(report.regions)
    assert [(b.label, b.text_all, b.text_important) for b in chart.bars] == [
        ("南京", "50.0%", "100.0%"),
        ("苏州", "66.7%", "50.0%"),
    ]
    kpi_snapshot(month=date(2025, 5, 1))
    kpi_snapshot(month=JUNE)
    trend = trend_chart(list(KpiFigure.objects.filter(dimension="total").order_by("month")))
    assert len(trend.points_all.split()) == 2
    assert [label for _x, label in trend.labels] == ["2025-05", "2025-06"]
