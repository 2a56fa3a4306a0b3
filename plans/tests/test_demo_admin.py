"""The demo seeder and the supervisors' catalogue admin."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membership.demo import seed_province
from membership.models import Brand, Customer, GrantSource, LevelGrant, Status
from membership.selectors.levels import effective_level
from plans import demo
from plans.models import Plan, Subscription, SubscriptionEvent, SubscriptionStatus

TODAY = date(2026, 11, 25)
# The day these tests build their data around is the day the product's clock reads.
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]


def test_demo_gives_most_active_gotone_lines_a_plan_and_levels_come_from_plans() -> None:
    seed_province(customers=400, today=TODAY)
    counts = demo.seed(today=TODAY, rng_seed=1)

    gotone = Customer.objects.filter(
        brand=Brand.GOTONE,
        status__in=[Status.ACTIVE, Status.SUSPENDED],
        joined_on__lt=date(2026, 11, 1),
    ).count()
    in_force = Subscription.objects.filter(status=SubscriptionStatus.EFFECTIVE)
    assert counts["subscriptions"] == in_force.count()
    assert 0.6 * gotone <= in_force.count() <= 0.9 * gotone
    assert not in_force.exclude(customer__brand=Brand.GOTONE).exists()
    assert counts["pending"] == Subscription.objects.filter(status="scheduled").count() > 0
    assert set(
        Subscription.objects.filter(status="scheduled").values_list("effective_from", flat=True)
    ) == {date(2026, 12, 1)}
    plan_grants = LevelGrant.objects.filter(source=GrantSource.PLAN)
    assert counts["plan_grants"] == plan_grants.count() > 0
    silver = in_force.filter(plan__code="bt-288").select_related("customer").first()
    assert silver is not None
    assert effective_level(silver.customer, TODAY) in {"silver", "gold", "platinum", "diamond"}
    assert SubscriptionEvent.objects.filter(to_status="effective").count() == in_force.count()

    assert demo.seed(today=TODAY, rng_seed=1) == {
        "subscriptions": 0,
        "pending": 0,
        "plan_grants": 0,
    }


def test_supervisors_edit_the_catalogue_in_the_admin_with_history(supervisor: Any) -> None:
    client = Client()
    client.force_login(supervisor)
    plan = Plan.objects.get(code="bt-88")
    assert client.get(reverse("admin:plans_plan_changelist")).status_code == 200
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "family": plan.family_id,
            "monthly_fee": "98.00",
            "bundled_services": [s.pk for s in plan.bundled_services.all()],
            "active": "on",
        }
    )
    data.pop("carried_level", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert str(plan.monthly_fee) == "98.00"
    latest = plan.history.first()
    assert latest.history_user == supervisor
    assert client.get(reverse("admin:plans_familyavailability_changelist")).status_code == 200
    assert client.get(reverse("admin:plans_designatedstore_changelist")).status_code == 200


def test_subscriptions_are_read_only_in_the_admin(supervisor: Any, clerk: Any) -> None:
    client = Client()
    client.force_login(supervisor)
    assert client.get(reverse("admin:plans_subscription_changelist")).status_code == 200
    assert client.get(reverse("admin:plans_subscription_add")).status_code == 403
    other = Client()
    other.force_login(clerk)
    assert other.get(reverse("admin:plans_plan_changelist")).status_code == 403
