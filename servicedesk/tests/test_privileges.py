"""SERVICE-3 emergency reactivation, SERVICE-4 late-fee waiver, SERVICE-5 holiday opt-out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import override_settings

from conftest import instant
from core import clock
from core.errors import DomainError
from membership.models import Customer
from servicedesk.models import Privilege, RequestStatus, ServiceRequest
from servicedesk.selectors.checks import reactivation_options
from servicedesk.selectors.holidays import (
    arrears_suspension_allowed,
    customers_protected_on,
    festival_days,
    festival_first_days,
    holiday_periods,
)
from servicedesk.selectors.standing import customer_standing
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

pytestmark = pytest.mark.django_db

ON_DT = datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def suspended(brand: str = "gotone") -> Customer:
    return make_customer(brand=brand, status="suspended", suspension_reason="arrears")


def reactivate(customer: Customer, actor: Any, arrears: date, *, on: date = ON) -> ServiceRequest:
    return service_request_create(
        customer=customer,
        kind="emergency_reactivation",
        actor=actor,
        data={"arrears_month": arrears},
        on=on,
    )


def reactivate_at(customer: Customer, actor: Any, when: str) -> ServiceRequest:
    """A reactivation asked at ``when`` (Asia/Shanghai) for arrears of that month."""
    with time_machine.travel(instant(when), tick=False):
        today = clock.today()
        return reactivate(customer, actor, today.replace(day=1), on=today)


def done(request: ServiceRequest, actor: Any) -> ServiceRequest:
    return service_request_set_status(request=request, status=RequestStatus.DONE, actor=actor)


# D-DESK-13: the source gives no credit-star hours; an operator may configure them.
CREDIT_CONFIGURED = override_settings(GOTONE={"REACTIVATION_CREDIT_HOURS": {5: 72, 4: 48, 3: 24}})


# SERVICE-3


@pytest.mark.parametrize(
    ("arrears", "accepted"),
    [
        (date(2026, 3, 1), True),  # N: the current month
        (date(2026, 2, 1), True),  # N-1
        (date(2026, 1, 1), False),  # N-2: too old
        (date(2025, 12, 1), False),
    ],
)
def test_service_3_only_arrears_of_the_current_or_previous_month(
    clerk: Any, arrears: date, accepted: bool
) -> None:
    customer = suspended()
    give_level(customer, "gold")
    request = reactivate(customer, clerk, arrears)
    assert (request.status == RequestStatus.OPEN) is accepted
    if not accepted:
        assert "current or the previous month" in request.refusal_reason
        assert request.hours is None


def test_service_3_arrears_in_a_future_month_are_refused(clerk: Any) -> None:
    customer = suspended()
    give_level(customer, "gold")
    assert reactivate(customer, clerk, date(2026, 4, 1)).status == RequestStatus.REFUSED


def test_service_3_a_line_not_suspended_for_arrears_is_refused(clerk: Any) -> None:
    active = make_customer(brand="gotone")
    give_level(active, "diamond")
    requested = make_customer(brand="gotone", status="suspended", suspension_reason="requested")
    give_level(requested, "diamond")
    for customer in (active, requested):
        refused = reactivate(customer, clerk, date(2026, 3, 1))
        assert refused.status == RequestStatus.REFUSED
        assert "not suspended for arrears" in refused.refusal_reason


@pytest.mark.parametrize(
    ("level", "hours"), [("diamond", 72), ("platinum", 72), ("gold", 72), ("silver", 48)]
)
def test_service_3_level_privilege_hours_of_gotone_levels(
    clerk: Any, level: str, hours: int
) -> None:
    customer = suspended()
    give_level(customer, level)
    request = reactivate(customer, clerk, date(2026, 3, 1))
    assert (request.status, request.hours, request.privilege) == ("open", hours, Privilege.LEVEL)
    assert request.reservation == "none"


def test_service_3_a_level_on_another_brand_gives_only_the_segment_privilege(clerk: Any) -> None:
    customer = suspended(brand="mzone")
    give_level(customer, "diamond")
    request = reactivate(customer, clerk, date(2026, 3, 1))
    assert (request.hours, request.privilege) == (24, Privilege.SEGMENT)


def _three_times_then_refused(customer: Customer, clerk: Any, times: int) -> None:
    """``times`` arrears suspensions in March, each reactivated once (one reactivation for
    one suspension), then one more suspension the segment's monthly count refuses."""
    for day in range(1, times + 1):
        suspend_for_arrears(customer, f"2026-03-{day:02d} 09:00")
        request = done(reactivate_at(customer, clerk, f"2026-03-{day:02d} 10:00"), clerk)
        assert (request.status, request.hours, request.privilege) == ("done", 24, "segment")
    suspend_for_arrears(customer, "2026-03-10 09:00")
    over = reactivate_at(customer, clerk, "2026-03-10 10:00")
    assert over.status == RequestStatus.REFUSED
    assert "0 of" in over.refusal_reason


def test_service_3_snapshot_mid_high_end_three_times_a_month_24_hours_each(clerk: Any) -> None:
    customer = suspended(brand="mzone")
    put_on_snapshot(customer)
    _three_times_then_refused(customer, clerk, 3)


def test_service_3_vip_without_a_gotone_level_three_times_a_month(clerk: Any) -> None:
    customer = suspended(brand="easyown")
    give_level(customer, "guest")
    _three_times_then_refused(customer, clerk, 3)


def test_service_3_gotone_without_level_once_a_month(clerk: Any) -> None:
    customer = suspended(brand="gotone")
    _three_times_then_refused(customer, clerk, 1)


def test_service_3_a_50_yuan_customer_once_a_month(clerk: Any) -> None:
    customer = suspended(brand="mzone")
    spend(customer, "50.00")
    _three_times_then_refused(customer, clerk, 1)


def test_service_3_the_segment_count_starts_again_next_month(clerk: Any) -> None:
    customer = make_customer(brand="gotone")
    suspend_for_arrears(customer, "2026-03-18 09:00")
    done(reactivate_at(customer, clerk, "2026-03-18 10:00"), clerk)
    suspend_for_arrears(customer, "2026-03-25 09:00")
    assert reactivate_at(customer, clerk, "2026-03-25 10:00").status == "refused"
    suspend_for_arrears(customer, "2026-04-02 09:00")
    assert reactivate_at(customer, clerk, "2026-04-02 10:00").status == "open"


def test_service_3_cancelling_returns_the_segment_reactivation(clerk: Any) -> None:
    customer = suspended(brand="gotone")
    first = reactivate(customer, clerk, date(2026, 3, 1))
    service_request_set_status(request=first, status="cancelled", actor=clerk)
    assert reactivate(customer, clerk, date(2026, 3, 1)).status == "open"


def test_service_3_mass_market_without_stars_has_no_privilege(clerk: Any) -> None:
    customer = suspended(brand="easyown")
    refused = reactivate(customer, clerk, date(2026, 3, 1))
    assert refused.status == "refused"
    assert "no emergency reactivation privilege" in refused.refusal_reason


@CREDIT_CONFIGURED
@pytest.mark.parametrize(("stars", "hours"), [(5, 72), (4, 48), (3, 24)])
def test_service_3_credit_star_privilege_hours_by_stars(clerk: Any, stars: int, hours: int) -> None:
    customer = suspended(brand="easyown")
    rate_stars(customer, stars)
    request = reactivate(customer, clerk, date(2026, 3, 1))
    assert (request.status, request.hours, request.privilege) == ("open", hours, Privilege.CREDIT)


@CREDIT_CONFIGURED
@pytest.mark.parametrize("stars", [0, 1, 2])
def test_service_3_two_stars_or_fewer_give_no_credit_privilege(clerk: Any, stars: int) -> None:
    customer = suspended(brand="easyown")
    rate_stars(customer, stars)
    assert reactivate(customer, clerk, date(2026, 3, 1)).status == "refused"


@CREDIT_CONFIGURED
@pytest.mark.parametrize(
    ("level", "stars", "hours", "privilege"),
    [
        ("silver", 5, 72, "credit"),  # credit 72 beats level 48
        ("silver", 3, 48, "level"),  # level 48 beats credit 24 and segment 24
        ("gold", 5, 72, "level"),  # a tie: the level one (uncounted) applies
        ("guest", 4, 48, "credit"),  # credit 48 beats the VIP segment 24
        ("guest", None, 24, "segment"),
    ],
)
def test_service_3_the_best_single_privilege_applies_and_they_do_not_stack(
    clerk: Any, level: str, stars: int | None, hours: int, privilege: str
) -> None:
    customer = suspended(brand="gotone")
    give_level(customer, level)
    if stars is not None:
        rate_stars(customer, stars)
    request = reactivate(customer, clerk, date(2026, 3, 1))
    assert (request.hours, request.privilege) == (hours, privilege)
    assert (request.reservation == "reserved") is (privilege == "segment")


def test_service_3_one_open_reactivation_at_a_time(clerk: Any) -> None:
    customer = suspended()
    give_level(customer, "gold")
    first = reactivate(customer, clerk, date(2026, 3, 1))
    second = reactivate(customer, clerk, date(2026, 3, 1))
    assert second.status == "refused"
    assert "already open" in second.refusal_reason
    service_request_set_status(request=first, status="cancelled", actor=clerk)
    assert reactivate(customer, clerk, date(2026, 3, 1)).status == "open"


def test_service_3_the_database_refuses_two_open_reactivations() -> None:
    customer = suspended()
    ServiceRequest.objects.create(
        customer=customer, kind="emergency_reactivation", status="open", created_at=ON_DT
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRequest.objects.create(
            customer=customer, kind="emergency_reactivation", status="in_progress", created_at=ON_DT
        )


@pytest.mark.now("2026-03-18 10:00")
def test_service_3_a_gold_line_gets_one_72_hour_reactivation_per_arrears_suspension(
    clerk: Any,
) -> None:
    customer = make_customer(brand="gotone")
    give_level(customer, "gold")
    suspend_for_arrears(customer, "2026-03-02 09:00")

    first = reactivate_at(customer, clerk, "2026-03-02 10:00")
    assert (first.status, first.hours, first.privilege) == ("open", 72, Privilege.LEVEL)
    done(first, clerk)

    # Same suspension: refused, and the gotone segment's 24 h (1 a month, unused) does not
    # take over: privileges do not add up.
    again = reactivate_at(customer, clerk, "2026-03-05 10:00")
    assert (again.status, again.refusal_code) == ("refused", "reactivation_used_this_suspension")
    assert (again.hours, again.privilege) == (None, "")
    assert "already reactivated in this arrears suspension" in again.refusal_reason

    # A new arrears suspension opens a new allowance.
    suspend_for_arrears(customer, "2026-03-10 09:00")
    third = reactivate_at(customer, clerk, "2026-03-10 10:00")
    assert (third.status, third.hours, third.privilege) == ("open", 72, Privilege.LEVEL)


@pytest.mark.now("2026-03-18 10:00")
def test_service_3_a_refused_or_cancelled_reactivation_gives_the_suspension_allowance_back(
    clerk: Any,
) -> None:
    customer = make_customer(brand="gotone")
    give_level(customer, "silver")
    suspend_for_arrears(customer, "2026-03-02 09:00")
    first = reactivate_at(customer, clerk, "2026-03-02 10:00")
    service_request_set_status(request=first, status="refused", actor=clerk, note="paid")
    second = reactivate_at(customer, clerk, "2026-03-02 11:00")
    assert (second.status, second.hours, second.privilege) == ("open", 48, Privilege.LEVEL)
    service_request_set_status(request=second, status="cancelled", actor=clerk)
    assert reactivate_at(customer, clerk, "2026-03-02 12:00").status == "open"


@override_settings(GOTONE={"REACTIVATION_TIMES_PER_SUSPENSION": 2})
@pytest.mark.now("2026-03-18 10:00")
def test_service_3_the_level_times_per_suspension_is_a_setting(clerk: Any) -> None:
    customer = make_customer(brand="gotone")
    give_level(customer, "diamond")
    suspend_for_arrears(customer, "2026-03-02 09:00")
    for when in ("2026-03-02 10:00", "2026-03-05 10:00"):
        done(reactivate_at(customer, clerk, when), clerk)
    third = reactivate_at(customer, clerk, "2026-03-08 10:00")
    assert third.refusal_code == "reactivation_used_this_suspension"


@pytest.mark.parametrize("stars", [5, 4, 3])
def test_service_3_credit_stars_give_no_reactivation_by_default(clerk: Any, stars: int) -> None:
    customer = suspended(brand="easyown")  # a mass-market 神州行 line
    rate_stars(customer, stars)
    refused = reactivate(customer, clerk, date(2026, 3, 1))
    assert (refused.status, refused.refusal_code) == ("refused", "no_reactivation_privilege")
    assert "mass market" in refused.refusal_reason
    assert (refused.hours, refused.privilege) == (None, "")


def test_service_3_a_mass_market_line_is_refused_with_a_clear_message(clerk: Any) -> None:
    customer = suspended(brand="mzone")
    spend(customer, "49.99")
    refused = reactivate(customer, clerk, date(2026, 3, 1))
    assert (refused.status, refused.refusal_code) == ("refused", "no_reactivation_privilege")
    assert refused.refusal_reason.startswith("The customer is in the mass market")
    assert not ServiceRequest.objects.filter(status="open").exists()


@CREDIT_CONFIGURED
@pytest.mark.now("2026-03-18 10:00")
@pytest.mark.parametrize(
    ("level", "hours", "privilege"), [("gold", 72, "level"), ("silver", 72, "credit")]
)
def test_service_3_configured_credit_stars_give_hours_but_not_on_top_of_the_level_one(
    clerk: Any, level: str, hours: int, privilege: str
) -> None:
    customer = make_customer(brand="gotone")
    give_level(customer, level)
    rate_stars(customer, 5)
    suspend_for_arrears(customer, "2026-03-02 09:00")

    first = done(reactivate_at(customer, clerk, "2026-03-02 10:00"), clerk)
    assert (first.hours, first.privilege) == (hours, privilege)

    again = reactivate_at(customer, clerk, "2026-03-05 10:00")
    assert again.refusal_code == "reactivation_used_this_suspension"


@CREDIT_CONFIGURED
@pytest.mark.now("2026-03-18 10:00")
def test_service_3_configured_credit_stars_obey_the_once_per_suspension_limit(clerk: Any) -> None:
    customer = make_customer(brand="easyown")
    rate_stars(customer, 3)
    suspend_for_arrears(customer, "2026-03-02 09:00")
    first = done(reactivate_at(customer, clerk, "2026-03-02 10:00"), clerk)
    assert (first.hours, first.privilege) == (24, Privilege.CREDIT)
    assert reactivate_at(customer, clerk, "2026-03-03 10:00").status == "refused"
    suspend_for_arrears(customer, "2026-03-09 09:00")
    assert reactivate_at(customer, clerk, "2026-03-09 10:00").status == "open"


@pytest.mark.now("2026-03-18 10:00")
def test_service_3_the_vip_segment_three_a_month_holds_across_suspensions(clerk: Any) -> None:
    customer = make_customer(brand="easyown")
    give_level(customer, "guest")  # VIP, no gotone level privilege
    for day in ("02", "05", "12"):
        suspend_for_arrears(customer, f"2026-03-{day} 09:00")
        request = done(reactivate_at(customer, clerk, f"2026-03-{day} 10:00"), clerk)
        assert (request.hours, request.privilege) == (24, Privilege.SEGMENT)
    suspend_for_arrears(customer, "2026-03-16 09:00")
    fourth = reactivate_at(customer, clerk, "2026-03-16 10:00")
    assert (fourth.status, fourth.refusal_code) == ("refused", "no_reactivation_privilege")
    assert "0 of 3 left this month" in fourth.refusal_reason
    # A new month, a new count (the line is still in the 16 March suspension).
    assert reactivate_at(customer, clerk, "2026-04-01 10:00").status == "open"


def test_service_3_one_reactivation_for_one_arrears_suspension_whatever_the_privilege(
    clerk: Any,
) -> None:
    customer = make_customer(brand="easyown")
    give_level(customer, "guest")  # VIP: 3 segment reactivations a month
    suspend_for_arrears(customer, "2026-03-02 09:00")
    done(reactivate_at(customer, clerk, "2026-03-02 10:00"), clerk)
    second = reactivate_at(customer, clerk, "2026-03-03 10:00")
    assert (second.status, second.refusal_code) == (
        "refused",
        "reactivation_used_this_suspension",
    )


@pytest.mark.now("2026-03-18 10:00")
def test_service_3_the_desk_shows_the_suspension_allowance_used(clerk: Any) -> None:
    customer = make_customer(brand="gotone")
    give_level(customer, "gold")
    suspend_for_arrears(customer, "2026-03-02 09:00")
    done(reactivate_at(customer, clerk, "2026-03-02 10:00"), clerk)
    options = {o.privilege: o for o in reactivation_options(customer_standing(customer, ON))}
    assert not options["level"].available
    assert options["level"].note == "this arrears suspension was reactivated already"
    assert not options["segment"].available
    assert options["segment"].note == "this arrears suspension was reactivated already"


# SERVICE-4


def waiver(customer: Customer, actor: Any, fee: str) -> ServiceRequest:
    return service_request_create(
        customer=customer, kind="late_fee_waiver", actor=actor, data={"late_fee": fee}, on=ON
    )


@pytest.mark.parametrize(
    ("setup", "percent", "amount"),
    [
        ("vip", 100, "40.00"),
        ("snapshot", 80, "32.00"),
        ("gotone", 50, "20.00"),
        ("over_50", 50, "20.00"),
        ("mass_market", 30, "12.00"),
    ],
)
def test_service_4_waiver_rate_for_each_segment(
    clerk: Any, setup: str, percent: int, amount: str
) -> None:
    customer = make_customer(brand="gotone" if setup == "gotone" else "mzone")
    if setup == "vip":
        give_level(customer, "guest")
    elif setup == "snapshot":
        put_on_snapshot(customer)
    elif setup == "over_50":
        spend(customer, "50.00")
    else:
        spend(customer, "49.99")
    request = waiver(customer, clerk, "40.00")
    assert (request.status, request.waiver_percent) == ("open", percent)
    assert request.waived_amount == Decimal(amount)
    assert request.late_fee == Decimal("40.00")


@pytest.mark.parametrize(
    ("level", "snapshot", "brand", "percent"),
    [
        ("gold", True, "gotone", 100),  # VIP beats snapshot and gotone
        (None, True, "gotone", 80),  # snapshot beats gotone
        (None, False, "gotone", 50),  # gotone beats mass market
    ],
)
def test_service_4_the_best_applicable_rate_wins(
    clerk: Any, level: str | None, snapshot: bool, brand: str, percent: int
) -> None:
    customer = make_customer(brand=brand)
    if level:
        give_level(customer, level)
    if snapshot:
        put_on_snapshot(customer, important=True)
    assert waiver(customer, clerk, "10.00").waiver_percent == percent


@pytest.mark.parametrize(
    ("fee", "setup", "amount"),
    [("33.33", "snapshot", "26.66"), ("0.05", "mass_market", "0.02"), ("0.01", "gotone", "0.01")],
)
def test_service_4_the_amount_is_rounded_to_the_fen(
    clerk: Any, fee: str, setup: str, amount: str
) -> None:
    customer = make_customer(brand="gotone" if setup == "gotone" else "easyown")
    if setup == "snapshot":
        put_on_snapshot(customer)
    request = waiver(customer, clerk, fee)
    assert request.waived_amount == Decimal(amount)
    assert str(request.waived_amount) == amount


def test_service_4_a_zero_late_fee_is_refused(clerk: Any) -> None:
    customer = make_customer()
    assert waiver(customer, clerk, "0.00").status == "refused"


# SERVICE-5


def test_service_5_holidays_come_from_the_official_calendar_lunar_ones_included() -> None:
    days = festival_days(2026)
    assert days[date(2026, 1, 1)] == "new_year"
    assert days[date(2026, 2, 17)] == "spring_festival"  # lunar new year
    assert days[date(2026, 6, 19)] == "dragon_boat"  # lunar 5/5
    assert days[date(2026, 9, 25)] == "mid_autumn"  # lunar 8/15
    assert days[date(2026, 10, 7)] == "national_day"  # a day off moved into the holiday
    assert {period["festival"] for period in holiday_periods(2026)} == {
        "new_year",
        "spring_festival",
        "qingming",
        "labour_day",
        "dragon_boat",
        "mid_autumn",
        "national_day",
    }
    assert date(2026, 3, 18) not in days
    assert festival_first_days(2026)["spring_festival"] == date(2026, 2, 17)


def test_service_5_no_arrears_suspension_on_holidays_unless_opted_out(clerk: Any) -> None:
    protected = make_customer()
    opted = make_customer()
    holiday, workday = date(2026, 10, 2), date(2026, 10, 12)
    request = service_request_create(
        customer=opted, kind="holiday_opt_out", actor=clerk, data={"year": 2026}, on=ON
    )
    assert request.status == "open"
    assert not arrears_suspension_allowed(opted, holiday)  # not effective before done
    service_request_set_status(request=request, status="done", actor=clerk)
    assert not arrears_suspension_allowed(protected, holiday)
    assert arrears_suspension_allowed(opted, holiday)
    assert arrears_suspension_allowed(protected, workday)
    assert set(customers_protected_on(holiday)) == {protected}
    assert "National Day" in request.terms or "国庆" in request.terms


def test_service_5_one_opt_out_per_year(clerk: Any) -> None:
    customer = make_customer()
    first = service_request_create(
        customer=customer, kind="holiday_opt_out", actor=clerk, data={"year": 2026}, on=ON
    )
    again = service_request_create(
        customer=customer, kind="holiday_opt_out", actor=clerk, data={"year": 2026}, on=ON
    )
    assert (first.status, again.status) == ("open", "refused")
    next_year = service_request_create(
        customer=customer, kind="holiday_opt_out", actor=clerk, data={"year": 2027}, on=ON
    )
    assert next_year.status == "open"
    far = service_request_create(
        customer=customer, kind="holiday_opt_out", actor=clerk, data={"year": 2029}, on=ON
    )
    assert far.status == "refused"


def test_an_unknown_kind_of_request_is_a_domain_error(clerk: Any) -> None:
    with pytest.raises(DomainError):
        service_request_create(customer=make_customer(), kind="teleport", actor=clerk, on=ON)
    assert not ServiceRequest.objects.exists()


# CUST-5 as the desk reads it


def test_cust_5_segments_come_from_membership_with_vip_meaning_a_full_grant() -> None:
    from servicedesk.selectors.standing import customer_standing

    snapshot_only = make_customer(brand="mzone")
    put_on_snapshot(snapshot_only, important=True)
    limited = make_customer(brand="mzone")
    give_level(limited, "gold", limited=True)
    spender = make_customer(brand="easyown")
    spend(spender, "60.00")
    mass = make_customer(brand="easyown")
    s1, s2, s3, s4 = (
        customer_standing(c, ON).segment for c in (snapshot_only, limited, spender, mass)
    )
    assert (s1.snapshot, s1.vip, s1.mass_market) == ("important", False, False)
    assert (s2.vip, s2.mass_market) == (False, True)  # TIER-7: a limited grant is not VIP here
    assert (s3.over_50, s3.mass_market) == (True, False)
    assert s4.mass_market
