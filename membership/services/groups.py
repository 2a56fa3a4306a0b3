"""Group customers, their members and key persons, the contact log (GROUP-1..4), and the
key-person grants that follow roles, ranks and classes (TIER-6)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import recorded_actor
from core.errors import DomainError
from core.programme import programme
from core.roles import MANAGER, roles_of
from membership.calendar_cn import greeting_dates
from membership.dates import anniversary
from membership.models import (
    LEVEL_RANK,
    CareOccasion,
    ContactChannel,
    ContactLog,
    Customer,
    GrantSource,
    GroupClass,
    GroupCustomer,
    GroupMember,
    KeyPerson,
    KeyPersonRank,
    KeyPersonRole,
    Level,
    LevelGrant,
    Status,
    UpgradeRequest,
    UpgradeStatus,
)
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


def _today() -> date:
    return timezone.localdate()


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
    on = on or _today()
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
        _check_contacts(group=group, has_it_centre=False)
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


@transaction.atomic
def group_member_add(
    *, group: GroupCustomer, customer: Customer, signed_on: date | None = None, actor: Any = None
) -> GroupMember:
    """GROUP-2: sign ``customer`` up as a member of ``group``.

    A line that left the group may sign up again: a new membership, starting no earlier
    than the day the last one ended (periods of one line in one group never overlap).
    """
    if customer.status == Status.CANCELLED:
        raise DomainError(_("The line %(msisdn)s is cancelled.") % {"msisdn": customer.msisdn})
    signed_on = signed_on or _today()
    memberships = GroupMember.objects.filter(group=group, customer=customer)
    if memberships.filter(ended_on__isnull=True).exists():
        raise DomainError(
            _("%(msisdn)s is a member of this group already.") % {"msisdn": customer.msisdn}
        )
    left = (
        memberships.filter(ended_on__isnull=False)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if left is not None and signed_on < left:
        raise DomainError(
            _(
                "%(msisdn)s left this group on %(day)s: "
                "a new membership cannot start before that day."
            )
            % {"msisdn": customer.msisdn, "day": f"{left:%Y-%m-%d}"}
        )
    try:
        with transaction.atomic():
            return GroupMember.objects.create(
                group=group,
                customer=customer,
                signed_on=signed_on,
                added_by=recorded_actor(actor),
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(msisdn)s is a member of this group already.") % {"msisdn": customer.msisdn}
        ) from exc


@transaction.atomic
def group_member_remove(
    *, member: GroupMember, actor: Any = None, on: date | None = None
) -> GroupMember:
    """GROUP-2: a member leaves the group; a key person must stop being one first.

    The membership is ended, not deleted: ``ended_on`` (``on``, today by default) is the
    first day the line is no longer a member, so KPI-1 of the months before still counts it
    (D-GROUP-5). ``on`` may be a past day (a departure reported late), never a future one
    nor a day before the member signed up.
    """
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_on is not None:
        raise DomainError(_("This line is no longer a member of the group."))
    if KeyPerson.objects.filter(
        group_id=member.group_id, customer_id=member.customer_id, ended_at__isnull=True
    ).exists():
        raise DomainError(_("This member is a key person: remove the key person first."))
    today = _today()
    if on is None:
        # A membership signed for a day still to come is closed on that day: it never counts.
        on = max(today, member.signed_on)
    elif on > today:
        raise DomainError(_("A member cannot be removed from a future day."))
    if on < member.signed_on:
        raise DomainError(
            _("The member signed up on %(day)s: the day they left cannot be before that.")
            % {"day": f"{member.signed_on:%Y-%m-%d}"}
        )
    member.ended_on = on
    member.ended_at = timezone.now()
    member.ended_by = recorded_actor(actor)
    member.save(update_fields=["ended_on", "ended_at", "ended_by"])
    return member


def _check_contacts(*, group: GroupCustomer, has_it_centre: bool, adding: int = 0) -> None:
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
        _check_contacts(group=group, has_it_centre=group.has_it_centre, adding=1)
    on = on or _today()
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
        _check_contacts(group=group, has_it_centre=group.has_it_centre, adding=1)
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
    now = timezone.now()
    person.ended_at = now
    person.ended_by = recorded_actor(actor)
    person.end_reason = reason.strip()[:200]
    person.save(update_fields=["ended_at", "ended_by", "end_reason"])
    key_person_grants_sync(key_person=person, on=on, actor=actor, reason="no longer a key person")
    from membership.services.upgrades import upgrade_request_close_for_key_person

    for request in UpgradeRequest.objects.filter(key_person=person, status=UpgradeStatus.PENDING):
        upgrade_request_close_for_key_person(request=request, actor=actor)
    return person


def occasion_date_for(
    *, occasion: str, contact_day: date, birth_date: date | None = None
) -> date | None:
    """GROUP-4: the birthday or holiday nearest ``contact_day`` that a contact was for."""
    if occasion == CareOccasion.ROUTINE:
        return None
    years = (contact_day.year - 1, contact_day.year, contact_day.year + 1)
    if occasion == CareOccasion.BIRTHDAY:
        if birth_date is None:
            raise DomainError(_("The key person's birth date is not known."))
        dates = [anniversary(birth_date, year) for year in years]
    else:
        dates = [d for year in years if (d := greeting_dates(year).get(occasion)) is not None]
        if not dates:
            raise DomainError(_("The date of this holiday is not known."))
    return min(dates, key=lambda d: (abs((d - contact_day).days), d))


@transaction.atomic
def contact_log_create(
    *,
    group: GroupCustomer,
    channel: str,
    actor: Any,
    key_person: KeyPerson | None = None,
    person: str = "",
    occasion: str = CareOccasion.ROUTINE,
    contacted_at: datetime | None = None,
    notes: str = "",
    next_follow_up: date | None = None,
) -> ContactLog:
    """GROUP-4: log a contact: who, when, how, notes and the next follow-up date."""
    if channel not in ContactChannel.values:
        raise DomainError(_("Unknown contact channel “%(channel)s”.") % {"channel": channel})
    if occasion not in CareOccasion.values:
        raise DomainError(_("Unknown occasion “%(occasion)s”.") % {"occasion": occasion})
    if key_person is not None:
        if key_person.group_id != group.pk:
            raise DomainError(_("This key person belongs to another group."))
        if key_person.ended_at is not None:
            raise DomainError(_("This person is no longer a key person."))
    elif not person.strip():
        raise DomainError(_("Say who was contacted: a key person or a name."))
    if occasion != CareOccasion.ROUTINE and key_person is None:
        raise DomainError(_("Birthday and holiday care is logged for a key person."))
    contacted_at = contacted_at or timezone.now()
    if timezone.is_naive(contacted_at):
        contacted_at = timezone.make_aware(contacted_at)
    day = timezone.localdate(contacted_at)
    if day > _today():
        raise DomainError(_("A contact cannot be logged in the future."))
    if next_follow_up is not None and next_follow_up < day:
        raise DomainError(_("The next follow-up cannot be before the contact."))
    occasion_day = occasion_date_for(
        occasion=occasion,
        contact_day=day,
        birth_date=key_person.customer.birth_date if key_person is not None else None,
    )
    return ContactLog.objects.create(
        group=group,
        key_person=key_person,
        person=person.strip()[:64],  # a key person is named by the link, not copied (CUST-8)
        channel=channel,
        occasion=occasion,
        occasion_date=occasion_day,
        contacted_at=contacted_at,
        notes=notes.strip(),
        next_follow_up=next_follow_up,
        logged_by=actor,
    )
