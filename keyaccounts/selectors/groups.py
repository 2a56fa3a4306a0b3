"""Reads of group customers, their people, the contact log and upgrade requests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.programme import programme
from core.validators import msisdn_or_none
from keyaccounts.calendar_cn import overdue_cutoff
from keyaccounts.models import (
    ContactLog,
    GroupCustomer,
    GroupMember,
    KeyPerson,
    UpgradeRequest,
    UpgradeStatus,
)
from membership.models import LEVEL_RANK
from membership.selectors.levels import effective_rank_subquery


def day_end(day: date) -> datetime:
    """The first moment after ``day`` in the local time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def memberships_on(day: date) -> QuerySet[GroupMember]:
    """GROUP-2 as of ``day``: the memberships open that day (signed on or before it, not
    ended on or before it: ``ended_on`` is the first day no longer a member)."""
    return GroupMember.objects.filter(signed_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def group_manager_on(day: date, ref: str = "group_id") -> Coalesce:
    """GROUP-1 as of ``day``: the account manager (id) of the group ``ref`` points at, read
    from its history (django-simple-history): the latest change up to the end of ``day``
    (Asia/Shanghai). A group whose history starts later (created, or first recorded, after
    that day) gets the manager it was first recorded with, and a group without any history
    row its current manager (D-GROUP-5)."""
    rows = GroupCustomer.history.model.objects.filter(id=OuterRef(ref))
    return Coalesce(
        Subquery(
            rows.filter(history_date__lt=day_end(day))
            .order_by("-history_date", "-history_id")
            .values("account_manager_id")[:1]
        ),
        Subquery(rows.order_by("history_date", "history_id").values("account_manager_id")[:1]),
        Subquery(GroupCustomer.objects.filter(pk=OuterRef(ref)).values("account_manager_id")[:1]),
        output_field=IntegerField(),
    )


def _last_contact(ref: str = "pk") -> Subquery:
    return Subquery(
        ContactLog.objects.filter(key_person_id=OuterRef(ref))
        .order_by("-contacted_at", "-id")
        .values("contacted_at")[:1]
    )


def groups_annotated(groups: QuerySet[GroupCustomer]) -> QuerySet[GroupCustomer]:
    """Groups with their key-person and member counts and last contact, for lists."""
    key_persons = (
        KeyPerson.objects.filter(group_id=OuterRef("pk"), ended_at__isnull=True)
        .values("group_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = (
        GroupMember.objects.filter(group_id=OuterRef("pk"), ended_on__isnull=True)
        .values("group_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    last = (
        ContactLog.objects.filter(group_id=OuterRef("pk"))
        .order_by("-contacted_at", "-id")
        .values("contacted_at")[:1]
    )
    return groups.select_related("account_manager").annotate(
        key_person_count=Coalesce(Subquery(key_persons, output_field=IntegerField()), 0),
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        last_contact_at=Subquery(last),
    )


def group_search(
    groups: QuerySet[GroupCustomer], *, q: str = "", group_class: str = "", city: str = ""
) -> QuerySet[GroupCustomer]:
    if q:
        groups = groups.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if group_class:
        groups = groups.filter(group_class=group_class)
    if city:
        groups = groups.filter(city=city)
    return groups_annotated(groups).order_by("code")


def key_persons_with_care(key_persons: QuerySet[KeyPerson], on: date) -> QuerySet[KeyPerson]:
    """Key persons with their level rank on ``on``, last contact and pending follow-up."""
    follow_up = Subquery(
        ContactLog.objects.filter(key_person_id=OuterRef("pk"))
        .order_by("-contacted_at", "-id")
        .values("next_follow_up")[:1]
    )
    pending = UpgradeRequest.objects.filter(
        key_person_id=OuterRef("pk"), status=UpgradeStatus.PENDING
    )
    return key_persons.select_related("customer", "group").annotate(
        level_rank=effective_rank_subquery(on, "customer_id"),
        last_contact_at=_last_contact(),
        next_follow_up=follow_up,
        upgrade_pending=Exists(pending),
    )


def group_key_persons(group: GroupCustomer, on: date) -> QuerySet[KeyPerson]:
    """GROUP-2 first category: the group's current key persons."""
    return key_persons_with_care(
        KeyPerson.objects.filter(group=group, ended_at__isnull=True), on
    ).order_by("role", "id")


def group_members(
    group: GroupCustomer, on: date, category: str = "", *, msisdn: str = ""
) -> QuerySet[GroupMember]:
    """GROUP-2: the group's current members (open memberships) with their category on
    ``on``: ``key_person``, ``vip`` (group gotone VIP: VIP on that day, not a key person)
    or ``ordinary``; ``msisdn`` narrows to the lines that start with it."""
    is_key = Exists(
        KeyPerson.objects.filter(
            group_id=OuterRef("group_id"), customer_id=OuterRef("customer_id"), ended_at=None
        )
    )
    members = (
        GroupMember.objects.filter(group=group, ended_on__isnull=True)
        .select_related("customer")
        .annotate(is_key_person=is_key, level_rank=effective_rank_subquery(on, "customer_id"))
    )
    if category == "key_person":
        members = members.filter(is_key_person=True)
    elif category == "vip":
        members = members.filter(is_key_person=False, level_rank__gt=0)
    elif category == "ordinary":
        members = members.filter(is_key_person=False, level_rank=0)
    if msisdn:
        members = members.filter(customer__msisdn__startswith=msisdn)
    return members.order_by("customer__msisdn")


def member_category_counts(group: GroupCustomer, on: date) -> dict[str, int]:
    """GROUP-2: how many people fall in each category (one query)."""
    members = group_members(group, on)
    counts = members.aggregate(
        key_person=Count("id", filter=Q(is_key_person=True)),
        vip=Count("id", filter=Q(is_key_person=False, level_rank__gt=0)),
        ordinary=Count("id", filter=Q(is_key_person=False, level_rank=0)),
    )
    return {key: value or 0 for key, value in counts.items()}


def group_former_members(group: GroupCustomer) -> QuerySet[GroupMember]:
    """GROUP-2: the group's ended memberships, the latest departure first."""
    return (
        GroupMember.objects.filter(group=group, ended_on__isnull=False)
        .select_related("customer", "ended_by")
        .order_by("-ended_on", "-ended_at", "-id")
    )


def contact_timeline(contacts: QuerySet[ContactLog]) -> QuerySet[ContactLog]:
    """GROUP-4: contacts newest first, with who and by whom."""
    return contacts.select_related("key_person", "key_person__customer", "logged_by").order_by(
        "-contacted_at", "-id"
    )


def upgrade_overdue_before(today: date) -> datetime:
    """TIER-7: a pending request asked before this moment is overdue on ``today``: more
    than UPGRADE_DECISION_WORKING_DAYS working days (statutory holidays skipped, make-up
    working days counted) have passed since the day it was asked."""
    cutoff = overdue_cutoff(today, programme("UPGRADE_DECISION_WORKING_DAYS"))
    return timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))


def upgrade_requests_annotated(
    requests: QuerySet[UpgradeRequest], today: date
) -> QuerySet[UpgradeRequest]:
    """Requests with ``overdue`` (pending and asked too many working days ago)."""
    before = upgrade_overdue_before(today)
    return requests.select_related(
        "key_person", "key_person__group", "customer", "requested_by", "decided_by"
    ).annotate(
        overdue=Exists(
            UpgradeRequest.objects.filter(
                pk=OuterRef("pk"), status=UpgradeStatus.PENDING, requested_at__lt=before
            )
        )
    )


def level_rank_of(field: str) -> Case:
    """TIER-2's order of the level code in ``field`` (0 for none), to sort by level."""
    return Case(
        *(When(**{field: level}, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def upgrade_search(
    requests: QuerySet[UpgradeRequest],
    *,
    today: date,
    status: str = "",
    q: str = "",
    level: str = "",
    overdue_only: bool = False,
) -> QuerySet[UpgradeRequest]:
    """TIER-7: requests narrowed by status, search text, requested level and overdue, with
    the ranks of the level asked from and for (``current_rank``, ``requested_rank``)."""
    if status:
        requests = requests.filter(status=status)
    if level:
        requests = requests.filter(requested_level=level)
    if overdue_only:
        requests = requests.filter(
            status=UpgradeStatus.PENDING, requested_at__lt=upgrade_overdue_before(today)
        )
    if q:
        # D-VALID-3: a whole number typed with spaces, dashes, +86 or full-width digits
        # finds its line; anything else is a prefix of a number or part of a group's name.
        requests = requests.filter(
            Q(customer__msisdn__startswith=msisdn_or_none(q) or q)
            | Q(key_person__group__name__icontains=q)
            | Q(key_person__group__code__icontains=q)
        )
    return (
        upgrade_requests_annotated(requests, today)
        .annotate(
            current_rank=level_rank_of("current_level"),
            requested_rank=level_rank_of("requested_level"),
        )
        .order_by("requested_at", "id")
    )
