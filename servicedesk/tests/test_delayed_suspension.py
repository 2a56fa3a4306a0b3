"""SERVICE-10 delayed suspension 延迟停机 and SERVICE-11 credit reactivation 信用开机."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from membership.models import Customer
from servicedesk.models import Privilege, ServiceRequest
from servicedesk.selectors.holidays import (
    arrears_suspension_allowed,
    customers_protected_on,
    no_suspension_list,
)
from servicedesk.services.requests import service_request_create, service_request_set_status
from servicedesk.tests.conftest import (
    ON,
    give_level,
    make_customer,
    put_on_snapshot,
    rate_stars,
    spend,
    suspend_for_arrears,
)

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 10:00")]


@pytest.fixture(autouse=True)
def exports(settings: Any, tmp_path: Path) -> Path:
    settings.EXPORT_ROOT = tmp_path / "exports"
    return Path(settings.EXPORT_ROOT)


def delay(customer: Customer, actor: Any, *, on: date = ON) -> ServiceRequest:
    return service_request_create(customer=customer, kind="delayed_suspension", actor=actor, on=on)


def vip() -> Customer:
    customer = make_customer(brand="gotone")
    give_level(customer, "silver")
    return customer


# SERVICE-10


def test_service_10_vip_snapshot_and_50_yuan_customers_get_a_delayed_suspension(
    clerk: Any,
) -> None:
    snapshot = make_customer(brand="mzone")
    put_on_snapshot(snapshot)
    spender = make_customer(brand="easyown")
    spend(spender, "50.00")
    for customer, privilege in ((vip(), "level"), (snapshot, "segment"), (spender, "segment")):
        request = delay(customer, clerk)
        assert request.status == "open", request.refusal_reason
        assert (request.days, request.valid_from, request.valid_until) == (
            7,
            ON,
            date(2026, 3, 24),
        )
        assert request.privilege == privilege
        assert request.reservation == "reserved"


def test_service_10_gotone_alone_and_the_mass_market_are_refused_with_the_reason(
    clerk: Any,
) -> None:
    gotone = make_customer(brand="gotone")
    mass = make_customer(brand="easyown")
    spend(mass, "49.99")
    limited = make_customer(brand="gotone")
    give_level(limited, "gold", limited=True)  # TIER-7: not VIP for this privilege
    for customer in (gotone, mass, limited):
        refused = delay(customer, clerk)
        assert (refused.status, refused.refusal_code) == (
            "refused",
            "no_delayed_suspension_privilege",
        )
        assert "VIP customers, snapshot mid-high-end customers" in refused.refusal_reason


def test_service_10_a_line_already_suspended_is_refused(clerk: Any) -> None:
    customer = vip()
    suspend_for_arrears(customer, "2026-03-17 09:00")
    refused = delay(customer, clerk)
    assert (refused.status, refused.refusal_code) == ("refused", "already_suspended")
    assert "already suspended" in refused.refusal_reason


def test_service_10_one_at_a_time_and_once_a_month_by_default(clerk: Any) -> None:
    customer = vip()
    first = delay(customer, clerk)
    running = delay(customer, clerk)
    assert running.refusal_code == "delayed_suspension_running"
    later = delay(customer, clerk, on=date(2026, 3, 27))  # the first is over, same month
    assert later.refusal_code == "quota_used"
    next_month = delay(customer, clerk, on=date(2026, 4, 2))
    assert next_month.status == "open"
    assert first.status == "open"


@override_settings(GOTONE={"DELAYED_SUSPENSION_DAYS": 3, "DELAYED_SUSPENSION_TIMES_PER_MONTH": 2})
def test_service_10_days_and_times_a_month_are_settings(clerk: Any) -> None:
    customer = vip()
    first = delay(customer, clerk)
    assert (first.days, first.valid_until) == (3, date(2026, 3, 20))
    assert delay(customer, clerk, on=date(2026, 3, 25)).status == "open"


def test_service_10_cancelling_gives_the_protection_and_the_unit_back(clerk: Any) -> None:
    customer = vip()
    request = delay(customer, clerk)
    assert not arrears_suspension_allowed(customer, ON)
    service_request_set_status(request=request, status="cancelled", actor=clerk)
    assert arrears_suspension_allowed(customer, ON)
    assert delay(customer, clerk).status == "open"


def test_service_10_the_line_is_protected_until_the_date_and_not_after(clerk: Any) -> None:
    customer = vip()
    other = vip()
    done = delay(customer, clerk)
    service_request_set_status(request=done, status="done", actor=clerk)
    for day, allowed in (
        (date(2026, 3, 18), False),
        (date(2026, 3, 24), False),
        (date(2026, 3, 25), True),
    ):
        assert arrears_suspension_allowed(customer, day) is allowed
    assert arrears_suspension_allowed(other, ON)
    assert set(customers_protected_on(ON)) == {customer}


@pytest.mark.now("2026-09-29 10:00")
def test_service_10_the_one_selector_answers_for_holidays_and_delays_together(
    clerk: Any,
) -> None:
    """SERVICE-10 with SERVICE-5: one list for billing, holidays and delays together."""
    plain = make_customer(brand="easyown", msisdn="13900000001")
    delayed = vip()
    delayed.msisdn = "13900000002"
    delayed.save()
    opted = vip()
    opted.msisdn = "13900000003"
    opted.save()
    for customer in (delayed, opted):
        assert delay(customer, clerk, on=date(2026, 9, 29)).status == "open"  # until 10-05
    opt_out = service_request_create(
        customer=opted, kind="holiday_opt_out", actor=clerk, data={"year": 2026}
    )
    service_request_set_status(request=opt_out, status="done", actor=clerk)
    # The calendar's National Day days of 2026 start with 1-3 October (4 October, a
    # Sunday, is not one of them): "until" is the last day of that unbroken run.
    national_day = date(2026, 10, 1)
    rows = {
        row["msisdn"]: (row["reason"], row["until"])
        for row in no_suspension_list(national_day).values("msisdn", "reason", "until")
    }
    assert rows == {
        "13900000001": ("holiday", date(2026, 10, 3)),
        "13900000002": ("delayed_suspension", date(2026, 10, 5)),  # the delay lasts longer
        "13900000003": ("delayed_suspension", date(2026, 10, 5)),  # opted out of holidays
    }
    settings_days = {
        row["msisdn"]: row["reason"]
        for row in no_suspension_list(date(2026, 10, 7)).values("msisdn", "reason")
    }
    assert settings_days == {  # the delays are over: the holiday only, not for the opted out
        "13900000001": "holiday",
        "13900000002": "holiday",
    }
    assert set(customers_protected_on(national_day)) == {plain, delayed, opted}
    working_day = date(2026, 9, 30)
    assert set(customers_protected_on(working_day)) == {delayed, opted}


def test_service_10_billing_gets_the_days_no_suspension_list_as_csv(
    clerk: Any, exports: Path
) -> None:
    customer = vip()
    delay(customer, clerk)
    make_customer(brand="easyown")
    out = StringIO()
    call_command("export_no_suspension", "--date", "2026-03-18", stdout=out)
    call_command("export_no_suspension", "--date", "2026-03-18", stdout=out)  # twice: same
    assert (
        out.getvalue().splitlines()
        == [
            "no-suspension list 2026-03-18: 1 lines (0 holiday, 1 delayed suspension) in "
            "no_suspension_2026-03-18.csv"
        ]
        * 2
    )
    with (exports / "no_suspension_2026-03-18.csv").open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [
            ["msisdn", "reason", "until"],
            [customer.msisdn, "delayed_suspension", "2026-03-24"],
        ]


def test_service_10_the_api_registers_a_delayed_suspension(clerk: Any) -> None:
    customer = vip()
    client = Client()
    client.force_login(clerk)
    answer = client.post(
        reverse("api:service-request-list"),
        {"msisdn": customer.msisdn, "kind": "delayed_suspension"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["kind"], body["valid_until"], body["days"]) == (
        "delayed_suspension",
        "2026-03-24",
        7,
    )
    refused = client.post(
        reverse("api:service-request-list"),
        {"msisdn": make_customer(brand="easyown").msisdn, "kind": "delayed_suspension"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "no_delayed_suspension_privilege"


def test_service_10_the_desk_registers_it_and_the_card_shows_it(clerk: Any) -> None:
    customer = vip()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    url = reverse(
        "servicedesk:request_create",
        kwargs={"msisdn": customer.msisdn, "kind": "delayed_suspension"},
    )
    assert (
        "Not suspended for arrears from 2026-03-18 to 2026-03-24"
        in client.get(url).content.decode()
    )
    assert client.post(url, {"note": ""}).status_code == 302
    card = client.get(reverse("servicedesk:desk_card", kwargs={"msisdn": customer.msisdn}))
    assert "not suspended for arrears until 2026-03-24" in card.content.decode()


# SERVICE-11


def reactivate(customer: Customer, actor: Any) -> ServiceRequest:
    return service_request_create(
        customer=customer,
        kind="emergency_reactivation",
        actor=actor,
        data={"arrears_month": date(2026, 3, 1)},
    )


def test_service_11_no_credit_reactivation_while_its_hours_are_not_set(clerk: Any) -> None:
    customer = make_customer(brand="easyown", status="suspended", suspension_reason="arrears")
    rate_stars(customer, 5)
    refused = reactivate(customer, clerk)
    assert (refused.status, refused.refusal_code, refused.privilege) == (
        "refused",
        "no_reactivation_privilege",
        "",
    )


@override_settings(GOTONE={"REACTIVATION_CREDIT_HOURS": {5: 48}})
def test_service_11_with_hours_set_a_five_star_mass_market_line_gets_the_credit_reactivation(
    clerk: Any,
) -> None:
    customer = make_customer(brand="easyown", status="suspended", suspension_reason="arrears")
    rate_stars(customer, 5)
    request = reactivate(customer, clerk)
    assert (request.status, request.hours, request.privilege) == ("open", 48, Privilege.CREDIT)


@override_settings(GOTONE={"REACTIVATION_CREDIT_HOURS": {5: 48}})
@pytest.mark.parametrize(
    ("level", "hours", "privilege"), [("gold", 72, "level"), ("silver", 48, "level")]
)
def test_service_11_the_credit_reactivation_does_not_stack_with_a_level_privilege(
    clerk: Any, level: str, hours: int, privilege: str
) -> None:
    customer = make_customer(brand="gotone")
    give_level(customer, level)
    rate_stars(customer, 5)
    suspend_for_arrears(customer, "2026-03-17 09:00")
    first = reactivate(customer, clerk)
    assert (first.hours, first.privilege) == (hours, privilege)  # the best single one
    service_request_set_status(request=first, status="done", actor=clerk)
    again = reactivate(customer, clerk)
    assert again.refusal_code == "reactivation_used_this_suspension"
    assert ServiceRequest.objects.filter(kind="emergency_reactivation", status="done").count() == 1
