"""SERVICE-2 entitlements and quotas, reserve-then-consume, TIER-7 limited grants."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from core.errors import DomainError
from membership.models import Customer
from servicedesk.models import (
    Benefit,
    Entitlement,
    Privilege,
    RequestKind,
    RequestStatus,
    Reservation,
    ServiceRequest,
    UsageCounter,
)
from servicedesk.selectors.checks import request_check
from servicedesk.selectors.standing import customer_standing
from servicedesk.services.requests import service_request_create, service_request_set_status
from servicedesk.tests.conftest import ON, give_level, make_customer
from tests.db import reload_data_migration

pytestmark = pytest.mark.django_db


def lounge(
    customer: Customer, actor: Any, lounge_type: str, location: str, *, on: date = ON
) -> ServiceRequest:
    return service_request_create(
        customer=customer,
        kind=RequestKind.LOUNGE_VISIT,
        actor=actor,
        data={"lounge_type": lounge_type, "location": location},
        on=on,
    )


def table() -> dict[tuple[str, str, str], Entitlement]:
    return {(e.benefit, e.audience, e.scope): e for e in Entitlement.objects.all()}


def test_service_2_the_migration_seeds_the_source_values_and_defaults() -> None:
    rows = table()
    airport = {
        lvl: rows[("airport_lounge", lvl, sc)]
        for lvl, sc in [
            ("diamond", "national"),
            ("platinum", "national"),
            ("gold", "national"),
            ("silver", "in_province"),
            ("guest", "in_province"),
        ]
    }
    assert {lvl: e.quota for lvl, e in airport.items()} == {
        "diamond": 12,
        "platinum": 9,
        "gold": 6,
        "silver": 2,
        "guest": 1,
    }
    assert all(e.period == "year" for e in airport.values())
    railway = {
        lvl: rows[("railway_lounge", lvl, "in_province")].quota
        for lvl in ("diamond", "platinum", "gold", "silver", "guest")
    }
    assert railway == {"diamond": 12, "platinum": 10, "gold": 8, "silver": 4, "guest": 2}
    out = [lvl for (b, lvl, sc), e in rows.items() if b == "railway_lounge" and sc == "national"]
    assert sorted(out) == ["diamond", "gold", "platinum", "silver"]
    assert all(not rows[("railway_lounge", lvl, "national")].free for lvl in out)
    sim = sorted(lvl for (b, lvl, _sc) in rows if b == "sim_replacement")
    assert sim == ["diamond", "gold", "platinum", "silver"]
    assert all(rows[("sim_replacement", lvl, "national")].quota is None for lvl in sim)
    roaming = {
        lvl: (e.quota, e.period, e.allowance, e.valid_days)
        for (b, lvl, _sc), e in rows.items()
        if b == "roaming_pack"
    }
    assert roaming == {
        "diamond": (1, "year", 10, 90),
        "platinum": (1, "year", 7, 90),
        "gold": (1, "year", 5, 90),
        "silver": (1, "year", 3, 90),
        "guest": (1, "year", 1, 90),
    }
    assert {e.allowance for (b, _l, _s), e in rows.items() if b == "birthday"} == {50}
    assert ("complaint_fast_track", "gotone", "national") in rows
    assert ("anti_harassment", "gotone", "national") in rows


@pytest.mark.parametrize(
    ("level", "quota"), [("diamond", 12), ("platinum", 9), ("gold", 6), ("silver", 2), ("guest", 1)]
)
def test_service_2_airport_lounge_quota_at_its_limit_and_one_over(
    clerk: Any, level: str, quota: int
) -> None:
    customer = make_customer()
    give_level(customer, level)
    accepted = [lounge(customer, clerk, "airport", "in_province") for _ in range(quota)]
    assert {r.status for r in accepted} == {RequestStatus.OPEN}
    one_over = lounge(customer, clerk, "airport", "in_province")
    assert one_over.status == RequestStatus.REFUSED
    assert f"all {quota} of this year are used" in one_over.refusal_reason
    assert one_over.reservation == Reservation.NONE
    counter = UsageCounter.objects.get(customer=customer, benefit=Benefit.AIRPORT_LOUNGE)
    assert (counter.reserved, counter.consumed, counter.quota) == (quota, 0, quota)


@pytest.mark.parametrize(
    ("level", "quota"),
    [("diamond", 12), ("platinum", 10), ("gold", 8), ("silver", 4), ("guest", 2)],
)
def test_service_2_railway_lounge_in_province_quota_at_its_limit_and_one_over(
    clerk: Any, level: str, quota: int
) -> None:
    customer = make_customer()
    give_level(customer, level)
    for _ in range(quota):
        assert lounge(customer, clerk, "railway", "in_province").status == RequestStatus.OPEN
    assert lounge(customer, clerk, "railway", "in_province").status == RequestStatus.REFUSED


@pytest.mark.parametrize("level", ["diamond", "platinum", "gold", "silver"])
def test_service_2_railway_lounge_out_of_province_is_entry_without_a_free_visit(
    clerk: Any, level: str
) -> None:
    customer = make_customer()
    give_level(customer, level)
    visit = lounge(customer, clerk, "railway", "out_of_province")
    assert visit.status == RequestStatus.OPEN
    assert visit.reservation == Reservation.NONE
    assert "without a free visit" in visit.terms
    assert not UsageCounter.objects.filter(customer=customer).exists()


def test_service_2_guest_may_not_use_railway_lounges_out_of_the_province(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "guest")
    visit = lounge(customer, clerk, "railway", "out_of_province")
    assert visit.status == RequestStatus.REFUSED
    assert "home province only" in visit.refusal_reason


@pytest.mark.parametrize("level", ["silver", "guest"])
def test_service_2_in_province_airport_levels_are_refused_out_of_the_province(
    clerk: Any, level: str
) -> None:
    customer = make_customer()
    give_level(customer, level)
    assert lounge(customer, clerk, "airport", "out_of_province").status == RequestStatus.REFUSED


def test_service_2_national_airport_quota_counts_visits_anywhere(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "gold")
    for location in ["in_province", "out_of_province"] * 3:
        assert lounge(customer, clerk, "airport", location).status == RequestStatus.OPEN
    assert lounge(customer, clerk, "airport", "out_of_province").status == RequestStatus.REFUSED


def test_service_2_a_customer_without_level_is_refused_a_lounge_with_the_reason(clerk: Any) -> None:
    customer = make_customer()
    visit = lounge(customer, clerk, "airport", "in_province")
    assert visit.status == RequestStatus.REFUSED
    assert "holds no level" in visit.refusal_reason


def test_service_2_cancelling_returns_the_quota_and_completing_consumes_it(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "guest")  # one airport visit a year
    first = lounge(customer, clerk, "airport", "in_province")
    assert lounge(customer, clerk, "airport", "in_province").status == RequestStatus.REFUSED
    service_request_set_status(request=first, status=RequestStatus.CANCELLED, actor=clerk)
    counter = UsageCounter.objects.get(customer=customer)
    assert (counter.reserved, counter.consumed) == (0, 0)
    second = lounge(customer, clerk, "airport", "in_province")
    assert second.status == RequestStatus.OPEN
    service_request_set_status(request=second, status=RequestStatus.IN_PROGRESS, actor=clerk)
    done = service_request_set_status(request=second, status=RequestStatus.DONE, actor=clerk)
    assert done.reservation == Reservation.CONSUMED
    counter.refresh_from_db()
    assert (counter.reserved, counter.consumed) == (0, 1)
    assert lounge(customer, clerk, "airport", "in_province").status == RequestStatus.REFUSED
    assert [e.to_status for e in done.events.all()] == ["open", "in_progress", "done"]


def test_service_2_refusing_an_open_request_needs_a_reason_and_returns_the_unit(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "guest")
    visit = lounge(customer, clerk, "airport", "in_province")
    with pytest.raises(DomainError, match="why"):
        service_request_set_status(request=visit, status=RequestStatus.REFUSED, actor=clerk)
    refused = service_request_set_status(
        request=visit, status=RequestStatus.REFUSED, actor=clerk, note="no boarding pass"
    )
    assert refused.refusal_reason == "no boarding pass"
    assert refused.reservation == Reservation.RELEASED
    assert UsageCounter.objects.get(customer=customer).reserved == 0


def test_service_2_the_state_machine_refuses_illegal_moves(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "gold")
    visit = lounge(customer, clerk, "airport", "in_province")
    service_request_set_status(request=visit, status=RequestStatus.DONE, actor=clerk)
    for status in (RequestStatus.OPEN, RequestStatus.CANCELLED, RequestStatus.IN_PROGRESS):
        with pytest.raises(DomainError, match="cannot become"):
            service_request_set_status(request=visit, status=status, actor=clerk)
    assert UsageCounter.objects.get(customer=customer).consumed == 1


def test_service_2_the_quota_resets_with_the_next_year(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "guest")
    assert lounge(customer, clerk, "airport", "in_province", on=date(2025, 12, 31)).status == "open"
    assert lounge(customer, clerk, "airport", "in_province", on=date(2026, 1, 1)).status == "open"
    assert UsageCounter.objects.filter(customer=customer).count() == 2


def test_service_2_what_is_left_is_shown_by_the_check_before_submitting(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "silver")
    lounge(customer, clerk, "airport", "in_province")
    check = request_check(
        customer_standing(customer, ON),
        RequestKind.LOUNGE_VISIT,
        {"lounge_type": "airport", "location": "in_province"},
    )
    assert (check.allowed, check.quota, check.used, check.left) == (True, 2, 1, 1)
    assert "0 of 2 left after this one" in check.terms
    assert ServiceRequest.objects.count() == 1  # the check wrote nothing


def test_service_2_a_level_change_applies_the_new_quota_to_what_was_used(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "guest", valid_until=date(2026, 3, 31))
    assert lounge(customer, clerk, "airport", "in_province", on=date(2026, 3, 1)).status == "open"
    give_level(customer, "gold", valid_from=date(2026, 4, 1))
    for _ in range(5):
        assert (
            lounge(customer, clerk, "airport", "in_province", on=date(2026, 4, 2)).status == "open"
        )
    assert (
        lounge(customer, clerk, "airport", "in_province", on=date(2026, 4, 2)).status == "refused"
    )


def test_service_2_the_counter_cannot_exceed_its_quota_in_the_database() -> None:
    customer = make_customer()
    counter = UsageCounter.objects.create(
        customer=customer,
        benefit="airport_lounge",
        period_start=date(2026, 1, 1),
        quota=1,
        reserved=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageCounter.objects.filter(pk=counter.pk).update(consumed=F("consumed") + 1)


@pytest.mark.parametrize("level", ["diamond", "platinum", "gold", "silver"])
def test_service_2_free_sim_replacement_is_unlimited_for_silver_and_above(
    clerk: Any, level: str
) -> None:
    customer = make_customer()
    give_level(customer, level)
    requests = [
        service_request_create(customer=customer, kind="sim_replacement", actor=clerk, on=ON)
        for _ in range(5)
    ]
    assert {r.status for r in requests} == {"open"}
    assert not UsageCounter.objects.filter(customer=customer).exists()


@pytest.mark.parametrize("level", ["guest", None])
def test_service_2_free_sim_replacement_is_refused_below_silver(
    clerk: Any, level: str | None
) -> None:
    customer = make_customer()
    if level:
        give_level(customer, level)
    refused = service_request_create(customer=customer, kind="sim_replacement", actor=clerk, on=ON)
    assert refused.status == "refused"


@pytest.mark.parametrize(
    ("level", "days"), [("diamond", 10), ("platinum", 7), ("gold", 5), ("silver", 3), ("guest", 1)]
)
def test_service_2_roaming_pack_once_a_year_with_days_by_level_valid_90_days(
    clerk: Any, level: str, days: int
) -> None:
    customer = make_customer()
    give_level(customer, level)
    pack = service_request_create(customer=customer, kind="roaming_pack", actor=clerk, on=ON)
    assert pack.status == "open"
    assert (pack.days, pack.valid_from, pack.valid_until) == (days, ON, date(2026, 6, 15))
    assert pack.valid_until is not None
    assert pack.valid_from is not None
    assert (pack.valid_until - pack.valid_from).days + 1 == 90
    again = service_request_create(customer=customer, kind="roaming_pack", actor=clerk, on=ON)
    assert again.status == "refused"


def test_service_2_complaints_of_gotone_lines_are_fast_tracked(clerk: Any) -> None:
    gotone = make_customer(brand="gotone")
    mzone = make_customer(brand="mzone")
    fast = service_request_create(
        customer=gotone, kind="complaint", actor=clerk, data={"subject": "signal"}, on=ON
    )
    normal = service_request_create(
        customer=mzone, kind="complaint", actor=clerk, data={"subject": "signal"}, on=ON
    )
    assert (fast.status, fast.fast_track, fast.subject) == ("open", True, "signal")
    assert (normal.status, normal.fast_track) == ("open", False)


def test_service_2_anti_harassment_is_for_gotone_lines(clerk: Any) -> None:
    assert (
        service_request_create(
            customer=make_customer(brand="gotone"), kind="anti_harassment", actor=clerk, on=ON
        ).status
        == "open"
    )
    assert (
        service_request_create(
            customer=make_customer(brand="easyown"), kind="anti_harassment", actor=clerk, on=ON
        ).status
        == "refused"
    )


def test_service_2_a_supervisor_edit_of_the_table_applies_at_once(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "guest")
    Entitlement.objects.filter(benefit="airport_lounge", audience="guest").update(quota=2)
    assert lounge(customer, clerk, "airport", "in_province").status == "open"
    assert lounge(customer, clerk, "airport", "in_province").status == "open"
    assert lounge(customer, clerk, "airport", "in_province").status == "refused"


def test_service_2_supervisors_edit_entitlements_in_the_admin_with_history(
    client: Any, supervisor: Any
) -> None:
    row = Entitlement.objects.get(benefit="airport_lounge", audience="platinum")
    client.force_login(supervisor)
    url = f"/admin/servicedesk/entitlement/{row.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "benefit": row.benefit,
            "audience": row.audience,
            "scope": row.scope,
            "quota": 10,
            "period": row.period,
            "free": "on",
            "allowance": "",
            "valid_days": "",
            "note": "raised by the province",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.quota == 10
    latest = row.history.latest()
    assert (latest.quota, latest.history_user) == (10, supervisor)


def test_service_2_clerks_do_not_reach_the_entitlements_admin(client: Any, clerk: Any) -> None:
    client.force_login(clerk)
    response = client.get("/admin/servicedesk/entitlement/")
    assert response.status_code in (302, 403)
    assert Entitlement.objects.filter(quota=99).count() == 0


# TIER-7: limited grants


def test_tier_7_a_limited_grant_alone_gives_the_airport_lounge(clerk: Any) -> None:
    customer = make_customer()
    give_level(customer, "gold", limited=True)
    visit = lounge(customer, clerk, "airport", "in_province")
    assert visit.status == "open"
    assert visit.privilege == Privilege.LEVEL


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("lounge_visit", {"lounge_type": "railway", "location": "in_province"}),
        ("sim_replacement", {}),
        ("roaming_pack", {}),
    ],
)
def test_tier_7_a_limited_grant_alone_gives_no_other_level_benefit(
    clerk: Any, kind: str, data: dict[str, str]
) -> None:
    customer = make_customer()
    give_level(customer, "gold", limited=True)
    refused = service_request_create(customer=customer, kind=kind, actor=clerk, data=data, on=ON)
    assert refused.status == "refused"
    assert "approved upgrade" in refused.refusal_reason


def test_tier_7_a_limited_grant_does_not_raise_other_benefits_above_the_full_level(
    clerk: Any,
) -> None:
    customer = make_customer()
    give_level(customer, "silver")
    give_level(customer, "diamond", limited=True)
    standing = customer_standing(customer, ON)
    assert (standing.level, standing.limited_level) == ("silver", "diamond")
    airport = request_check(
        standing, "lounge_visit", {"lounge_type": "airport", "location": "in_province"}
    )
    railway = request_check(
        standing, "lounge_visit", {"lounge_type": "railway", "location": "in_province"}
    )
    roaming = request_check(standing, "roaming_pack", {})
    assert (airport.quota, railway.quota, roaming.values["days"]) == (12, 4, 3)


def test_tier_7_a_limited_grant_is_not_vip_for_the_late_fee_waiver(clerk: Any) -> None:
    customer = make_customer(brand="mzone")
    give_level(customer, "diamond", limited=True)
    waiver = service_request_create(
        customer=customer, kind="late_fee_waiver", actor=clerk, data={"late_fee": "10.00"}, on=ON
    )
    assert waiver.waiver_percent == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_service_2_parallel_requests_never_exceed_the_quota() -> None:
    """Eight clerks register an airport visit for a silver customer (2 a year) at once."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real parallel connections")
    reload_data_migration("servicedesk.migrations.0002_seed_entitlements", "seed")
    customer = make_customer()
    give_level(customer, "silver")
    barrier = Barrier(8)

    def register(_index: int) -> str:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            return lounge(customer, None, "airport", "in_province").status
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(register, range(8)))
    assert sorted(statuses) == ["open"] * 2 + ["refused"] * 6
    counter = UsageCounter.objects.get(customer=customer)
    assert (counter.reserved, counter.consumed) == (2, 0)
    assert ServiceRequest.objects.filter(customer=customer, status="open").count() == 2
