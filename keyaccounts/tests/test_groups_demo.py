"""The group demo data: members, grants, contacts and requests; safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from keyaccounts import demo as keyaccounts_demo
from keyaccounts.models import ContactLog, GroupMember, KeyPerson, PersonalManager, UpgradeRequest
from keyaccounts.selectors.care import care_calendar
from keyaccounts.selectors.groups import upgrade_requests_annotated
from keyaccounts.selectors.personal import eligible_without_manager
from membership.demo import seed_province
from membership.models import GrantSource, LevelGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_group_demo_fills_the_workspace_and_a_second_run_adds_nothing(
    account_manager: Any, other_account_manager: Any
) -> None:
    today = timezone.localdate()
    UserFactory(username="demo_supervisor", role="supervisor")
    seed_province(customers=300, today=today)
    managers = [account_manager, other_account_manager]
    groups = keyaccounts_demo.seed_groups(managers=managers)
    assert groups["groups"] == len(keyaccounts_demo.GROUP_NAMES)
    assert groups["key_persons"] == KeyPerson.objects.count() > 0
    assert keyaccounts_demo.seed_groups(managers=managers) == {"groups": 0, "key_persons": 0}
    counts = keyaccounts_demo.seed(today=today)
    assert counts["members"] > 0
    assert counts["former_members"] > 0
    assert GroupMember.objects.filter(ended_on__isnull=False).count() == counts["former_members"]
    assert counts["contacts"] > 0
    assert counts["upgrade_requests"] == 4
    assert LevelGrant.objects.filter(source=GrantSource.KEY_PERSON).count() == counts["grants"]
    # SERVICE-8: every eligible customer got a personal manager, shared out round-robin.
    assert counts["personal_managers"] == PersonalManager.objects.count() > 0
    assert not eligible_without_manager(today).exists()
    shares = [PersonalManager.objects.filter(manager=m).count() for m in managers]
    assert max(shares) - min(shares) <= 1
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
    assert keyaccounts_demo.seed(today=today) == {
        "members": 0,
        "former_members": 0,
        "grants": 0,
        "contacts": 0,
        "upgrade_requests": 0,
        "personal_managers": 0,
    }
    assert (
        ContactLog.objects.count(),
        LevelGrant.objects.count(),
        UpgradeRequest.objects.count(),
    ) == before
