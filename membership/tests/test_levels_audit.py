"""TIER-1 level order, TIER-10 audit of grants, CONV-4 aware datetimes, CUST-3 tenure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from membership.models import LEVEL_RANK, GrantEvent, GrantSource, Level, StatusChange
from membership.selectors.levels import effective_level
from membership.services.customers import customer_set_status
from membership.services.grants import grant_create, grant_end
from membership.services.lifecycle import customer_change_number
from tests.builders import make_customer

pytestmark = pytest.mark.django_db


def test_tier_1_levels_rank_diamond_platinum_gold_silver_guest() -> None:
    assert [level for level, _rank in sorted(LEVEL_RANK.items(), key=lambda i: -i[1])] == [
        Level.DIAMOND,
        Level.PLATINUM,
        Level.GOLD,
        Level.SILVER,
        Level.GUEST,
    ]
    customer = make_customer()
    for level in ("guest", "platinum", "silver"):
        grant_create(
            customer=customer, level=level, source=GrantSource.PLAN, valid_from=date(2026, 1, 1)
        )
    assert effective_level(customer, date(2026, 6, 1)) == "platinum"


def test_tier_10_every_grant_and_every_end_is_audited_with_who_and_why(supervisor: Any) -> None:
    customer = make_customer()
    grant = grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.UPGRADE,
        valid_from=date(2026, 1, 1),
        actor=supervisor,
        reason="approved",
    )
    grant_end(grant=grant, last_day=date(2026, 3, 31), actor=supervisor, reason="withdrawn")
    events = list(GrantEvent.objects.filter(grant=grant).values_list("action", "actor", "reason"))
    assert events == [("granted", supervisor.pk, "approved"), ("ended", supervisor.pk, "withdrawn")]
    grant.refresh_from_db()
    assert (grant.valid_until, grant.ended_by, grant.end_reason) == (
        date(2026, 3, 31),
        supervisor,
        "withdrawn",
    )


def test_conv_4_times_are_stored_aware_in_the_shanghai_calendar(clerk: Any) -> None:
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Shanghai"
    customer = make_customer()
    customer_set_status(customer=customer, status="suspended", reason="arrears", actor=clerk)
    change = StatusChange.objects.get(customer=customer)
    assert timezone.is_aware(change.changed_at)


def test_cust_3_tenure_carries_over_a_number_change(clerk: Any) -> None:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    customer_change_number(customer=customer, new_msisdn="13900000002", actor=clerk)
    customer.refresh_from_db()
    assert customer.msisdn == "13900000002"
    assert customer.joined_on == date(2015, 3, 15)
    assert timezone.localdate() - customer.joined_on > timedelta(days=365 * 10)
