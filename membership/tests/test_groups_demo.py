"""The group demo data: members, grants, contacts and requests; safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from membership import demo, demo_groups
from membership.models import (
    ContactLog,
    GrantSource,
    GroupMember,
    KeyPerson,
    LevelGrant,
    UpgradeRequest,
)
from membership.selectors.care import care_calendar
from membership.selectors.groups import upgrade_requests_annotated
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_group_demo_fills_the_workspace_and_a_second_run_adds_nothing(
    account_manager: Any, other_account_manager: Any
) -> None:
    today = timezone.localdate()
    UserFactory(username="demo_supervisor", role="supervisor")
    demo.seed_province(
        managers=[account_manager, other_account_manager], customers=300, today=today
    )
    counts = demo_groups.seed(today=today)
    assert counts["members"] > 0
    assert counts["former_members"] > 0
    assert GroupMember.objects.filter(ended_on__isnull=False).count() == counts["former_members"]
    assert counts["contacts"] > 0
    assert counts["upgrade_requests"] == 4
    assert LevelGrant.objects.filter(source=GrantSource.KEY_PERSON).count() == counts["grants"]
    calendar = care_calendar(
        KeyPerson.objects.filter(group__account_manager=account_manager), today
    )
    assert calendar.count > 0
    flagged = upgrade_requests_annotated(UpgradeRequest.objects.all(), today)
    rows: list[Any] = list(flagged)
    assert any(row.overdue for row in rows)
    before = (
        ContactLog.objects.count(),
        LevelGrant.objects.count(),
        UpgradeRequest.objects.count(),
    )
    assert demo_groups.seed(today=today) == {
        "members": 0,
        "former_members": 0,
        "grants": 0,
        "contacts": 0,
        "upgrade_requests": 0,
    }
    assert (
        ContactLog.objects.count(),
        LevelGrant.objects.count(),
        UpgradeRequest.objects.count(),
    ) == before
