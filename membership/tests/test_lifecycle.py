"""Life-cycle services (CUST-4, CUST-6, CUST-7, TIER-8, TIER-9) and CUST-8 masking."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core.errors import DomainError
from membership.masking import (
    mask_id,
    mask_name,
    may_reveal_personal_data,
    personal_data_revealed,
)
from membership.models import (
    Brand,
    Customer,
    CustomerEvent,
    GrantSource,
    LevelGrant,
    Status,
    StatusChange,
)
from membership.selectors.levels import effective_level
from membership.services.customers import customer_set_status
from membership.services.grants import grant_create
from membership.services.lifecycle import (
    customer_change_number,
    customer_move_region,
    customer_transfer_ownership,
    rating_year_end,
)
from membership.signals import customer_moved
from tests.factories import BillFactory, CustomerFactory

pytestmark = pytest.mark.django_db

# Valid GB 11643 numbers (check character verified).
NEW_ID = "110105199003078828"  # born 1990-03-07
NEW_ID_X = "11010519491231002X"  # born 1949-12-31, check character X
OLD_ID = "320102198001011238"


@pytest.fixture
def moved_signals() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append({"sender": sender, **kwargs})

    customer_moved.connect(receiver, dispatch_uid="test-lifecycle")
    yield received
    customer_moved.disconnect(dispatch_uid="test-lifecycle")


def snapshot(customer: Customer) -> dict[str, Any]:
    row: dict[str, Any] = dict(Customer.objects.filter(pk=customer.pk).values().get())
    row.pop("updated_at")
    return row


# --- CUST-4 status -----------------------------------------------------------------------------


def test_cust_4_a_status_change_is_kept_in_the_lines_own_history_too(clerk: Any) -> None:
    customer = CustomerFactory.create()

    change = customer_set_status(
        customer=customer, status=Status.SUSPENDED, reason="arrears", actor=clerk
    )

    assert (change.from_status, change.to_status, change.reason, change.actor) == (
        Status.ACTIVE,
        Status.SUSPENDED,
        "arrears",
        clerk,
    )
    latest = customer.history.order_by("-history_id").first()
    assert latest is not None
    assert (latest.history_type, latest.status, latest.suspension_reason) == (
        "~",
        Status.SUSPENDED,
        "arrears",
    )


def test_cust_4_a_move_the_line_may_not_make_is_refused_in_the_counters_words() -> None:
    customer = CustomerFactory.create(status=Status.PRE_CANCEL)

    with pytest.raises(DomainError) as refused:  # refused before the missing reason
        customer_set_status(customer=customer, status=Status.SUSPENDED)

    assert refused.value.message == "A Pending cancellation line cannot become Suspended."
    assert Customer.objects.get(pk=customer.pk).status == Status.PRE_CANCEL
    assert not StatusChange.objects.exists()


# --- CUST-6 ownership transfer ---------------------------------------------------------------


def test_cust_6_transfer_gives_the_line_a_new_holder_and_keeps_everything_else(
    supervisor: Any, moved_signals: list[dict[str, Any]]
) -> None:
    customer = CustomerFactory.create(name="张三", id_number=OLD_ID, joined_on=date(2015, 3, 15))
    BillFactory.create(customer=customer)
    customer_set_status(customer=customer, status=Status.SUSPENDED, reason="requested")
    grant = grant_create(
        customer=customer, level="gold", source=GrantSource.ANNUAL, valid_from=date(2026, 2, 1)
    )

    event = customer_transfer_ownership(
        customer=customer, new_name=" 李四 ", new_id_number=NEW_ID, actor=supervisor
    )

    customer.refresh_from_db()
    assert (customer.name, customer.id_number) == ("李四", NEW_ID)
    assert customer.birth_date == date(1990, 3, 7)  # the new holder's, from the ID number
    assert customer.joined_on == date(2015, 3, 15)  # tenure stays (CUST-3)
    assert customer.bills.count() == 1
    assert customer.status_changes.count() == 1
    assert LevelGrant.objects.get(pk=grant.pk).valid_until is None
    assert event.kind == CustomerEvent.Kind.OWNERSHIP_TRANSFER
    assert event.actor == supervisor
    # CUST-8 (D-CUST-6): the audit record keeps masked values only.
    assert event.before == {"name": "张*", "id_number": "3201**********1238"}
    assert event.after == {"name": "李*", "id_number": "1101**********8828"}
    assert [s["event"] for s in moved_signals] == [event]
    assert moved_signals[0]["customer"].pk == customer.pk
    assert moved_signals[0]["actor"] == supervisor
    # The full previous values remain in the customer's history table (supervisors only).
    assert customer.history.filter(name="张三", id_number=OLD_ID).exists()


def test_cust_6_transfer_accepts_an_id_number_ending_in_x_typed_in_lower_case(
    clerk: Any,
) -> None:
    customer = CustomerFactory.create()
    customer_transfer_ownership(
        customer=customer, new_name="王五", new_id_number=NEW_ID_X.lower(), actor=clerk
    )
    customer.refresh_from_db()
    assert customer.id_number == NEW_ID_X
    assert customer.birth_date == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("name", "id_number", "message"),
    [
        ("", NEW_ID, "name"),
        ("李四", "11010519900307882", "18 characters"),  # 17 characters
        ("李四", "110105199003078827", "does not check out"),  # wrong check digit
        ("李四", "110105199013078821", "not a date"),  # month 13 (check digit right)
        ("张三", OLD_ID, "current holder"),
    ],
)
def test_cust_6_transfer_refuses_bad_input_and_changes_nothing(
    clerk: Any, name: str, id_number: str, message: str
) -> None:
    customer = CustomerFactory.create(name="张三", id_number=OLD_ID)
    before = snapshot(customer)
    with pytest.raises(DomainError, match=message):
        customer_transfer_ownership(
            customer=customer, new_name=name, new_id_number=id_number, actor=clerk
        )
    assert snapshot(customer) == before
    assert not CustomerEvent.objects.exists()


def test_cust_6_a_cancelled_line_cannot_be_transferred(clerk: Any) -> None:
    customer = CustomerFactory.create(status=Status.CANCELLED)
    with pytest.raises(DomainError, match="cancelled"):
        customer_transfer_ownership(
            customer=customer, new_name="李四", new_id_number=NEW_ID, actor=clerk
        )
    assert not CustomerEvent.objects.exists()


def test_cust_8_a_transfer_never_writes_names_or_id_numbers_to_the_logs(
    clerk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    customer = CustomerFactory.create(name="张三丰", id_number=OLD_ID)
    with caplog.at_level(logging.DEBUG):
        customer_transfer_ownership(
            customer=customer, new_name="李四光", new_id_number=NEW_ID, actor=clerk
        )
    assert "ownership transfer" in caplog.text
    for secret in ("张三丰", "李四光", OLD_ID, NEW_ID):
        assert secret not in caplog.text


# --- CUST-6 number change -------------------------------------------------------------------


def test_cust_6_number_change_moves_the_same_line_to_the_new_number(
    clerk: Any, moved_signals: list[dict[str, Any]]
) -> None:
    customer = CustomerFactory.create(msisdn="13900000001", joined_on=date(2012, 2, 29))
    BillFactory.create(customer=customer, total=Decimal("88.00"))
    grant = grant_create(
        customer=customer, level="silver", source=GrantSource.ANNUAL, valid_from=date(2026, 2, 1)
    )

    event = customer_change_number(customer=customer, new_msisdn="+86 139 0000 0002", actor=clerk)

    moved = Customer.objects.get(msisdn="13900000002")
    assert moved.pk == customer.pk
    assert moved.joined_on == date(2012, 2, 29)
    assert moved.bills.get().total == Decimal("88.00")
    assert LevelGrant.objects.get(pk=grant.pk).customer_id == moved.pk
    assert not Customer.objects.filter(msisdn="13900000001").exists()
    assert (event.before, event.after) == ({"msisdn": "13900000001"}, {"msisdn": "13900000002"})
    assert event.kind == CustomerEvent.Kind.NUMBER_CHANGE
    assert moved_signals[0]["event"] == event


@pytest.mark.parametrize(
    ("new_msisdn", "message"),
    [
        ("12900000002", "13–19"),  # CUST-1 (the message is translated)  # CUST-1
        ("1390000000", "13–19"),  # CUST-1 (the message is translated)
        ("13900000001", "already has the number"),
        ("13900000009", "belongs to another line"),
    ],
)
def test_cust_6_number_change_refuses_an_invalid_same_or_taken_number(
    clerk: Any, new_msisdn: str, message: str
) -> None:
    customer = CustomerFactory.create(msisdn="13900000001")
    CustomerFactory.create(msisdn="13900000009")
    with pytest.raises(DomainError, match=message):
        customer_change_number(customer=customer, new_msisdn=new_msisdn, actor=clerk)
    customer.refresh_from_db()
    assert customer.msisdn == "13900000001"
    assert not CustomerEvent.objects.exists()


# --- CUST-7 cross-region move, TIER-8 and TIER-9 -------------------------------------------


@pytest.mark.parametrize(
    ("on", "year_end"),
    [
        (date(2026, 11, 25), date(2027, 1, 31)),
        (date(2026, 2, 1), date(2027, 1, 31)),  # the first day of a rating year
        (date(2027, 1, 31), date(2027, 1, 31)),  # its last day
        (date(2027, 1, 10), date(2027, 1, 31)),  # January: this 31 January (D-TIER-8)
        (date(2026, 12, 31), date(2027, 1, 31)),
    ],
)
def test_tier_8_the_rating_year_ends_on_the_next_31_january(on: date, year_end: date) -> None:
    assert rating_year_end(on) == year_end


def _gold_annual(customer: Customer) -> LevelGrant:
    return grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )


def test_cust_7_a_move_keeps_the_row_join_date_and_history(
    supervisor: Any, moved_signals: list[dict[str, Any]]
) -> None:
    customer = CustomerFactory.create(msisdn="13900000001", joined_on=date(2010, 5, 4), city="苏州")
    BillFactory.create(customer=customer)

    event = customer_move_region(
        customer=customer,
        new_msisdn="13800000001",
        province="广东",
        city="广州",
        actor=supervisor,
        on=date(2026, 11, 25),
    )

    moved = Customer.objects.get(pk=customer.pk)
    assert (moved.msisdn, moved.province, moved.city) == ("13800000001", "广东", "广州")
    assert moved.joined_on == date(2010, 5, 4)
    assert moved.brand == Brand.GOTONE
    assert moved.bills.count() == 1
    assert event.kind == CustomerEvent.Kind.REGION_MOVE
    assert event.before["msisdn"] == "13900000001"
    assert event.after["retained_level"] is None  # no level, nothing retained
    assert not LevelGrant.objects.filter(source=GrantSource.RETAINED).exists()
    assert moved_signals[0]["event"] == event
    assert moved_signals[0]["actor"] == supervisor


@pytest.mark.parametrize(
    ("on", "until"),
    [
        (date(2026, 11, 25), date(2027, 1, 31)),
        (date(2027, 1, 20), date(2027, 1, 31)),  # a January move: this 31 January
    ],
)
def test_tier_8_the_current_level_is_retained_until_the_end_of_the_rating_year(
    supervisor: Any, on: date, until: date
) -> None:
    customer = CustomerFactory.create()
    _gold_annual(customer)

    event = customer_move_region(
        customer=customer,
        new_msisdn=customer.msisdn,  # keeping the number is allowed
        province="广东",
        city="广州",
        actor=supervisor,
        on=on,
    )

    retained = LevelGrant.objects.get(source=GrantSource.RETAINED)
    assert (retained.level, retained.valid_from, retained.valid_until) == ("gold", on, until)
    assert retained.cause_id == event.pk
    assert retained.created_by == supervisor
    assert retained.limited is False
    assert "TIER-8" in retained.reason
    assert event.after["retained_level"] == "gold"
    assert event.after["retained_grant"] == retained.pk
    assert effective_level(customer, until) == "gold"
    assert effective_level(customer, until + timedelta(days=1)) is None


def test_tier_8_a_limited_upgrade_is_retained_as_limited(supervisor: Any) -> None:
    customer = CustomerFactory.create()
    grant_create(
        customer=customer,
        level="platinum",
        source=GrantSource.UPGRADE,
        valid_from=date(2026, 3, 1),
        limited=True,
    )
    customer_move_region(
        customer=customer,
        new_msisdn="13800000002",
        province="江苏",
        city="南京",
        actor=supervisor,
        on=date(2026, 11, 25),
    )
    retained = LevelGrant.objects.get(source=GrantSource.RETAINED)
    assert (retained.level, retained.limited) == ("platinum", True)


def test_tier_9_a_move_away_from_gotone_ends_annual_and_plan_grants_and_retains_the_rest(
    supervisor: Any,
) -> None:
    on = date(2026, 11, 25)
    customer = CustomerFactory.create(brand=Brand.GOTONE)
    annual = _gold_annual(customer)
    plan = grant_create(
        customer=customer, level="gold", source=GrantSource.PLAN, valid_from=date(2026, 6, 1)
    )
    key_person = grant_create(
        customer=customer,
        level="silver",
        source=GrantSource.KEY_PERSON,
        valid_from=date(2026, 1, 1),
    )

    customer_move_region(
        customer=customer,
        new_msisdn="13800000003",
        province="广东",
        city="深圳",
        brand=Brand.MZONE,
        actor=supervisor,
        on=on,
    )

    customer.refresh_from_db()
    assert customer.brand == Brand.MZONE
    for grant in (annual, plan):
        grant.refresh_from_db()
        assert grant.valid_until == on - timedelta(days=1)
        assert "TIER-9" in grant.end_reason
    key_person.refresh_from_db()
    assert key_person.valid_until is None
    retained = LevelGrant.objects.get(source=GrantSource.RETAINED)
    assert (retained.level, retained.valid_until) == ("silver", date(2027, 1, 31))
    assert effective_level(customer, on) == "silver"


def test_tier_9_leaving_gotone_with_only_an_annual_level_keeps_no_level(
    supervisor: Any,
) -> None:
    on = date(2026, 11, 25)
    customer = CustomerFactory.create(brand=Brand.GOTONE)
    _gold_annual(customer)
    event = customer_move_region(
        customer=customer,
        new_msisdn="13800000004",
        province="广东",
        city="深圳",
        brand=Brand.EASYOWN,
        actor=supervisor,
        on=on,
    )
    assert event.after["retained_level"] is None
    assert not LevelGrant.objects.filter(source=GrantSource.RETAINED).exists()
    assert effective_level(customer, on) is None


def test_cust_7_a_move_to_gotone_from_another_brand_ends_nothing(supervisor: Any) -> None:
    customer = CustomerFactory.create(brand=Brand.MZONE)
    grant = grant_create(
        customer=customer, level="guest", source=GrantSource.ANNUAL, valid_from=date(2026, 2, 1)
    )
    customer_move_region(
        customer=customer,
        new_msisdn="13800000005",
        province="广东",
        city="深圳",
        brand=Brand.GOTONE,
        actor=supervisor,
        on=date(2026, 11, 25),
    )
    grant.refresh_from_db()
    assert grant.valid_until is None
    assert Customer.objects.get(pk=customer.pk).brand == Brand.GOTONE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"province": "江苏", "city": "苏州"}, "already in"),
        ({"province": "", "city": "广州"}, "province and city"),
        ({"brand": "unicom"}, "Unknown brand"),
        ({"new_msisdn": "13900000009"}, "belongs to another line"),
        ({"new_msisdn": "1234"}, "13–19"),  # CUST-1 (the message is translated)
    ],
)
def test_cust_7_a_move_refuses_bad_input_and_changes_nothing(
    supervisor: Any, kwargs: dict[str, Any], message: str
) -> None:
    customer = CustomerFactory.create(msisdn="13900000001", province="江苏", city="苏州")
    _gold_annual(customer)
    CustomerFactory.create(msisdn="13900000009")
    before = snapshot(customer)
    arguments: dict[str, Any] = {
        "new_msisdn": "13800000001",
        "province": "广东",
        "city": "广州",
        **kwargs,
    }
    with pytest.raises(DomainError, match=message):
        customer_move_region(customer=customer, actor=supervisor, **arguments)
    assert snapshot(customer) == before
    assert not CustomerEvent.objects.exists()
    assert LevelGrant.objects.count() == 1


def test_cust_7_a_cancelled_line_cannot_move(supervisor: Any) -> None:
    customer = CustomerFactory.create()
    customer_set_status(customer=customer, status=Status.CANCELLED)
    with pytest.raises(DomainError, match="cancelled"):
        customer_move_region(
            customer=customer,
            new_msisdn="13800000001",
            province="广东",
            city="广州",
            actor=supervisor,
        )
    assert StatusChange.objects.count() == 1
    assert not CustomerEvent.objects.exists()


# --- CUST-8 masking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("320102198001011234", "3201**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),  # too short to keep 8 characters and hide anything
        ("", ""),
        (None, ""),
    ],
)
def test_cust_8_mask_id_keeps_the_first_and_last_four(value: str | None, masked: str) -> None:
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("张三", "张*"), ("王小明", "王**"), ("欧阳娜娜", "欧***"), ("张", "*"), ("", ""), (None, "")],
)
def test_cust_8_mask_name_keeps_the_first_character(value: str | None, masked: str) -> None:
    assert mask_name(value) == masked


def test_cust_8_template_filters_mask_unless_revealed() -> None:
    template = Template(
        "{% load masking %}{{ c.name|mask_name }} {{ c.id_number|mask_id }} | "
        "{{ c.name|mask_name:revealed }} {{ c.id_number|mask_id:revealed }}"
    )
    customer = CustomerFactory.build(name="张三", id_number=OLD_ID)
    masked = template.render(Context({"c": customer, "revealed": False}))
    assert masked == "张* 3201**********1238 | 张* 3201**********1238"
    shown = template.render(Context({"c": customer, "revealed": True}))
    assert shown == f"张* 3201**********1238 | 张三 {OLD_ID}"


@pytest.mark.parametrize(
    ("persona", "may"),
    [
        ("anonymous", False),
        ("counter_clerk", False),
        ("account_manager", False),
        ("outsider", False),
        ("supervisor", True),
        ("superuser", True),
    ],
)
def test_cust_8_only_supervisors_may_reveal_personal_data(
    personas: dict[str, Any], persona: str, may: bool
) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = personas[persona] or AnonymousUser()
    assert may_reveal_personal_data(user) is may


def test_cust_8_a_reveal_must_be_asked_for_and_is_audited_without_the_data(
    supervisor: Any, clerk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    customer = CustomerFactory.create(name="张三", id_number=OLD_ID)
    factory = RequestFactory()
    plain = factory.get("/")
    plain.user = supervisor
    asked = factory.get("/?reveal=1")
    asked.user = supervisor
    asked_by_clerk = factory.get("/?reveal=1")
    asked_by_clerk.user = clerk
    with caplog.at_level(logging.INFO, logger="membership.audit"):
        assert personal_data_revealed(plain, customer) is False
        assert personal_data_revealed(asked_by_clerk, customer) is False
        assert personal_data_revealed(asked, customer) is True
    assert caplog.text.count("personal data revealed") == 1
    assert customer.msisdn in caplog.text
    assert "张三" not in caplog.text
    assert OLD_ID not in caplog.text
