"""POINTS-8 transfers 积分转送 and POINTS-9 (no transfer out of a frozen account)."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import DomainError
from membership.models import Brand, Status
from membership.services.customers import customer_set_status
from points.models import Entry, EntryKind, Lot, Transfer, TransferRecipient
from points.selectors import balances, transferred_in_month
from points.services import (
    transfer_create,
    transfer_recipient_register,
    transfer_recipient_remove,
)
from points.tests.builders import earn, lot_balances, make_customer

TODAY = date(2026, 11, 25)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]


def pair(**sender_kwargs: object) -> tuple:
    sender = make_customer(msisdn="13900000001", joined_on=date(2020, 1, 1), **sender_kwargs)
    recipient = make_customer(msisdn="13900000002", joined_on=date(2024, 1, 1))
    return sender, recipient


def registered_pair(**sender_kwargs: object) -> tuple:
    sender, recipient = pair(**sender_kwargs)
    transfer_recipient_register(sender=sender, recipient=recipient)
    return sender, recipient


def test_points_8_transferred_points_keep_their_earning_year_oldest_first() -> None:
    sender, recipient = registered_pair()
    earn(sender, 2024, 300)
    earn(sender, 2025, 500)
    earn(sender, 2026, 100)

    transfer = transfer_create(sender=sender, recipient=recipient, points=600, today=TODAY)

    assert lot_balances(sender) == {2024: 0, 2025: 200, 2026: 100}
    assert lot_balances(recipient) == {2024: 300, 2025: 300}
    assert balances(recipient).redeemable == 600
    assert balances(recipient).total_consumption == 0  # transfers are not consumption
    moves = sorted(transfer.entries.values_list("kind", "year", "amount"))
    assert moves == [
        (EntryKind.TRANSFER_IN, 2024, 300),
        (EntryKind.TRANSFER_IN, 2025, 300),
        (EntryKind.TRANSFER_OUT, 2024, -300),
        (EntryKind.TRANSFER_OUT, 2025, -300),
    ]


def test_points_8_easyown_points_stay_exempt_from_expiry_when_transferred() -> None:
    sender, recipient = pair(brand=Brand.EASYOWN)
    recipient.brand = Brand.EASYOWN
    recipient.save()
    transfer_recipient_register(sender=sender, recipient=recipient)
    earn(sender, 2020, 50, exempt=True)

    transfer_create(sender=sender, recipient=recipient, points=50, today=TODAY)

    lot = Lot.objects.get(customer=recipient)
    assert (lot.year, lot.exempt, lot.balance) == (2020, True, 50)


def test_points_8_a_transfer_hitting_20000_out_exactly_is_allowed_one_more_refused() -> None:
    sender, recipient = registered_pair()
    other = make_customer(msisdn="13900000003", joined_on=date(2024, 1, 1))
    transfer_recipient_register(sender=sender, recipient=other)
    earn(sender, 2026, 50000)

    transfer_create(sender=sender, recipient=recipient, points=15000, today=TODAY)
    transfer_create(sender=sender, recipient=other, points=5000, today=TODAY)  # = 20,000
    with pytest.raises(DomainError, match="at most 20000 points a month; 20000 sent"):
        transfer_create(sender=sender, recipient=other, points=1, today=TODAY)

    assert transferred_in_month(sender, TODAY) == (20000, 0)
    assert Transfer.objects.count() == 2
    # A new calendar month opens a new allowance.
    transfer_create(sender=sender, recipient=other, points=1, today=date(2026, 12, 1))


def test_points_8_at_most_20000_in_per_month_exactly_20000_allowed() -> None:
    recipient = make_customer(msisdn="13900000009", joined_on=date(2024, 1, 1))
    senders = []
    for n in range(3):
        sender = make_customer(msisdn=f"1390000001{n}", joined_on=date(2020, 1, 1))
        earn(sender, 2026, 20000)
        transfer_recipient_register(sender=sender, recipient=recipient)
        senders.append(sender)

    transfer_create(sender=senders[0], recipient=recipient, points=12000, today=TODAY)
    transfer_create(sender=senders[1], recipient=recipient, points=8000, today=TODAY)
    with pytest.raises(DomainError, match="at most 20000 points a month; 20000 received") as e:
        transfer_create(sender=senders[2], recipient=recipient, points=1, today=TODAY)

    assert e.value.code == "cap_in"
    assert balances(recipient).redeemable == 20000


def test_points_8_the_sender_needs_six_months_of_tenure() -> None:
    sender, recipient = pair()
    sender.joined_on = date(2026, 5, 26)  # 5 months and 30 days on 25 Nov
    sender.save()
    transfer_recipient_register(sender=sender, recipient=recipient)
    earn(sender, 2026, 100)

    with pytest.raises(DomainError, match="at least 6 months of tenure"):
        transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)

    sender.joined_on = date(2026, 5, 25)  # 6 months exactly (CONV-2)
    sender.save()
    transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)
    assert balances(recipient).redeemable == 10


def test_points_8_same_brand_and_same_province_only() -> None:
    sender, recipient = pair()
    recipient.brand = Brand.MZONE
    recipient.save()
    with pytest.raises(DomainError, match="same brand") as brand:
        transfer_recipient_register(sender=sender, recipient=recipient)
    recipient.brand = Brand.GOTONE
    recipient.province = "浙江"
    recipient.save()
    with pytest.raises(DomainError, match="same province") as province:
        transfer_recipient_register(sender=sender, recipient=recipient)

    assert (brand.value.code, province.value.code) == ("brand", "province")
    assert not TransferRecipient.objects.exists()


def test_points_8_a_brand_changed_after_registration_still_blocks_the_transfer() -> None:
    sender, recipient = registered_pair()
    earn(sender, 2026, 100)
    recipient.brand = Brand.MZONE
    recipient.save()

    with pytest.raises(DomainError, match="same brand"):
        transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)
    assert balances(sender).redeemable == 100


def test_points_8_at_most_8_registered_recipients() -> None:
    sender = make_customer(msisdn="13900000001", joined_on=date(2020, 1, 1))
    recipients = [
        make_customer(msisdn=f"1390000010{n}", joined_on=date(2024, 1, 1)) for n in range(9)
    ]
    for recipient in recipients[:8]:
        transfer_recipient_register(sender=sender, recipient=recipient)

    with pytest.raises(DomainError, match="at most 8 recipients"):
        transfer_recipient_register(sender=sender, recipient=recipients[8])

    transfer_recipient_remove(registration=TransferRecipient.objects.filter(sender=sender)[0])
    transfer_recipient_register(sender=sender, recipient=recipients[8])
    assert TransferRecipient.objects.filter(sender=sender).count() == 8


def test_points_8_an_unregistered_recipient_is_refused() -> None:
    sender, recipient = pair()
    earn(sender, 2026, 100)

    with pytest.raises(DomainError, match="Register 13900000002 as a recipient first"):
        transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)


def test_points_8_registering_twice_or_oneself_is_refused() -> None:
    sender, recipient = registered_pair()
    with pytest.raises(DomainError, match="already a registered recipient"):
        transfer_recipient_register(sender=sender, recipient=recipient)
    with pytest.raises(DomainError, match="itself"):
        transfer_recipient_register(sender=sender, recipient=sender)


def test_points_8_more_than_the_balance_is_refused_and_nothing_moves() -> None:
    sender, recipient = registered_pair()
    earn(sender, 2026, 100)

    with pytest.raises(DomainError, match="Not enough points"):
        transfer_create(sender=sender, recipient=recipient, points=101, today=TODAY)

    assert not Transfer.objects.exists()
    assert not Entry.objects.filter(kind__startswith="transfer").exists()


def test_points_9_a_frozen_sender_cannot_transfer_but_a_frozen_recipient_can_receive() -> None:
    sender, recipient = registered_pair()
    earn(sender, 2026, 100)
    customer_set_status(customer=recipient, status=Status.SUSPENDED, reason="arrears")

    transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)
    customer_set_status(customer=sender, status=Status.PRE_CANCEL)
    with pytest.raises(DomainError, match="frozen"):
        transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)

    assert balances(recipient).redeemable == 10


def test_points_8_a_cancelled_recipient_is_refused() -> None:
    sender, recipient = registered_pair()
    earn(sender, 2026, 100)
    customer_set_status(customer=recipient, status=Status.CANCELLED)

    with pytest.raises(DomainError, match="cannot receive points"):
        transfer_create(sender=sender, recipient=recipient, points=10, today=TODAY)
