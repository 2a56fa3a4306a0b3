"""POINTS-1..4 and CUST-7: the set-based monthly accrual."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum

from core import dates
from core.models import JobRun
from core.tasks import CALENDAR_TASKS
from membership.models import Bill, Brand, Customer, Status
from membership.scoring import consumption_points
from membership.services.grants import grant_create
from points.models import Entry, EntryKind, Lot
from points.selectors import accrual_start, balances
from points.services import points_accrue
from points.services.accrual import accrual_started_q, tenure_months_sql
from points.tests.builders import make_bill, make_customer, make_item

pytestmark = pytest.mark.django_db

OCT = date(2025, 10, 1)


def kinds(customer: Customer, month: date = OCT) -> dict[str, int]:
    rows = (
        Entry.objects.filter(customer=customer, month=month)
        .values("kind", "corrects")
        .annotate(points=Sum("amount"))
    )
    return {f"{r['kind']}{':' + r['corrects'] if r['corrects'] else ''}": r["points"] for r in rows}


def young_mzone(**kwargs: object) -> Customer:
    """A line with neither brand nor tenure reward in October 2025."""
    return make_customer(brand=Brand.MZONE, joined_on=date(2025, 6, 1), **kwargs)


@pytest.mark.parametrize(
    ("total", "points"),
    [
        ("100.99", 100),
        ("1.00", 1),
        ("0.99", 0),
        ("0.00", 0),
        ("-12.50", 0),
        ("12345.67", 12345),
    ],
)
def test_points_1_one_point_per_whole_yuan_and_fractions_earn_nothing(
    total: str, points: int
) -> None:
    customer = young_mzone()
    make_bill(customer=customer, month=OCT, total=Decimal(total))

    points_accrue(month=OCT)

    assert kinds(customer) == ({EntryKind.ACCRUAL: points} if points else {})
    assert balances(customer).total_consumption == points
    assert points == consumption_points(Decimal(total))  # same rule as the annual rating


def test_points_2_brand_reward_follows_the_level_on_the_month_last_day() -> None:
    rates = {"diamond": 1000, "platinum": 900, "gold": 800, "silver": 500, "guest": 200}
    customers = {}
    for level in rates:
        customer = make_customer(joined_on=date(2025, 5, 1))  # no tenure reward yet
        grant_create(
            customer=customer,
            level=level,
            source="annual",
            valid_from=date(2025, 10, 31),  # the last day counts
            valid_until=date(2026, 1, 31),
        )
        make_bill(customer=customer, month=OCT, total=Decimal("1000.00"))
        customers[level] = customer
    plain = make_customer(joined_on=date(2025, 5, 1))
    make_bill(customer=plain, month=OCT, total=Decimal("1000.00"))
    lapsed = make_customer(joined_on=date(2025, 5, 1))
    grant_create(
        customer=lapsed,
        level="diamond",
        source="annual",
        valid_from=date(2025, 2, 1),
        valid_until=date(2025, 10, 30),  # ends the day before the last day
    )
    make_bill(customer=lapsed, month=OCT, total=Decimal("1000.00"))
    mzone = young_mzone()
    make_bill(customer=mzone, month=OCT, total=Decimal("1000.00"))

    points_accrue(month=OCT)

    for level, reward in rates.items():
        assert kinds(customers[level])[EntryKind.REWARD_BRAND] == reward, level
    assert kinds(plain)[EntryKind.REWARD_BRAND] == 200  # other gotone: 20%
    assert kinds(lapsed)[EntryKind.REWARD_BRAND] == 200
    assert EntryKind.REWARD_BRAND not in kinds(mzone)  # gotone only


@pytest.mark.parametrize(
    ("joined_on", "percent"),
    [
        (date(2024, 11, 1), 0),  # 11 months on 31 Oct 2025
        (date(2024, 10, 31), 10),  # 12 months exactly
        (date(2023, 11, 30), 10),  # 23 months
        (date(2023, 10, 31), 20),  # 24 months
        (date(2020, 11, 1), 20),  # 59 months
        (date(2020, 10, 31), 30),  # 60 months
        (date(2001, 1, 31), 30),
    ],
)
def test_points_2_tenure_reward_by_whole_months_on_the_month_last_day(
    joined_on: date, percent: int
) -> None:
    customer = make_customer(brand=Brand.MZONE, joined_on=joined_on)
    make_bill(customer=customer, month=OCT, total=Decimal("1000.00"))

    points_accrue(month=OCT)

    assert kinds(customer).get(EntryKind.REWARD_TENURE, 0) == percent * 10


def test_points_2_each_reward_is_rounded_down_on_its_own() -> None:
    customer = make_customer(joined_on=date(2020, 1, 15))  # 69 months: +30%
    grant_create(customer=customer, level="silver", source="annual", valid_from=date(2025, 2, 1))
    make_bill(customer=customer, month=OCT, total=Decimal("999.99"))

    points_accrue(month=OCT)

    # 999 consumption; 50% → 499.5 → 499; 30% → 299.7 → 299.
    assert kinds(customer) == {
        EntryKind.ACCRUAL: 999,
        EntryKind.REWARD_BRAND: 499,
        EntryKind.REWARD_TENURE: 299,
    }
    assert balances(customer).redeemable == 999 + 499 + 299
    assert balances(customer).total_consumption == 999  # rewards are not consumption


JOIN_DAYS = [
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2023, 3, 31),
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 2, 28),
    date(2020, 2, 29),
    date(2025, 10, 31),
    date(2025, 11, 1),
    date(2015, 7, 15),
]
MONTH_ENDS = [date(2025, 2, 28), date(2024, 2, 29), date(2025, 10, 31), date(2025, 4, 30)]


@pytest.mark.parametrize("month_end", MONTH_ENDS)
def test_points_2_tenure_months_in_sql_equal_the_python_rule(month_end: date) -> None:
    for n, joined in enumerate(JOIN_DAYS):
        make_customer(msisdn=f"1370000{n:04d}", joined_on=joined)

    rows = Customer.objects.annotate(tenure=tenure_months_sql(month_end)).values_list(
        "joined_on", "tenure"
    )

    for joined, tenure in rows:
        assert tenure == dates.tenure_months(joined, month_end), (joined, month_end)


def test_points_2_sql_tenure_needs_a_month_end() -> None:
    with pytest.raises(ValueError, match="last day"):
        tenure_months_sql(date(2025, 10, 30))


def test_points_3_gotone_and_mzone_accrue_from_the_join_month() -> None:
    gotone = make_customer(brand=Brand.GOTONE, joined_on=date(2025, 10, 20))
    mzone = make_customer(brand=Brand.MZONE, joined_on=date(2025, 10, 31))
    for customer in (gotone, mzone):
        make_bill(customer=customer, month=OCT, total=Decimal("50.00"))

    points_accrue(month=OCT)

    assert kinds(gotone)[EntryKind.ACCRUAL] == 50
    assert kinds(mzone)[EntryKind.ACCRUAL] == 50
    assert accrual_start(gotone) == date(2025, 10, 1)


def test_points_3_easyown_registered_before_2012_accrues_from_january_2012() -> None:
    customer = make_customer(
        brand=Brand.EASYOWN, joined_on=date(2008, 5, 1), real_name_registered_on=date(2011, 3, 1)
    )
    for month in (date(2011, 12, 1), date(2012, 1, 1)):
        make_bill(customer=customer, month=month, total=Decimal("30.00"))
        points_accrue(month=month)

    assert kinds(customer, date(2011, 12, 1)) == {}
    assert kinds(customer, date(2012, 1, 1))[EntryKind.ACCRUAL] == 30
    assert accrual_start(customer) == date(2012, 1, 1)


def test_points_3_easyown_joined_after_january_2012_accrues_from_the_join_month_once_registered() -> (
    None
):
    customer = make_customer(
        brand=Brand.EASYOWN, joined_on=date(2025, 8, 10), real_name_registered_on=None
    )
    make_bill(customer=customer, month=OCT, total=Decimal("30.00"))
    points_accrue(month=OCT)
    assert kinds(customer) == {}  # not registered: nothing yet
    assert accrual_start(customer) is None

    Customer.objects.filter(pk=customer.pk).update(real_name_registered_on=date(2025, 11, 5))
    customer.refresh_from_db()
    points_accrue(month=OCT)  # re-run after registration: from the join date

    assert kinds(customer)[EntryKind.ACCRUAL] == 30
    assert accrual_start(customer) == date(2025, 8, 1)


def test_points_3_easyown_registered_later_accrues_from_the_registration_month() -> None:
    customer = make_customer(
        brand=Brand.EASYOWN, joined_on=date(2009, 5, 1), real_name_registered_on=date(2025, 10, 20)
    )
    for month in (date(2025, 9, 1), OCT):
        make_bill(customer=customer, month=month, total=Decimal("30.00"))
        points_accrue(month=month)

    assert kinds(customer, date(2025, 9, 1)) == {}
    assert kinds(customer, OCT)[EntryKind.ACCRUAL] == 30
    assert accrual_start(customer) == OCT


def test_points_3_the_sql_start_rule_agrees_with_the_python_one() -> None:
    cases = [
        (Brand.GOTONE, date(2010, 1, 5), None),
        (Brand.MZONE, date(2025, 10, 31), None),
        (Brand.EASYOWN, date(2008, 1, 1), None),
        (Brand.EASYOWN, date(2008, 1, 1), date(2011, 12, 31)),
        (Brand.EASYOWN, date(2008, 1, 1), date(2012, 1, 1)),
        (Brand.EASYOWN, date(2011, 12, 31), date(2013, 6, 30)),
        (Brand.EASYOWN, date(2012, 1, 1), date(2014, 1, 1)),
        (Brand.EASYOWN, date(2012, 2, 1), date(2012, 2, 1)),
    ]
    for n, (brand, joined, registered) in enumerate(cases):
        make_customer(
            msisdn=f"1360000{n:04d}",
            brand=brand,
            joined_on=joined,
            real_name_registered_on=registered,
        )
    months = [date(2011, 12, 1), date(2012, 1, 1), date(2012, 2, 1), date(2013, 6, 1)]
    months += [date(2013, 7, 1), date(2014, 1, 1), date(2025, 10, 1)]
    for month in months:
        by_sql = set(Customer.objects.filter(accrual_started_q(month)).values_list("pk", flat=True))
        by_python = {
            c.pk
            for c in Customer.objects.all()
            if (start := accrual_start(c)) is not None and start <= month
        }
        assert by_sql == by_python, month


def test_points_4_running_a_month_twice_creates_nothing_new() -> None:
    customer = make_customer(joined_on=date(2015, 1, 1))
    make_bill(customer=customer, month=OCT, total=Decimal("188.00"))
    first = points_accrue(month=OCT)
    count = Entry.objects.count()

    second = points_accrue(month=OCT)

    assert Entry.objects.count() == count
    assert first.counts["entries"] == 3
    assert second.counts["entries"] == 0
    assert second.counts["points"] == 0


def test_points_4_a_corrected_bill_produces_a_correcting_entry_not_a_duplicate() -> None:
    customer = make_customer(brand=Brand.MZONE, joined_on=date(2023, 1, 1))  # +20% tenure
    make_bill(customer=customer, month=OCT, total=Decimal("100.00"))
    points_accrue(month=OCT)
    Bill.objects.filter(customer=customer, month=OCT).update(total=Decimal("150.40"))

    run = points_accrue(month=OCT)

    assert kinds(customer) == {
        EntryKind.ACCRUAL: 100,
        EntryKind.REWARD_TENURE: 20,
        f"{EntryKind.CORRECTION}:{EntryKind.ACCRUAL}": 50,
        f"{EntryKind.CORRECTION}:{EntryKind.REWARD_TENURE}": 10,
    }
    assert run.counts["corrections"] == 2
    assert balances(customer).total_consumption == 150
    assert balances(customer).redeemable == 180

    Bill.objects.filter(customer=customer, month=OCT).update(total=Decimal("80.00"))
    points_accrue(month=OCT)
    points_accrue(month=OCT)  # and a third time changes nothing

    assert balances(customer).total_consumption == 80
    assert balances(customer).redeemable == 96
    assert Lot.objects.get(customer=customer).balance == 96


def test_points_4_a_bill_first_under_a_yuan_then_corrected_gets_its_accrual() -> None:
    customer = young_mzone()
    make_bill(customer=customer, month=OCT, total=Decimal("0.99"))
    points_accrue(month=OCT)
    Bill.objects.filter(customer=customer).update(total=Decimal("42.00"))

    points_accrue(month=OCT)

    assert kinds(customer) == {EntryKind.ACCRUAL: 42}


def test_points_4_a_downward_correction_never_takes_a_lot_below_zero() -> None:
    from points.services import redemption_create

    customer = young_mzone()
    make_bill(customer=customer, month=OCT, total=Decimal("100.00"))
    points_accrue(month=OCT)
    redemption_create(customer=customer, item=make_item(points_price=90), today=date(2025, 11, 5))
    Bill.objects.filter(customer=customer).update(total=Decimal("20.00"))

    run = points_accrue(month=OCT)

    assert Lot.objects.get(customer=customer).balance == 0
    assert kinds(customer)[f"{EntryKind.CORRECTION}:{EntryKind.ACCRUAL}"] == -10
    assert run.counts["short"] == 1
    assert points_accrue(month=OCT).counts["entries"] == 0  # nothing more to take


def test_points_4_the_database_refuses_a_second_accrual_of_the_same_month() -> None:
    customer = young_mzone()
    make_bill(customer=customer, month=OCT, total=Decimal("10.00"))
    points_accrue(month=OCT)
    first = Entry.objects.get(customer=customer, kind=EntryKind.ACCRUAL)

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            customer=customer,
            lot=first.lot,
            year=2025,
            kind=EntryKind.ACCRUAL,
            amount=10,
            month=OCT,
            booked_on=date(2025, 10, 31),
            created_at=first.created_at,
        )


def test_points_5_points_go_to_the_lot_of_the_year_they_were_earned_in() -> None:
    customer = young_mzone(msisdn="13900000077")
    customer.joined_on = date(2024, 6, 1)
    Customer.objects.filter(pk=customer.pk).update(joined_on=date(2024, 6, 1))
    for month in (date(2024, 12, 1), date(2025, 1, 1)):
        make_bill(customer=customer, month=month, total=Decimal("10.00"))
        points_accrue(month=month)

    lots = dict(Lot.objects.filter(customer=customer).values_list("year", "balance"))

    assert lots == {2024: 10, 2025: 10}
    assert Entry.objects.get(customer=customer, month=date(2024, 12, 1)).booked_on == date(
        2024, 12, 31
    )


def test_points_10_a_cancelled_line_earns_nothing() -> None:
    customer = make_customer(status=Status.CANCELLED)
    make_bill(customer=customer, month=OCT, total=Decimal("300.00"))

    points_accrue(month=OCT)

    assert not Entry.objects.filter(customer=customer).exists()


def test_points_4_small_chunks_give_the_same_ledger_as_one_chunk() -> None:
    for n in range(7):
        customer = make_customer(
            msisdn=f"1380000{n:04d}", joined_on=date(2015 + n, 1, 1), brand=list(Brand)[n % 3]
        )
        customer.real_name_registered_on = date(2016, 1, 1)
        Customer.objects.filter(pk=customer.pk).update(real_name_registered_on=date(2016, 1, 1))
        make_bill(customer=customer, month=OCT, total=Decimal(f"{100 + n * 37}.50"))
    whole = points_accrue(month=OCT)
    expected = sorted(Entry.objects.values_list("customer_id", "kind", "amount"))
    Entry.objects.all()._raw_delete(Entry.objects.db)
    Lot.objects.all().delete()

    chunked = points_accrue(month=OCT, chunk=2)

    assert sorted(Entry.objects.values_list("customer_id", "kind", "amount")) == expected
    assert chunked.counts["points"] == whole.counts["points"]


def test_cust_7_after_a_brand_change_later_accruals_follow_the_new_brand() -> None:
    customer = make_customer(
        brand=Brand.EASYOWN,
        joined_on=date(2025, 3, 1),
        real_name_registered_on=date(2025, 3, 1),
    )
    make_bill(customer=customer, month=date(2025, 9, 1), total=Decimal("100.00"))
    points_accrue(month=date(2025, 9, 1))
    Customer.objects.filter(pk=customer.pk).update(brand=Brand.GOTONE)  # a move changed it
    make_bill(customer=customer, month=OCT, total=Decimal("100.00"))

    points_accrue(month=OCT)

    assert kinds(customer, date(2025, 9, 1)) == {EntryKind.ACCRUAL: 100}
    assert kinds(customer, OCT) == {EntryKind.ACCRUAL: 100, EntryKind.REWARD_BRAND: 20}
    lots = set(Lot.objects.filter(customer=customer).values_list("year", "exempt", "balance"))
    assert lots == {(2025, True, 100), (2025, False, 120)}  # easyown points stay exempt


def test_accrue_points_command_prints_one_line_and_is_safe_to_run_twice() -> None:
    customer = make_customer(joined_on=date(2015, 1, 1))
    make_bill(customer=customer, month=OCT, total=Decimal("100.00"))
    out = StringIO()

    call_command("accrue_points", "2025-10", stdout=out)
    call_command("accrue_points", "2025-10", stdout=out)

    first, second = out.getvalue().strip().splitlines()
    assert first.startswith("accrue_points 2025-10: 1 bills, 1 accruing, 1 consumption")
    assert first.endswith("+150 points")  # 100 + 20% brand + 30% tenure
    assert "0 consumption, 0 brand rewards, 0 tenure rewards, 0 corrections, +0 points" in second


def test_accrue_points_command_refuses_a_malformed_month() -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("accrue_points", "2025-13x")


def test_the_accrual_task_takes_the_same_argument_as_the_command(
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    customer = young_mzone()
    make_bill(customer=customer, month=OCT, total=Decimal("10.00"))

    with capture(execute=True):  # the chunks are sent once the run is committed
        result = CALENDAR_TASKS["accrue_points"].delay("2025-10").get()

    assert (result["job"], result["period"]) == ("accrue_points", "2025-10")
    run = JobRun.objects.get(job="accrue_points", period="2025-10")
    assert run.status == "succeeded"
    assert run.counts["accrual"] == 1
    assert kinds(customer) == {EntryKind.ACCRUAL: 10}


def test_points_2_a_level_granted_after_the_run_is_picked_up_by_a_re_run() -> None:
    customer = make_customer(joined_on=date(2025, 5, 1))
    make_bill(customer=customer, month=OCT, total=Decimal("100.00"))
    points_accrue(month=OCT)
    grant_create(
        customer=customer,
        level="gold",
        source="key_person",
        valid_from=date(2025, 10, 1) + timedelta(days=10),
    )

    points_accrue(month=OCT)

    assert kinds(customer)[EntryKind.REWARD_BRAND] == 20
    assert kinds(customer)[f"{EntryKind.CORRECTION}:{EntryKind.REWARD_BRAND}"] == 60
