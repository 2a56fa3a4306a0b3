"""PLAN-1..3: the catalogue the migration loads is the source's, as data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.models import Availability, DesignatedStore, FamilyAvailability, Plan, PlanFamily

pytestmark = pytest.mark.django_db

BUSINESS_TRAVEL = {  # fee → minutes (source table; 888 set by us, D-PLANS-1)
    58: 150,
    88: 350,
    128: 650,
    158: 900,
    188: 1200,
    288: 1900,
    388: 2600,
    588: 4000,
    888: 6000,
}


def test_plan_1_families_are_internet_business_travel_and_local_in_category_1031_priority_63():
    families = PlanFamily.objects.order_by("position")
    assert [f.code for f in families] == ["internet", "business_travel", "local"]
    assert [f.name_zh for f in families] == ["上网套餐", "商旅套餐", "本地套餐"]
    assert {(f.category_code, f.priority) for f in families} == {("1031", 63)}


def test_plan_1_business_travel_plans_have_the_source_fees_minutes_and_order_codes():
    plans = Plan.objects.filter(family__code="business_travel", active=True)
    by_fee = {int(p.monthly_fee): p for p in plans}
    assert {fee: p.included_minutes for fee, p in by_fee.items()} == BUSINESS_TRAVEL
    assert {p.order_code for p in plans} == {f"KTQSL{fee}" for fee in BUSINESS_TRAVEL}
    assert by_fee[58].voice_overage_rate == Decimal("0.25")
    assert by_fee[58].included_data_mb == 30
    assert {p.voice_overage_rate for fee, p in by_fee.items() if fee != 58} == {Decimal("0.19")}


def test_plan_1_internet_plans_and_the_common_rates():
    net = {p.code: p for p in Plan.objects.filter(family__code="internet")}
    assert (net["net-88"].included_minutes, net["net-88"].included_data_mb) == (200, 300)
    assert (net["net-128"].included_minutes, net["net-128"].included_data_mb) == (420, 400)
    every = Plan.objects.all()
    assert {p.data_overage_rate_per_kb for p in every} == {Decimal("0.001")}
    assert {p.video_call_rate for p in every} == {Decimal("0.6")}


def test_plan_1_the_488_plan_of_the_older_table_is_listed_but_not_offered():
    plan = Plan.objects.get(code="bt-488")
    assert (plan.monthly_fee, plan.included_minutes) == (Decimal("488.00"), 2450)
    assert plan.active is False
    assert plan.order_code == ""


def test_plan_2_plans_288_388_588_carry_silver_gold_gold_and_cheaper_ones_none():
    levels = {
        int(p.monthly_fee): p.carried_level
        for p in Plan.objects.filter(family__code="business_travel", active=True)
    }
    assert (levels[288], levels[388], levels[588]) == ("silver", "gold", "gold")
    assert {levels[fee] for fee in (58, 88, 128, 158, 188)} == {""}
    assert levels[888] == "gold"  # D-PLANS-1


def test_plan_3_every_plan_bundles_caller_id_and_the_139_mailbox():
    for plan in Plan.objects.prefetch_related("bundled_services"):
        assert {s.code for s in plan.bundled_services.all()} == {"caller_id", "mailbox_139"}


def test_plan_4_availability_rows_follow_the_source_cities():
    rows = {
        (a.city, a.family.code): a.state
        for a in FamilyAvailability.objects.select_related("family")
    }
    assert rows[("苏州", "local")] == Availability.CLOSED
    assert rows[("苏州", "internet")] == Availability.ON_REQUEST
    assert rows[("常州", "business_travel")] == Availability.OPEN
    assert rows[("常州", "local")] == Availability.CLOSED
    assert {rows[("泰州", f)] for f in ("internet", "business_travel", "local")} == {"on_request"}
    assert {rows[("盐城", f)] for f in ("internet", "business_travel", "local")} == {"on_request"}
    assert {rows[("淮安", f)] for f in ("internet", "business_travel", "local")} == {"new_only"}
    assert not any(city == "南京" for city, _family in rows)
    assert DesignatedStore.objects.filter(city="淮安", active=True).count() == 7


def test_catalogue_changes_are_audited_by_simple_history():
    plan = Plan.objects.get(code="bt-88")
    plan.monthly_fee = Decimal("98.00")
    plan.save()
    assert plan.history.first().monthly_fee == Decimal("98.00")
