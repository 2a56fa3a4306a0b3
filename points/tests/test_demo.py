"""The demo seeder and the accrual benchmark on a small demo province."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from membership.demo import seed_province
from points.demo import seed
from points.models import Entry, Redemption, RewardItem
from points.services import lots_reconcile

TODAY = date(2026, 11, 25)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]


@pytest.fixture
def province() -> None:
    seed_province(customers=60, today=TODAY)


def test_the_demo_accrues_every_billed_month_and_makes_a_few_redemptions(province: None) -> None:
    counts = seed(today=TODAY, redemptions=4)

    assert counts["months"] == 24
    assert counts["entries"] == Entry.objects.filter(month__isnull=False).count() > 0
    assert counts["rewards"] == RewardItem.objects.count() == 8
    assert counts["redemptions"] == Redemption.objects.count() == 4
    assert lots_reconcile().clean


def test_the_demo_run_twice_changes_nothing(province: None) -> None:
    seed(today=TODAY, redemptions=4)
    entries = Entry.objects.count()

    again = seed(today=TODAY, redemptions=4)

    assert again == {"months": 24, "entries": 0, "rewards": 0, "redemptions": 0}
    assert Entry.objects.count() == entries


def test_bench_accrual_times_both_ways_agrees_and_changes_nothing(province: None) -> None:
    seed(today=TODAY, redemptions=0)
    before = Entry.objects.count()
    out = StringIO()

    call_command("bench_accrual", "--month", "2026-10", stdout=out)

    line = out.getvalue().strip()
    assert line.startswith("bench_accrual 2026-10 on ")
    assert "set-based" in line
    assert "per-row ORM loop" in line
    assert "RESULTS DIFFER" not in line
    assert Entry.objects.count() == before
    assert lots_reconcile().clean
