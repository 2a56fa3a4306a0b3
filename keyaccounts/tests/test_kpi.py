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

from core import clock
from keyaccounts.models import GroupCustomer, GroupMember, KpiFigure
from keyaccounts.selectors.kpi import kpi_report, retention_chart, trend_chart
from keyaccounts.services.groups import group_member_add, group_member_remove, group_update
from keyaccounts.services.kpi import kpi_snapshot
from membership.models import GrantSource, Status
from membership.services.grants import grant_create
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
    # snapshot, province (2), regions (2), managers (1: memberships and snapshot together),
    # the managers' names
    with django_assert_num_queries(7):
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


# ---- the account-manager dimension as of the month's last day (D-GROUP-5) ----


def managers_of(month: date) -> dict[str, tuple[int, int, int, int, int]]:
    return {r.label: figures(r) for r in kpi_report(month).managers}


def at_shanghai(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_kpi_1_counts_the_members_of_the_months_last_day() -> None:
    carol = UserFactory(username="carol", role="account_manager", last_name="陈", first_name="静")
    group = make_group(account_manager=carol)
    left_in_july, left_on_30_june, joined_in_july = (make_customer() for _ in range(3))
    for customer in (left_in_july, left_on_30_june, joined_in_july):
        bills(customer, "100.00", (4, 5, 6, 7))  # mid-high-end in June and July
    for customer in (left_in_july, left_on_30_june):
        make_member(group=group, customer=customer, signed_on=date(2025, 1, 1))
    make_member(group=group, customer=joined_in_july, signed_on=date(2025, 7, 1))
    before = managers_of(JUNE)
    assert before == {"陈静 (carol)": (2, 0, 0, 0, 0)}

    group_member_remove(member=left_in_july.group_memberships.get(), on=date(2025, 7, 1))
    group_member_remove(member=left_on_30_june.group_memberships.get(), on=date(2025, 6, 30))

    # June: a member who left on 1 July still counts (ended_on is the first day out), one who
    # left on 30 June does not, one who joined in July does not.
    assert managers_of(JUNE) == {"陈静 (carol)": (1, 0, 0, 0, 0)}
    assert managers_of(date(2025, 7, 1)) == {"陈静 (carol)": (1, 0, 0, 0, 0)}  # joined_in_july
    assert managers_of(date(2025, 5, 1)) == {"陈静 (carol)": (2, 0, 0, 0, 0)}


def test_kpi_1_a_group_counts_under_the_manager_it_had_on_the_months_last_day(
    small_province: dict[str, Any],
) -> None:
    alice, bob = small_province["alice"], small_province["bob"]
    carol = UserFactory(username="carol", role="account_manager", last_name="陈", first_name="静")
    group = make_group(account_manager=alice)
    GroupCustomer.history.filter(id=group.pk).update(history_date=at_shanghai(2025, 1, 1, 9))
    customer = make_customer(city="苏州")
    bills(customer, "500.00", (3, 4, 5, 6, 7))
    make_member(group=group, customer=customer, signed_on=date(2025, 1, 1))
    # to bob late on 30 June, to carol just after midnight on 1 July (Asia/Shanghai)
    for manager, moment in ((bob, at_shanghai(2025, 6, 30, 23, 30)), (carol, None)):
        group_update(
            group=group,
            name=group.name,
            city=group.city,
            account_manager=manager,
            has_it_centre=False,
        )
        latest = GroupCustomer.history.filter(id=group.pk).latest("history_date", "history_id")
        GroupCustomer.history.filter(pk=latest.pk).update(
            history_date=moment or at_shanghai(2025, 7, 1, 0, 30)
        )

    def mid_high_end(month: date) -> dict[str, int]:
        return {r.label: r.mid_high_end for r in kpi_report(month).managers}

    assert mid_high_end(date(2025, 5, 1)) == {"李娜 (alice)": 2, "赵强 (bob)": 2}
    assert mid_high_end(JUNE) == {"李娜 (alice)": 1, "赵强 (bob)": 3}
    # in July c5 is suspended: bob keeps c2, carol has the group's line
    assert mid_high_end(date(2025, 7, 1)) == {"李娜 (alice)": 1, "赵强 (bob)": 1, "陈静 (carol)": 1}


def test_kpi_1_a_group_recorded_after_the_month_counts_under_its_first_manager(
    small_province: dict[str, Any],
) -> None:
    bob = small_province["bob"]
    carol = UserFactory(username="carol", role="account_manager", last_name="陈", first_name="静")
    # the groups of the fixture were created (and recorded) today, long after June
    (g2,) = GroupCustomer.objects.filter(account_manager=bob)
    group_update(group=g2, name=g2.name, city=g2.city, account_manager=carol, has_it_centre=False)
    assert "赵强 (bob)" in managers_of(JUNE)
    assert "陈静 (carol)" not in managers_of(JUNE)
    # only a group without any history row falls back to its current manager
    GroupCustomer.history.filter(id=g2.pk).delete()
    assert managers_of(JUNE)["陈静 (carol)"] == (2, 2, 2, 1, 1)
    assert "赵强 (bob)" not in managers_of(JUNE)


def test_kpi_1_conv_5_recomputing_an_old_month_after_moves_and_manager_changes_writes_nothing(
    small_province: dict[str, Any],
) -> None:
    alice, bob = small_province["alice"], small_province["bob"]
    first = kpi_snapshot(month=JUNE)
    assert (first.created, first.updated) == (5, 0)
    stored = {(f.dimension, f.key): figures(f) for f in KpiFigure.objects.filter(month=JUNE)}
    stamps = set(KpiFigure.objects.values_list("computed_at", flat=True))

    # today, long after June: a member leaves, a line joins, a group changes manager
    (g2,) = GroupCustomer.objects.filter(account_manager=bob)
    for membership in GroupMember.objects.filter(group__account_manager=alice):
        group_member_remove(member=membership, actor=alice)
    group_member_add(group=g2, customer=make_customer(city="南京"), actor=bob)
    group_update(group=g2, name=g2.name, city=g2.city, account_manager=alice, has_it_centre=False)

    again = kpi_snapshot(month=JUNE)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)
    assert set(KpiFigure.objects.values_list("computed_at", flat=True)) == stamps
    assert {
        (f.dimension, f.key): figures(f) for f in KpiFigure.objects.filter(month=JUNE)
    } == stored
    # ... while this month's figures see the change: every line is now alice's
    today = {r.label for r in kpi_report(clock.this_month()).managers}
    assert today == {"李娜 (alice)"}
