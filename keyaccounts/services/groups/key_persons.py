"""GROUP-3: key persons of a group added, changed and removed, and the limit on contacts;
each change re-grants the person's key-person level (TIER-6, levels.py), and a removal
withdraws the person's pending upgrade request (TIER-7, services/upgrades.py).

The dependency runs one way: this module calls the upgrade service, which reads key persons
(the model) but imports nothing from services/groups, so both import at module level.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.programme import programme
from keyaccounts.models import (
    GroupCustomer,
    GroupMember,
    KeyPerson,
    KeyPersonRank,
    KeyPersonRole,
    UpgradeRequest,
    UpgradeStatus,
)
from keyaccounts.services.groups.common import local_today
from keyaccounts.services.groups.levels import key_person_grants_sync
from keyaccounts.services.groups.members import group_member_add
from keyaccounts.services.upgrades import upgrade_request_close_for_key_person
from membership.models import Customer, Status


def contacts_limit_check(*, group: GroupCustomer, has_it_centre: bool, adding: int = 0) -> None:
    """GROUP-3: one or two contacts per group, one more when it has an IT centre."""
    allowed = programme("GROUP_CONTACTS_MAX") + (1 if has_it_centre else 0)
    current = group.key_persons.filter(role=KeyPersonRole.CONTACT, ended_at__isnull=True).count()
    if current + adding > allowed:
        message = (
            _("A group may have at most %(allowed)s contacts.")
            if has_it_centre
            else _(
                "A group may have at most %(allowed)s contacts (one more if it has an IT centre)."
            )
        )
        raise DomainError(message % {"allowed": allowed})


def _check_role_rank(role: str, rank: str) -> None:
    if role not in KeyPersonRole.values:
        raise DomainError(_("Unknown key-person role “%(role)s”.") % {"role": role})
    if rank not in KeyPersonRank.values:
        raise DomainError(_("Unknown key-person rank “%(rank)s”.") % {"rank": rank})


@transaction.atomic
def key_person_create(
    *,
    group: GroupCustomer,
    customer: Customer,
    role: str,
    rank: str,
    title: str = "",
    actor: Any = None,
    on: date | None = None,
) -> KeyPerson:
    """GROUP-3 / TIER-6: ``customer`` becomes a key person of ``group`` (and a member)."""
    _check_role_rank(role, rank)
    group = GroupCustomer.objects.select_for_update().get(pk=group.pk)
    if customer.status == Status.CANCELLED:
        raise DomainError(_("The line %(msisdn)s is cancelled.") % {"msisdn": customer.msisdn})
    if KeyPerson.objects.filter(group=group, customer=customer, ended_at__isnull=True).exists():
        raise DomainError(
            _("%(msisdn)s is a key person of this group already.") % {"msisdn": customer.msisdn}
        )
    if role == KeyPersonRole.CONTACT:
        contacts_limit_check(group=group, has_it_centre=group.has_it_centre, adding=1)
    on = on or local_today()
    person = KeyPerson.objects.create(
        group=group, customer=customer, role=role, rank=rank, title=title.strip()
    )
    if not GroupMember.objects.filter(
        group=group, customer=customer, ended_on__isnull=True
    ).exists():
        group_member_add(group=group, customer=customer, signed_on=on, actor=actor)
    key_person_grants_sync(key_person=person, on=on, actor=actor, reason="became a key person")
    return person


@transaction.atomic
def key_person_update(
    *,
    key_person: KeyPerson,
    role: str,
    rank: str,
    title: str = "",
    actor: Any = None,
    on: date | None = None,
) -> KeyPerson:
    """GROUP-3 / TIER-6: a new role or rank re-grants the key person from ``on``."""
    _check_role_rank(role, rank)
    group = GroupCustomer.objects.select_for_update().get(pk=key_person.group_id)
    person = KeyPerson.objects.select_for_update().get(pk=key_person.pk)
    if person.ended_at is not None:
        raise DomainError(_("This person is no longer a key person."))
    if role == KeyPersonRole.CONTACT and person.role != KeyPersonRole.CONTACT:
        contacts_limit_check(group=group, has_it_centre=group.has_it_centre, adding=1)
    changed = (person.role, person.rank) != (role, rank)
    person.role, person.rank, person.title = role, rank, title.strip()
    person.save(update_fields=["role", "rank", "title"])
    if changed:
        key_person_grants_sync(
            key_person=person, on=on, actor=actor, reason="key person's role or rank changed"
        )
    return person


@transaction.atomic
def key_person_remove(
    *, key_person: KeyPerson, reason: str = "", actor: Any = None, on: date | None = None
) -> KeyPerson:
    """GROUP-3 / TIER-6: the person stops being a key person; the grant ends the day before
    ``on``, a pending upgrade request for them is withdrawn. The person stays a member."""
    person = KeyPerson.objects.select_for_update().get(pk=key_person.pk)
    if person.ended_at is not None:
        raise DomainError(_("This person is no longer a key person."))
    now = clock.now()
    person.ended_at = now
    person.ended_by = recorded_actor(actor)
    person.end_reason = reason.strip()[:200]
    person.save(update_fields=["ended_at", "ended_by", "end_reason"])
    key_person_grants_sync(key_person=person, on=on, actor=actor, reason="no longer a key person")
    for request in UpgradeRequest.objects.filter(key_person=person, status=UpgradeStatus.PENDING):
        upgrade_request_close_for_key_person(request=request, actor=actor)
    return person
