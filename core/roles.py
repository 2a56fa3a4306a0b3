"""Staff roles: Django groups with permissions.

The groups are created by a migration (core/migrations/0001); their permissions are the
declaration below, re-applied after every migrate so that permissions of models added by
later migrations reach the roles too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.utils.translation import gettext_lazy as _

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

# "app_label.codename" per role. Codenames of models that do not exist yet are skipped and
# picked up by the next migrate that creates them.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CLERK: (
        "membership.view_customer",
        "membership.view_bill",
        # plans
        "plans.view_plan",
        "plans.view_subscription",
    ),
    MANAGER: (
        "membership.view_customer",
        # plans
        "plans.view_plan",
        "plans.view_subscription",
        # groups (membership): the pages and API do the writing, through the services
        "membership.view_groupcustomer",
        "membership.view_keyperson",
        "membership.view_groupmember",
        "membership.view_contactlog",
        "membership.view_upgraderequest",
    ),
    SUPERVISOR: (
        "membership.view_customer",
        "membership.change_customer",
        "membership.view_bill",
        # groups (membership): view only in the admin; a class, role or rank changed there
        # would bypass the TIER-6 re-grant, so changes go through the group pages.
        "membership.view_groupcustomer",
        "membership.view_keyperson",
        "membership.view_groupmember",
        "membership.view_contactlog",
        "membership.view_upgraderequest",
        "membership.view_upgraderequestevent",
        "membership.view_kpifigure",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_crontabschedule",
        # plans: supervisors edit the catalogue (PLAN-1..4) and see subscriptions
        "plans.view_planfamily",
        "plans.change_planfamily",
        "plans.view_plan",
        "plans.add_plan",
        "plans.change_plan",
        "plans.view_bundledservice",
        "plans.add_bundledservice",
        "plans.change_bundledservice",
        "plans.view_familyavailability",
        "plans.add_familyavailability",
        "plans.change_familyavailability",
        "plans.view_designatedstore",
        "plans.add_designatedstore",
        "plans.change_designatedstore",
        "plans.view_subscription",
        # points: supervisors edit the reward catalogue (POINTS-7) and can see the ledger
        "points.view_rewarditem",
        "points.add_rewarditem",
        "points.change_rewarditem",
        "points.view_redemption",
        "points.view_pointsrun",
        # servicedesk: supervisors edit the entitlements (SERVICE-2, with history) and the
        # halls; everything else is read-only in the admin (the services do the writing).
        "servicedesk.view_entitlement",
        "servicedesk.add_entitlement",
        "servicedesk.change_entitlement",
        "servicedesk.view_hall",
        "servicedesk.add_hall",
        "servicedesk.change_hall",
        "servicedesk.view_servicerequest",
        "servicedesk.view_ticket",
        "servicedesk.view_usagecounter",
        "servicedesk.view_outboxmessage",
        "servicedesk.view_birthdaywaiver",
        "servicedesk.view_hotlinecall",
        # core: job runs, read-only in the admin (runs and re-runs go through /jobs/)
        "core.view_jobrun",
        "core.view_jobrunevent",
        "core.view_jobchunk",
    ),
}

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


def sync_role_permissions(**kwargs: Any) -> None:
    """Give each role group exactly the permissions declared above (post_migrate)."""
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
