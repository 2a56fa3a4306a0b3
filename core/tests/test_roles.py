from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from core.roles import CLERK, MANAGER, ROLE_PERMISSIONS, ROLES, SUPERVISOR, primary_role, roles_of

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_each_role_group_holds_the_declared_permissions() -> None:
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(perms), role


def test_a_clerk_may_view_customers_but_not_change_them(clerk: Any) -> None:
    assert clerk.has_perm("membership.view_customer")
    assert not clerk.has_perm("membership.change_customer")


def test_primary_role_is_the_highest_held(clerk: Any, supervisor: Any) -> None:
    clerk.groups.add(Group.objects.get(name=SUPERVISOR))
    clerk._staff_roles = None
    assert roles_of(clerk) == {CLERK, SUPERVISOR}
    assert primary_role(clerk) == SUPERVISOR


def test_a_user_without_groups_has_no_role(outsider: Any) -> None:
    assert roles_of(outsider) == frozenset()
    assert primary_role(outsider) is None
    assert MANAGER not in roles_of(outsider)
