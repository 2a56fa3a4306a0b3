"""POINTS-6: the December clearing, its easyown exemption and the November reminder list."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from core.errors import DomainError
from core.models import JobRun
from core.tasks import CALENDAR_TASKS
from membership.models import Status
from points.models import Entry, EntryKind, Lot, PointsRun
from points.selectors import expiring_by_customer, lot_expires_on, lots_of
from points.services import points_expire
from points.tests.builders import earn, lot_balances, make_customer

pytestmark = pytest.mark.django_db


def test_points_6_points_earned_in_y_are_valid_until_31_december_of_y_plus_2() -> None:
    customer = make_customer()
    earn(customer, 2023, 100)
    earn(customer, 2024, 200)

    points_expire(year=2024, today=date(2024, 12, 31))  # clears 2022 and before
    assert lot_balances(customer) == {2023: 100, 2024: 200}

    points_expire(year=2025, today=date(2025, 12, 31))  # 31 Dec 2025 = 2023 + 2
    assert lot_balances(customer) == {2023: 0, 2024: 200}
    assert lot_expires_on(2023, False) == date(2025, 12, 31)
    expiry = Entry.objects.get(customer=customer, kind=EntryKind.EXPIRY)
    assert (expiry.year, expiry.amount, expiry.booked_on) == (2023, -100, date(2025, 12, 31))


def test_points_6_an_easyown_lot_survives_the_clearing() -> None:
    customer = make_customer(brand="easyown", real_name_registered_on=date(2010, 1, 1))
    earn(customer, 2015, 400, exempt=True)

    points_expire(year=2025, today=date(2025, 12, 31))

    assert Lot.objects.get(customer=customer).balance == 400
    assert lots_of(customer)[0].expires_on is None
    assert not Entry.objects.filter(kind=EntryKind.EXPIRY).exists()


def test_points_6_the_clearing_is_idempotent() -> None:
    customer = make_customer()
    earn(customer, 2020, 100)
    earn(customer, 2022, 50)

    first = points_expire(year=2024, today=date(2024, 12, 31))
    second = points_expire(year=2024, today=date(2025, 1, 2))

    assert first.counts == {"lots": 2, "customers": 1, "points": 150, "up_to_year": 2022}
    assert second.counts["lots"] == 0
    assert Entry.objects.filter(kind=EntryKind.EXPIRY).count() == 2
    assert PointsRun.objects.filter(job="expiry", period="2024").count() == 2


def test_points_6_the_clearing_does_not_run_before_31_december() -> None:
    customer = make_customer()
    earn(customer, 2022, 100)

    with pytest.raises(DomainError, match="runs on 2024-12-31, not before"):
        points_expire(year=2024, today=date(2024, 12, 30))

    assert lot_balances(customer) == {2022: 100}


def test_points_6_clearing_in_small_chunks_clears_everything() -> None:
    for n in range(5):
        customer = make_customer(msisdn=f"1350000000{n}")
        earn(customer, 2021, 10 + n)
        earn(customer, 2023, 7)

    run = points_expire(year=2024, today=date(2024, 12, 31), chunk=2)

    assert run.counts["points"] == 10 + 11 + 12 + 13 + 14
    assert not Lot.objects.filter(year=2021, balance__gt=0).exists()
    assert Lot.objects.filter(year=2023, balance=7).count() == 5


def test_points_6_the_november_reminder_lists_what_each_customer_will_lose() -> None:
    alice = make_customer(msisdn="13900000001")
    earn(alice, 2023, 120)
    earn(alice, 2024, 80)  # valid until 2026
    bob = make_customer(msisdn="13900000002")
    earn(bob, 2022, 30)
    earn(bob, 2023, 40, month=2)
    easy = make_customer(msisdn="13900000003", brand="easyown")
    earn(easy, 2023, 999, exempt=True)
    gone = make_customer(msisdn="13900000004", status=Status.CANCELLED)
    Lot.objects.create(customer=gone, year=2023, balance=0)

    rows = list(expiring_by_customer(2025))

    assert rows == [
        {"customer_id": alice.pk, "msisdn": "13900000001", "points": 120},
        {"customer_id": bob.pk, "msisdn": "13900000002", "points": 70},
    ]


def test_expire_points_command_prints_one_line_and_is_safe_to_run_twice() -> None:
    customer = make_customer()
    earn(customer, 2020, 100)
    out = StringIO()

    call_command("expire_points", "2022", stdout=out)
    call_command("expire_points", "2022", stdout=out)

    first, second = out.getvalue().strip().splitlines()
    assert first == (
        "expire_points 2022: cleared 100 points in 1 lots of 1 customers (earned in 2020 and before)"
    )
    assert second.startswith("expire_points 2022: cleared 0 points in 0 lots")


def test_expire_points_command_refuses_a_malformed_or_future_year() -> None:
    with pytest.raises(CommandError, match="not a year"):
        call_command("expire_points", "20x4")
    with pytest.raises(CommandError, match="2999-12-31"):
        call_command("expire_points", "2999")


def test_the_expiry_task_takes_the_same_argument_as_the_command(
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    customer = make_customer()
    earn(customer, 2019, 5)

    with capture(execute=True):  # the chunks are sent once the run is committed
        result = CALENDAR_TASKS["expire_points"].delay("2021").get()

    assert (result["job"], result["period"]) == ("expire_points", "2021")
    run = JobRun.objects.get(job="expire_points", period="2021")
    assert run.status == "succeeded"
    assert run.counts["points"] == 5
    assert lot_balances(customer) == {2019: 0}


def test_the_calendar_jobs_of_points_are_registered() -> None:
    from core.jobs import get_job, run_job

    customer = make_customer()
    earn(customer, 2019, 5)

    accrual, expiry = get_job("accrue_points"), get_job("expire_points")

    assert accrual.chunked  # CONV-5: big jobs run in pk-range chunks
    assert expiry.chunked
    outcome = run_job("expire_points", "2021", inline=True)
    assert outcome.run.status == "succeeded"
    assert outcome.run.counts["points"] == 5
