"""Staff roles: Django groups with permissions.

The groups are created by a migration (core/migrations/0001); their permissions are the
declaration below, re-applied after every migrate so that permissions of models added by
later migrations reach the roles too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.utils.translation import gettext_lazy as _

from core.manifests import PERMISSIONS, discover

CLERK = "counter_clerk"
MANAGER = "account_manager"
SUPERVISOR = "supervisor"

# Highest first: a user in several groups lands on the workspace of the highest.
ROLES: tuple[str, ...] = (SUPERVISOR, MANAGER, CLERK)
ROLE_LABELS = {
    CLERK: _("Counter clerk"),
    MANAGER: _("Account manager"),
    SUPERVISOR: _("Supervisor"),
}

# "app_label.codename" per role, declared by each app in its manifest.py
# (``declare_permissions``, core/manifests.py). Codenames of models that do not exist yet are
# skipped and picked up by the next migrate that creates them.
ROLE_PERMISSIONS: dict[str, list[str]] = PERMISSIONS

User = AbstractBaseUser | AnonymousUser


def roles_of(user: Any) -> frozenset[str]:
    """The role codes of a user (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_staff_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(r for r in ROLES if r in names)
        user._staff_roles = cached
    return cached


def primary_role(user: Any) -> str | None:
    """The highest role of a user; superusers count as supervisors."""
    if getattr(user, "is_superuser", False):
        return SUPERVISOR
    roles = roles_of(user)
    return next((r for r in ROLES if r in roles), None)


def is_supervisor(user: Any) -> bool:
    """Whether ``user`` acts as a supervisor: the supervisor role, or a superuser."""
    return primary_role(user) == SUPERVISOR


def staff_name(user: Any) -> str:
    """A staff member's name as shown: Chinese order, family name first, no space; the
    username when no name is set."""
    return f"{user.last_name}{user.first_name}" or user.get_username()


def sync_role_permissions(**kwargs: Any) -> None:
    """Give each role group exactly the permissions its apps declare (post_migrate)."""
    discover()
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
