"""SERVICE-14: birthday gifts 生日礼物 of VIP customers with a personal account manager —
the daily job (3 days ahead, 29 February, set-based and idempotent), the steps (confirmed,
delivered, declined, not reached) with their history, who may record them, the manager's
workspace and the supervisors' list and CSV (D-GROUP-9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import DomainError
from core.idempotency import FORM_FIELD
from core.jobs import run_job
from keyaccounts.models import BirthdayGift, GiftStatus, PersonalManager
from keyaccounts.services.gifts import birthday_gifts_open, gift_close, gift_contact, gift_deliver
from keyaccounts.services.personal import personal_manager_assign
from membership.models import Customer, GrantSource
from membership.services.grants import grant_create
from tests.builders import make_customer
from tests.downloads import csv_table
from tests.factories import KeyPersonFactory
from tests.test_idempotent_forms import TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

TODAY = date(2026, 11, 25)


def vip(born: date, level: str = "gold", **kwargs: Any) -> Customer:
    customer = make_customer(birth_date=born, **kwargs)
    grant_create(
        customer=customer, level=level, source=GrantSource.ANNUAL, valid_from=date(2026, 1, 1)
    )
    return customer


def with_manager(customer: Customer, manager: Any, supervisor: Any) -> Customer:
    personal_manager_assign(customer=customer, manager=manager, actor=supervisor)
    return customer


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def when(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def gift(supervisor: Any, account_manager: Any) -> BirthdayGift:
    with_manager(vip(date(1980, 11, 28), msisdn="13900000001"), account_manager, supervisor)
    birthday_gifts_open(day=TODAY)
    return BirthdayGift.objects.get()


# ---- the daily job ----


def test_service_14_the_job_opens_a_gift_3_days_before_the_birthday(
    supervisor: Any, account_manager: Any
) -> None:
    due = with_manager(vip(date(1980, 11, 28)), account_manager, supervisor)
    with_manager(vip(date(1980, 11, 29)), account_manager, supervisor)  # in 4 days: not yet
    vip(date(1980, 11, 28))  # no personal manager

    assert birthday_gifts_open(day=TODAY) == 1

    gift = BirthdayGift.objects.get()
    assert (gift.customer, gift.year, gift.birthday) == (due, 2026, date(2026, 11, 28))
    assert gift.contact_by == TODAY
    assert gift.status == GiftStatus.DUE


def test_service_14_only_eligible_customers_and_not_key_persons(
    supervisor: Any, account_manager: Any
) -> None:
    lost = with_manager(vip(date(1980, 11, 28)), account_manager, supervisor)
    lost.grants.update(valid_until=TODAY - timedelta(days=1))  # no longer eligible (SERVICE-8)
    key_person = with_manager(vip(date(1980, 11, 28)), account_manager, supervisor)
    KeyPersonFactory(customer=key_person)  # the group's care has their birthday (GROUP-4)

    assert birthday_gifts_open(day=TODAY) == 0


def test_service_14_the_job_is_set_based_and_opens_nothing_twice(
    supervisor: Any, account_manager: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        with_manager(vip(date(1970 + n, 11, 28)), account_manager, supervisor)

    with django_assert_max_num_queries(8):
        assert birthday_gifts_open(day=TODAY) == 5
    assert birthday_gifts_open(day=TODAY) == 0
    assert BirthdayGift.objects.count() == 5
    history = BirthdayGift.history.model.objects.all()
    assert history.count() == 5
    assert {h.history_type for h in history} == {"+"}


def test_service_14_a_missed_day_is_caught_up_and_shows_overdue(
    supervisor: Any, account_manager: Any
) -> None:
    with_manager(vip(date(1980, 11, 26)), account_manager, supervisor)  # tomorrow

    birthday_gifts_open(day=TODAY)

    gift = BirthdayGift.objects.get()
    assert gift.contact_by == date(2026, 11, 23)
    page = login(account_manager).get(reverse("keyaccounts:manager_workspace"))
    assert 'data-testid="gift-overdue"' in page.content.decode()


@pytest.mark.now("2027-02-25 10:00")
def test_service_14_29_february_birthdays_on_28_february_in_other_years(
    supervisor: Any, account_manager: Any
) -> None:
    with_manager(vip(date(2000, 2, 29)), account_manager, supervisor)

    birthday_gifts_open(day=date(2027, 2, 25))

    gift = BirthdayGift.objects.get()
    assert (gift.birthday, gift.contact_by) == (date(2027, 2, 28), date(2027, 2, 25))


@pytest.mark.now("2026-12-30 10:00")
def test_service_14_a_birthday_after_new_year_belongs_to_the_next_year(
    supervisor: Any, account_manager: Any
) -> None:
    with_manager(vip(date(1990, 1, 2)), account_manager, supervisor)

    birthday_gifts_open(day=date(2026, 12, 30))

    gift = BirthdayGift.objects.get()
    assert (gift.year, gift.birthday, gift.contact_by) == (
        2027,
        date(2027, 1, 2),
        date(2026, 12, 30),
    )


def test_service_14_the_job_is_declared_and_counts(supervisor: Any, account_manager: Any) -> None:
    with_manager(vip(date(1980, 11, 28)), account_manager, supervisor)

    outcome = run_job("vip_birthday_gifts", "2026-11-25", inline=True)

    assert outcome.run.counts == {"day": "2026-11-25", "opened": 1}


def test_service_14_no_gifts_opened_ahead_of_the_day() -> None:
    with pytest.raises(DomainError):
        birthday_gifts_open(day=TODAY + timedelta(days=1))


# ---- the steps ----


def test_service_14_confirmed_then_delivered_each_step_in_the_history(
    gift: BirthdayGift, account_manager: Any
) -> None:
    gift_contact(
        gift=gift,
        actor=account_manager,
        via="phone_manager",
        chosen="鲜花",
        deliver_at=when("2026-11-27 15:00"),
        address="苏州市工业园区1号",
    )
    gift_deliver(
        gift=gift,
        actor=account_manager,
        via="third_party",
        third_party="顺丰",
        delivered_on=TODAY,
    )

    gift.refresh_from_db()
    assert gift.status == GiftStatus.DELIVERED
    assert (gift.gift, gift.contacted_via, gift.contacted_by) == (
        "鲜花",
        "phone_manager",
        account_manager,
    )
    assert (gift.delivered_via, gift.delivered_by_name) == ("third_party", "顺丰")
    steps = list(gift.history.order_by("history_id").values_list("status", "history_user_id"))
    assert steps == [
        ("due", None),
        ("contacted", account_manager.pk),
        ("delivered", account_manager.pk),
    ]


def test_service_14_moves_outside_the_transitions_are_refused(
    gift: BirthdayGift, account_manager: Any
) -> None:
    with pytest.raises(DomainError):  # not confirmed yet
        gift_deliver(gift=gift, actor=account_manager, via="account_manager", delivered_on=TODAY)
    gift_close(gift=gift, actor=account_manager, status=GiftStatus.UNREACHABLE)
    gift_close(gift=gift, actor=account_manager, status=GiftStatus.DECLINED, note="不需要")
    with pytest.raises(DomainError):  # declined is final
        gift_contact(
            gift=gift,
            actor=account_manager,
            via="account_manager",
            chosen="蛋糕",
            deliver_at=when("2026-11-27 15:00"),
            address="x",
        )


def test_service_14_a_third_party_is_named_and_the_delivery_day_is_not_ahead(
    gift: BirthdayGift, account_manager: Any
) -> None:
    gift_contact(
        gift=gift,
        actor=account_manager,
        via="account_manager",
        chosen="蛋糕",
        deliver_at=when("2026-11-27 15:00"),
        address="x",
    )
    with pytest.raises(DomainError):
        gift_deliver(gift=gift, actor=account_manager, via="third_party", delivered_on=TODAY)
    with pytest.raises(DomainError):
        gift_deliver(
            gift=gift,
            actor=account_manager,
            via="account_manager",
            delivered_on=TODAY + timedelta(days=1),
        )


def test_service_14_only_the_customers_manager_or_a_supervisor_records(
    gift: BirthdayGift, other_account_manager: Any, supervisor: Any
) -> None:
    with pytest.raises(DomainError):
        gift_close(gift=gift, actor=other_account_manager, status=GiftStatus.UNREACHABLE)
    response = login(other_account_manager).get(
        reverse("keyaccounts:vip_gift_detail", args=[gift.pk])
    )
    assert response.status_code == 403
    gift_close(gift=gift, actor=supervisor, status=GiftStatus.UNREACHABLE)


def test_service_14_the_gift_follows_the_customer_to_a_new_manager(
    gift: BirthdayGift, supervisor: Any, other_account_manager: Any
) -> None:
    personal_manager_assign(customer=gift.customer, manager=other_account_manager, actor=supervisor)

    gift_close(gift=gift, actor=other_account_manager, status=GiftStatus.UNREACHABLE)
    assert PersonalManager.objects.filter(customer=gift.customer).count() == 2


# ---- pages ----


def test_service_14_the_workspace_lists_the_managers_gifts_due(
    gift: BirthdayGift, account_manager: Any, other_account_manager: Any
) -> None:
    mine = login(account_manager).get(reverse("keyaccounts:manager_workspace")).content.decode()
    theirs = login(other_account_manager).get(reverse("keyaccounts:manager_workspace"))

    assert 'data-testid="my-vip-gifts"' in mine
    assert "13900000001" in mine
    assert "13900000001" not in theirs.content.decode()


def test_service_14_a_rejected_step_keeps_what_was_typed(
    gift: BirthdayGift, account_manager: Any
) -> None:
    url = reverse("keyaccounts:vip_gift_step", args=[gift.pk, "contact"])
    response = login(account_manager).post(
        url, {"contact-via": "account_manager", "contact-chosen": "一束百合", "contact-address": ""}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "一束百合" in page
    assert 'class="errorlist"' in page
    gift.refresh_from_db()
    assert gift.status == GiftStatus.DUE


def test_service_14_a_step_sent_twice_is_recorded_once(
    gift: BirthdayGift, account_manager: Any
) -> None:
    client = login(account_manager)
    page = client.get(reverse("keyaccounts:vip_gift_detail", args=[gift.pk])).content.decode()
    token = TOKEN.search(page)
    assert token, "no token on the gift page"
    data = {"close-status": "unreachable", "close-note": "关机", FORM_FIELD: token.group(1)}
    url = reverse("keyaccounts:vip_gift_step", args=[gift.pk, "close"])

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert gift.history.count() == 2  # opened, not reached: once


def test_service_14_the_step_form_records_and_goes_back(
    gift: BirthdayGift, account_manager: Any
) -> None:
    workspace = reverse("keyaccounts:manager_workspace")
    response = login(account_manager).post(
        reverse("keyaccounts:vip_gift_step", args=[gift.pk, "contact"]),
        {
            "contact-via": "account_manager",
            "contact-chosen": "蛋糕",
            "contact-deliver_at": "2026-11-27T15:00",
            "contact-address": "苏州市",
            "next": workspace,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == workspace
    gift.refresh_from_db()
    assert (gift.status, gift.gift) == (GiftStatus.CONTACTED, "蛋糕")


def test_service_14_supervisors_filter_and_export(
    gift: BirthdayGift, supervisor: Any, account_manager: Any
) -> None:
    client = login(supervisor)
    listing = reverse("keyaccounts:vip_gifts")

    assert "13900000001" in client.get(listing, {"status": "open"}).content.decode()
    assert "13900000001" not in client.get(listing, {"status": "delivered"}).content.decode()
    assert "13900000001" in client.get(listing, {"manager": account_manager.pk}).content.decode()
    assert "13900000001" not in client.get(listing, {"manager": "none"}).content.decode()

    response = client.get(reverse("keyaccounts:vip_gifts_csv"), {"status": "open"})
    rows = csv_table(response)
    assert rows[0][:4] == ["msisdn", "birthday", "contact_by", "status"]
    assert rows[1][:4] == ["13900000001", "2026-11-28", "2026-11-25", "due"]


def test_service_14_the_list_is_the_supervisors(account_manager: Any) -> None:
    assert login(account_manager).get(reverse("keyaccounts:vip_gifts")).status_code == 403


def test_service_14_the_chinese_pages_show_no_english(
    gift: BirthdayGift, account_manager: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(account_manager)
    english = (
        "Birthday gift",
        "Contact by",
        "To contact",
        "Record",
        "Gift chosen",
        "Delivery address",
        "Phone manager",
        "Steps recorded",
        "daily job",
        "overdue",
    )
    with translation.override("zh-hans"):
        pages = [
            client.get(reverse("keyaccounts:vip_gift_detail", args=[gift.pk])),
            client.get(reverse("keyaccounts:manager_workspace")),
        ]
    for page in pages:
        text = page.content.decode()
        assert "生日礼物" in text
        assert not [word for word in english if f">{word}<" in text or f"{word}</" in text]
