"""POINTS-5 oldest lot first, POINTS-7 redemption, cancellation and fulfilment, POINTS-9."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError
from membership.models import Status
from membership.services.customers import customer_set_status
from points.models import Entry, EntryKind, Redemption, RewardItem
from points.selectors import balances
from points.services import (
    points_expire,
    redemption_cancel,
    redemption_create,
    redemption_fulfil,
)
from points.tests.builders import earn, lot_balances, make_customer, make_item

TODAY = date(2026, 11, 25)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]


def test_points_5_redemption_takes_the_oldest_lot_first() -> None:
    customer = make_customer()
    earn(customer, 2024, 300)
    earn(customer, 2025, 500)
    earn(customer, 2026, 700)

    redemption = redemption_create(customer=customer, item=make_item(points_price=600), today=TODAY)

    assert lot_balances(customer) == {2024: 0, 2025: 200, 2026: 700}
    taken = list(redemption.entries.order_by("year").values_list("year", "amount"))
    assert taken == [(2024, -300), (2025, -300)]  # each redemption links to its lot amounts


def test_points_5_within_a_year_the_expiring_lot_goes_before_the_exempt_one() -> None:
    customer = make_customer()
    earn(customer, 2025, 100, exempt=True)
    earn(customer, 2025, 100, month=2)

    redemption = redemption_create(customer=customer, item=make_item(points_price=100), today=TODAY)

    assert [e.lot.exempt for e in redemption.entries.select_related("lot")] == [False]


def test_points_7_a_redemption_exactly_equal_to_the_balance_is_allowed() -> None:
    customer = make_customer()
    earn(customer, 2025, 1000)
    item = make_item(points_price=500, stock=5)

    redemption = redemption_create(customer=customer, item=item, quantity=2, today=TODAY)

    assert redemption.points == 1000
    assert balances(customer).redeemable == 0
    assert balances(customer).redeemed == 1000
    item.refresh_from_db()
    assert item.stock == 3


def test_points_7_one_point_short_is_refused_with_the_balance_and_nothing_written() -> None:
    customer = make_customer()
    earn(customer, 2025, 999)
    item = make_item(name="30元话费", points_price=1000, stock=5)

    with pytest.raises(DomainError, match="needs 1000 points, the redeemable balance is 999"):
        redemption_create(customer=customer, item=item, today=TODAY)

    assert not Redemption.objects.exists()
    assert Entry.objects.filter(kind=EntryKind.REDEMPTION).count() == 0
    item.refresh_from_db()
    assert item.stock == 5


def test_points_7_an_item_out_of_stock_is_refused_and_stock_never_goes_below_zero() -> None:
    customer = make_customer()
    earn(customer, 2025, 10000)
    item = make_item(points_price=100, stock=1)

    redemption_create(customer=customer, item=item, today=TODAY)
    with pytest.raises(DomainError, match="out of stock"):
        redemption_create(customer=customer, item=item, today=TODAY)

    item.refresh_from_db()
    assert item.stock == 0
    assert balances(customer).redeemable == 9900
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardItem.objects.filter(pk=item.pk).update(stock=-1)  # the database refuses too


def test_points_7_an_item_no_longer_offered_is_refused() -> None:
    customer = make_customer()
    earn(customer, 2025, 1000)

    with pytest.raises(DomainError, match="no longer offered"):
        redemption_create(
            customer=customer, item=make_item(points_price=10, active=False), today=TODAY
        )


@pytest.mark.parametrize(
    ("status", "reason"),
    [(Status.SUSPENDED, "arrears"), (Status.SUSPENDED, "half"), (Status.PRE_CANCEL, "")],
)
def test_points_9_a_frozen_account_cannot_redeem(status: str, reason: str) -> None:
    customer = make_customer()
    earn(customer, 2025, 1000)
    customer_set_status(customer=customer, status=status, reason=reason)

    with pytest.raises(DomainError, match="frozen") as refused:
        redemption_create(customer=customer, item=make_item(points_price=10), today=TODAY)

    assert refused.value.code == "frozen"
    customer.refresh_from_db()
    assert balances(customer).redeemable == 1000
    assert balances(customer).frozen is True


def test_points_9_reactivation_unfreezes_the_account() -> None:
    customer = make_customer()
    earn(customer, 2025, 1000)
    customer_set_status(customer=customer, status=Status.SUSPENDED, reason="arrears")
    customer_set_status(customer=customer, status=Status.ACTIVE)

    redemption_create(customer=customer, item=make_item(points_price=10), today=TODAY)

    customer.refresh_from_db()
    assert balances(customer).redeemable == 990
    assert balances(customer).frozen is False


def test_points_7_cancelling_returns_the_points_to_their_original_lots_and_the_stock() -> None:
    customer = make_customer()
    earn(customer, 2024, 300)
    earn(customer, 2025, 500)
    item = make_item(points_price=600, stock=2)
    redemption = redemption_create(customer=customer, item=item, today=TODAY)

    redemption_cancel(redemption=redemption, note="customer changed their mind", today=TODAY)

    assert lot_balances(customer) == {2024: 300, 2025: 500}
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.CANCELLED
    back = list(
        redemption.entries.filter(kind=EntryKind.REDEMPTION_CANCEL).values_list("year", "amount")
    )
    assert sorted(back) == [(2024, 300), (2025, 300)]
    assert balances(customer).redeemed == 0
    item.refresh_from_db()
    assert item.stock == 2
    assert list(redemption.events.values_list("from_status", "to_status")) == [
        ("", "requested"),
        ("requested", "cancelled"),
    ]


def test_points_7_a_fulfilled_redemption_cannot_be_cancelled() -> None:
    customer = make_customer()
    earn(customer, 2025, 500)
    redemption = redemption_create(customer=customer, item=make_item(points_price=100), today=TODAY)
    redemption_fulfil(redemption=redemption)

    with pytest.raises(DomainError) as refused:
        redemption_cancel(redemption=redemption, today=TODAY)
    assert refused.value.code == "illegal_transition"
    with pytest.raises(DomainError):
        redemption_fulfil(redemption=redemption)

    assert balances(customer).redeemable == 400
    assert redemption.events.count() == 2


def test_points_6_points_returned_to_a_lot_past_its_validity_expire_at_once() -> None:
    customer = make_customer()
    earn(customer, 2023, 300)
    redemption = redemption_create(
        customer=customer, item=make_item(points_price=300), today=date(2025, 12, 1)
    )
    points_expire(year=2025, today=date(2025, 12, 31))  # clears 2023 lots (empty now)

    redemption_cancel(redemption=redemption, today=date(2026, 1, 5))

    assert lot_balances(customer) == {2023: 0}
    kinds = list(
        Entry.objects.filter(customer=customer).order_by("id").values_list("kind", "amount")
    )
    assert kinds[-2:] == [(EntryKind.REDEMPTION_CANCEL, 300), (EntryKind.EXPIRY, -300)]


def test_points_10_a_redemption_of_a_cancelled_line_stays() -> None:
    customer = make_customer()
    earn(customer, 2025, 500)
    redemption = redemption_create(customer=customer, item=make_item(points_price=100), today=TODAY)
    customer_set_status(customer=customer, status=Status.CANCELLED)

    with pytest.raises(DomainError, match="cancelled"):
        redemption_cancel(redemption=redemption, today=TODAY)

    assert balances(customer).redeemable == 0


def test_points_7_quantity_must_be_positive() -> None:
    customer = make_customer()
    earn(customer, 2025, 500)
    with pytest.raises(DomainError, match="at least 1"):
        redemption_create(customer=customer, item=make_item(), quantity=0, today=TODAY)
