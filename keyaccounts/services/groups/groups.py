"""GROUP-1: a group customer's creation, its details and its class (a new class re-grants
the key persons, TIER-6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import MANAGER, roles_of
from keyaccounts.models import GroupClass, GroupCustomer
from keyaccounts.services.groups.key_persons import contacts_limit_check
from keyaccounts.services.groups.levels import key_person_grants_sync


def _check_manager(user: Any) -> None:
    if user is None or not (user.is_superuser or MANAGER in roles_of(user)):
        raise DomainError(_("The account manager must be a staff member with that role."))


@transaction.atomic
def group_create(
    *,
    code: str,
    name: str,
    group_class: str,
    city: str,
    account_manager: Any,
    has_it_centre: bool = False,
    actor: Any = None,
) -> GroupCustomer:
    """GROUP-1: a new group customer with its class and account manager."""
    if group_class not in GroupClass.values:
        raise DomainError(
            _("Unknown group class “%(group_class)s”.") % {"group_class": group_class}
        )
    _check_manager(account_manager)
    code = code.strip().upper()
    if GroupCustomer.objects.filter(code=code).exists():
        raise DomainError(_("A group with the code %(code)s exists already.") % {"code": code})
    return GroupCustomer.objects.create(
        code=code,
        name=name.strip(),
        group_class=group_class,
        city=city.strip(),
        account_manager=account_manager,
        has_it_centre=has_it_centre,
    )


@transaction.atomic
def group_update(
    *,
    group: GroupCustomer,
    name: str,
    city: str,
    account_manager: Any,
    has_it_centre: bool,
    actor: Any = None,
) -> GroupCustomer:
    """GROUP-1: name, city, account manager; the class changes through group_change_class."""
    _check_manager(account_manager)
    group = GroupCustomer.objects.select_for_update().get(pk=group.pk)
    if not has_it_centre and group.has_it_centre:
        contacts_limit_check(group=group, has_it_centre=False)
    group.name = name.strip()
    group.city = city.strip()
    group.account_manager = account_manager
    group.has_it_centre = has_it_centre
    group.save(update_fields=["name", "city", "account_manager", "has_it_centre"])
    return group


@transaction.atomic
def group_change_class(
    *, group: GroupCustomer, group_class: str, actor: Any = None, on: date | None = None
) -> GroupCustomer:
    """GROUP-1 / TIER-6: a new class re-grants every key person of the group from ``on``."""
    if group_class not in GroupClass.values:
        raise DomainError(
            _("Unknown group class “%(group_class)s”.") % {"group_class": group_class}
        )
    group = GroupCustomer.objects.select_for_update().get(pk=group.pk)
    if group.group_class == group_class:
        raise DomainError(
            _("The group is class %(group_class)s already.") % {"group_class": group_class}
        )
    old = group.group_class
    group.group_class = group_class
    group.save(update_fields=["group_class"])
    for person in group.key_persons.filter(ended_at__isnull=True):
        key_person_grants_sync(
            key_person=person, on=on, actor=actor, reason=f"group class {old} → {group_class}"
        )
    return group
