"""POINTS-5/9/10/11, CUST-6/7: balances from entries, cancellation, reconciliation, moves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.test import RequestFactory

from membership.extensions import CUSTOMER_API_BLOCKS, CUSTOMER_CARD_PANELS
from membership.models import Status
from membership.services.customers import customer_set_status
from membership.services.lifecycle import customer_change_number, customer_move_region
from points.models import AppendOnlyError, Entry, EntryKind, Lot
from points.selectors import CONSUMPTION_Q, REDEEMED_Q, balances, customer_api_block
from points.services import lots_reconcile, points_accrue, redemption_create
from points.services.ledger import entry_post, lot_get_or_create
from points.tests.builders import earn, lot_balances, make_bill, make_customer, make_item

TODAY = date(2026, 11, 25)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]


def test_points_5_balances_derive_from_the_entries() -> None:
    customer = make_customer(joined_on=date(2025, 6, 1), brand="mzone")
    for month, total in ((date(2025, 11, 1), "120.50"), (date(2026, 1, 1), "80.00")):
        make_bill(customer=customer, month=month, total=Decimal(total))
        points_accrue(month=month)
    redemption_create(customer=customer, item=make_item(points_price=150), today=TODAY)

    shown = balances(customer)

    assert shown.total_consumption == 200
    assert shown.annual_consumption == {2025: 120, 2026: 80}
    assert shown.redeemed == 150
    assert shown.redeemable == 50
    assert shown.redeemable == sum(
        Lot.objects.filter(customer=customer).values_list("balance", flat=True)
    )


def test_points_5_balances_read_in_one_query_match_the_sums_of_the_ledger(
    django_assert_num_queries: Any,
) -> None:
    """POINTS-5: the one grouped query gives what the sums over the entries say, for every
    kind of entry (corrections of each accrual kind, rewards, redemptions and their
    cancellation, transfers, expiry) and every year, and a year whose consumption nets to
    zero is left out of the annual figures."""
    customer = make_customer()
    posts = [
        (2023, EntryKind.ACCRUAL, "", 300, date(2023, 3, 1)),
        (2023, EntryKind.CORRECTION, EntryKind.ACCRUAL, -300, date(2023, 4, 1)),
        (2024, EntryKind.ACCRUAL, "", 1000, date(2024, 5, 1)),
        (2024, EntryKind.CORRECTION, EntryKind.ACCRUAL, -100, date(2024, 6, 1)),
        (2024, EntryKind.REWARD_BRAND, "", 50, date(2024, 5, 1)),
        (2024, EntryKind.CORRECTION, EntryKind.REWARD_BRAND, 20, date(2024, 7, 1)),
        (2025, EntryKind.ACCRUAL, "", 2400, date(2025, 1, 1)),
        (2025, EntryKind.REWARD_TENURE, "", 70, date(2025, 1, 1)),
        (2025, EntryKind.REDEMPTION, "", -500, None),
        (2025, EntryKind.REDEMPTION_CANCEL, "", 200, None),
        (2025, EntryKind.TRANSFER_OUT, "", -100, None),
        (2024, EntryKind.EXPIRY, "", -600, None),
        (2026, EntryKind.TRANSFER_IN, "", 40, None),
    ]
    for year, kind, corrects, amount, month in posts:
        lot = lot_get_or_create(customer=customer, year=year, exempt=False)
        entry_post(
            customer=customer,
            lot=lot,
            kind=kind,
            amount=amount,
            booked_on=date(year, 12, 1),
            corrects=corrects,
            month=month,
        )
    sums = Entry.objects.filter(customer=customer).aggregate(
        redeemable=Sum("amount"),
        redeemed=Sum("amount", filter=REDEEMED_Q),
        consumption=Sum("amount", filter=CONSUMPTION_Q),
    )

    with django_assert_num_queries(1):
        shown = balances(customer)

    assert shown.redeemable == sums["redeemable"] == 2480
    assert shown.redeemed == -sums["redeemed"] == 300
    assert shown.total_consumption == sums["consumption"] == 3300
    assert shown.annual_consumption == {2024: 900, 2025: 2400}  # 2023 nets to nothing
    assert balances(customer, date(2024, 12, 31)).annual_consumption == {2024: 900}


def test_points_5_balances_as_of_a_date_count_only_entries_booked_by_then() -> None:
    customer = make_customer()
    earn(customer, 2025, 100, month=3)
    earn(customer, 2026, 50, month=2)

    assert balances(customer, date(2025, 12, 31)).redeemable == 100
    assert balances(customer, date(2026, 2, 28)).redeemable == 150


def test_the_customer_api_block_is_registered_with_the_interface_shape() -> None:
    customer = make_customer()
    earn(customer, 2025, 2400)
    customer_set_status(customer=customer, status=Status.SUSPENDED, reason="arrears")
    customer.refresh_from_db()

    block = CUSTOMER_API_BLOCKS["points"](customer, TODAY)

    assert block == {
        "redeemable": 2400,
        "redeemed": 0,
        "total_consumption": 2400,
        "annual_consumption": {"2025": 2400},
        "frozen": True,
    }
    assert CUSTOMER_API_BLOCKS["points"] is customer_api_block


def test_the_customer_card_panel_shows_the_balance_and_what_expires_this_year(
    rf: RequestFactory, clerk: object
) -> None:
    customer = make_customer()
    earn(customer, 2024, 70)
    earn(customer, 2026, 30)
    panel = CUSTOMER_CARD_PANELS["points"]

    context = panel.context(rf.get("/"), customer, TODAY)

    assert context["points_redeemable"] == 100
    assert context["points_expiring"] == 70  # 2024 points go on 31 December 2026
    assert panel.template == "points/partials/card_panel.html"


def test_points_10_cancellation_clears_the_balance_with_an_entry_per_lot() -> None:
    customer = make_customer()
    earn(customer, 2025, 100)
    earn(customer, 2026, 40)

    customer_set_status(customer=customer, status=Status.CANCELLED)

    customer.refresh_from_db()
    assert balances(customer).redeemable == 0
    cleared = list(
        Entry.objects.filter(kind=EntryKind.CANCELLATION_CLEAR)
        .order_by("year")
        .values_list("year", "amount")
    )
    assert cleared == [(2025, -100), (2026, -40)]
    assert balances(customer).total_consumption == 140  # the history stays


def test_points_10_the_clearing_rolls_back_with_a_failed_status_change() -> None:
    customer = make_customer()
    earn(customer, 2025, 100)

    def cancel_then_fail() -> None:
        with transaction.atomic():
            customer_set_status(customer=customer, status=Status.CANCELLED)
            raise RuntimeError("the counter's transaction failed afterwards")

    with pytest.raises(RuntimeError):
        cancel_then_fail()

    assert lot_balances(customer) == {2025: 100}
    assert not Entry.objects.filter(kind=EntryKind.CANCELLATION_CLEAR).exists()


def test_points_11_entries_are_never_changed_or_deleted_through_the_model() -> None:
    customer = make_customer()
    entry = earn(customer, 2025, 100)

    entry.amount = 1000
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert Entry.objects.get(pk=entry.pk).amount == 100


def test_points_11_the_database_keeps_a_lot_from_going_negative() -> None:
    customer = make_customer()
    earn(customer, 2025, 100)

    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.filter(customer=customer).update(balance=-1)


def test_points_11_the_database_refuses_an_entry_whose_sign_contradicts_its_kind() -> None:
    customer = make_customer()
    entry = earn(customer, 2025, 100)

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(kind=EntryKind.REDEMPTION)


def test_points_11_reconcile_finds_a_tampered_entry_and_rebuilds_the_balance() -> None:
    customer = make_customer(msisdn="13900000042")
    entry = earn(customer, 2025, 100)
    earn(customer, 2026, 10)
    assert lots_reconcile().clean

    Entry.objects.filter(pk=entry.pk).update(amount=90)  # tampering behind the ledger's back
    out = StringIO()
    with pytest.raises(CommandError, match="1 differences"):
        call_command("points_reconcile", stdout=out)

    assert (
        f"lot {entry.lot_id} (13900000042, 2025): stored 100, entries sum to 90" in out.getvalue()
    )
    call_command("points_reconcile", "--fix", stdout=StringIO())
    assert lot_balances(customer) == {2025: 90, 2026: 10}
    clean = StringIO()
    call_command("points_reconcile", stdout=clean)
    assert clean.getvalue().strip() == (
        "points_reconcile: 2 lots checked, 0 differences, 0 misfiled entries"
    )


def test_points_11_reconcile_reports_an_entry_moved_to_another_year() -> None:
    customer = make_customer()
    entry = earn(customer, 2025, 100)
    Entry.objects.filter(pk=entry.pk).update(year=2024)

    result = lots_reconcile()

    assert result.misfiled_entries == [entry.pk]
    assert not result.clean


def test_cust_6_points_survive_a_number_change(clerk: object) -> None:
    customer = make_customer(msisdn="13900000001")
    earn(customer, 2024, 300)
    earn(customer, 2025, 200)
    before = balances(customer)

    customer_change_number(customer=customer, new_msisdn="13800000009", actor=clerk)

    customer.refresh_from_db()
    assert customer.msisdn == "13800000009"
    assert balances(customer) == before
    assert lot_balances(customer) == {2024: 300, 2025: 200}


def test_cust_7_points_move_1_to_1_on_a_cross_region_move(supervisor: object) -> None:
    customer = make_customer(msisdn="13900000001")
    earn(customer, 2024, 300)
    redemption_create(customer=customer, item=make_item(points_price=100), today=TODAY)
    before = balances(customer)

    customer_move_region(
        customer=customer,
        new_msisdn="13700000001",
        province="浙江",
        city="杭州",
        brand="mzone",
        actor=supervisor,
        on=TODAY,
    )

    customer.refresh_from_db()
    after = balances(customer)
    assert (after.redeemable, after.redeemed, after.total_consumption) == (200, 100, 300)
    assert after.annual_consumption == before.annual_consumption
    assert lot_balances(customer) == {2024: 200}
