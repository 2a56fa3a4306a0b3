"""TIER-6: the level a key person's rank or role gives, by group class, and the key-person
grant that follows it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from keyaccounts.models import GroupClass, KeyPerson, KeyPersonRank, KeyPersonRole
from keyaccounts.services.groups.common import local_today
from membership.models import LEVEL_RANK, GrantSource, Level, LevelGrant, Status
from membership.services.grants import grant_create, grant_end, grants_for_cause

# TIER-6: the level a key person's rank or role gives, by group class (from the source).
SENIOR_LEADER_LEVEL: dict[str, str] = {
    GroupClass.A: Level.DIAMOND,
    GroupClass.B: Level.GOLD,
    GroupClass.C: Level.SILVER,
}
# TIER-6 Decision: "other division-level cadres" get gold in class A groups only.
DIVISION_CADRE_LEVEL: dict[str, str] = {GroupClass.A: Level.GOLD}
CONTACT_LEVEL: dict[str, str] = {
    GroupClass.A: Level.GOLD,
    GroupClass.B: Level.SILVER,
    GroupClass.C: Level.SILVER,
    GroupClass.D: Level.SILVER,
}


def key_person_level(*, group_class: str, role: str, rank: str) -> str | None:
    """TIER-6: the key-person level for a role and rank in a group of ``group_class``.

    Rank and role both count; when both give a level the higher applies (a contact who is
    a senior leader of a class A group is diamond).
    """
    candidates: list[str] = []
    if rank == KeyPersonRank.SENIOR_LEADER and group_class in SENIOR_LEADER_LEVEL:
        candidates.append(SENIOR_LEADER_LEVEL[group_class])
    if rank == KeyPersonRank.DIVISION_CADRE and group_class in DIVISION_CADRE_LEVEL:
        candidates.append(DIVISION_CADRE_LEVEL[group_class])
    if role == KeyPersonRole.CONTACT and group_class in CONTACT_LEVEL:
        candidates.append(CONTACT_LEVEL[group_class])
    return max(candidates, key=LEVEL_RANK.__getitem__, default=None)


def _wanted_level(person: KeyPerson) -> str | None:
    if person.ended_at is not None or person.customer.status == Status.CANCELLED:
        return None
    return key_person_level(
        group_class=person.group.group_class, role=person.role, rank=person.rank
    )


@transaction.atomic
def key_person_grants_sync(
    *, key_person: KeyPerson, on: date | None = None, actor: Any = None, reason: str
) -> LevelGrant | None:
    """TIER-6: make the key-person grant of ``key_person`` match its role, rank and class.

    From ``on`` (today by default): an open grant of the right level is kept; any other
    open grant this key person caused is ended the day before and the right one created.
    Returns the grant in force afterwards, or None. Ending one grant restores whatever the
    customer's other grants give (TIER-2), so "own rating higher wins" needs nothing here.
    """
    on = on or local_today()
    person = KeyPerson.objects.select_related("group", "customer").get(pk=key_person.pk)
    wanted = _wanted_level(person)
    open_grants = list(
        grants_for_cause(person)
        .filter(source=GrantSource.KEY_PERSON)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("valid_from", "id")
    )
    kept: LevelGrant | None = None
    for grant in open_grants:
        if kept is None and grant.level == wanted and grant.valid_until is None:
            kept = grant
            continue
        grant_end(
            grant=grant,
            last_day=date.fromordinal(on.toordinal() - 1),
            actor=actor,
            reason=f"TIER-6: {reason}",
        )
    if kept is None and wanted is not None:
        kept = grant_create(
            customer=person.customer,
            level=wanted,
            source=GrantSource.KEY_PERSON,
            valid_from=on,
            cause=person,
            actor=actor,
            reason=(
                f"TIER-6: {person.get_role_display()}, {person.get_rank_display()} "
                f"of class {person.group.group_class} group {person.group.code}"
            )[:200],
        )
    return kept
