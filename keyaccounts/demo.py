"""Demo data of the group screens (GROUP-1..4, TIER-6/7): the groups and their key persons
(``seed_groups``, right after membership.demo.seed_province), then members, key-person
grants, a contact history, a few birthdays this week, some pending upgrade requests, one
overdue, and the personal account managers of the eligible VIP customers (SERVICE-8)
(``seed``, once the province is rated).

Both are called by seed_demo and are safe to run twice (``seed_groups`` does nothing when
groups exist, ``seed`` when contacts exist already).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import clock
from core.roles import MANAGER, SUPERVISOR
from keyaccounts.models import (
    CareOccasion,
    ContactChannel,
    ContactLog,
    GroupClass,
    GroupCustomer,
    GroupMember,
    KeyPerson,
    KeyPersonRank,
    KeyPersonRole,
    PersonalManager,
)
from keyaccounts.selectors.personal import eligible_without_manager
from keyaccounts.services.groups import (
    contact_log_create,
    group_member_remove,
    key_person_grants_sync,
)
from keyaccounts.services.upgrades import upgrade_request_create
from membership.demo import CITIES
from membership.models import LEVEL_RANK, Brand, Customer, Status
from membership.selectors.levels import effective_level

GROUP_NAMES = (
    "苏州工业园区管委会",
    "常州市第一人民医院",
    "淮安市财政局",
    "南京钢铁集团",
    "泰州港务集团",
    "苏州银行",
    "常州天合光能",
    "淮安市教育局",
    "南京地铁运营公司",
    "泰州医药高新区",
    "苏州大学",
    "常州市公安局",
)
# GROUP-3: the key persons of a demo group, in this order (two to four of them).
KEY_PERSON_CAST = (
    (KeyPersonRole.DECISION_MAKER, KeyPersonRank.SENIOR_LEADER, "主任"),
    (KeyPersonRole.CONTACT, KeyPersonRank.OTHER, "办公室联系人"),
    (KeyPersonRole.COMMS_MANAGER, KeyPersonRank.DIVISION_CADRE, "信息处处长"),
    (KeyPersonRole.INFLUENCER, KeyPersonRank.DIVISION_CADRE, "副处长"),
)


@transaction.atomic
def seed_groups(
    *, managers: list[Any], seed: int = 20261125, rng: random.Random | None = None
) -> dict[str, int]:
    """GROUP-1/3: the demo groups, one per name, shared out among ``managers``, each with
    two to four key persons drawn from the active gotone lines; returns counts. Does
    nothing if groups exist already. The key persons get their grants in ``seed``. ``rng``:
    the generator to go on drawing from (seed_demo's, after the province)."""
    if GroupCustomer.objects.exists():
        return {"groups": 0, "key_persons": 0}
    rng = rng or random.Random(seed)
    gotone = list(Customer.objects.filter(brand=Brand.GOTONE, status=Status.ACTIVE).order_by("id"))
    rng.shuffle(gotone)
    classes = list(GroupClass)
    key_persons = 0
    for n, name in enumerate(GROUP_NAMES):
        group = GroupCustomer.objects.create(
            code=f"G{3200 + n:05d}",
            name=name,
            group_class=classes[n % 4],
            city=next((c for c, _a in CITIES if name.startswith(c)), CITIES[0][0]),
            account_manager=managers[n % len(managers)],
        )
        for role, rank, title in KEY_PERSON_CAST[: 2 + n % 3]:
            if not gotone:
                break
            KeyPerson.objects.create(
                group=group, customer=gotone.pop(), role=role, rank=rank, title=title
            )
            key_persons += 1
    return {"groups": len(GROUP_NAMES), "key_persons": key_persons}


NOTES = (
    "拜访信息中心，了解专线扩容需求",
    "电话回访，对网络质量满意",
    "送上节日问候",
    "沟通集团统付方案",
    "约下周面谈全球通权益",
)


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(9, 18), 0)))


@transaction.atomic
def seed(*, today: date, seed: int = 20261126) -> dict[str, int]:
    """Add the group demo data; returns counts (all zero when already seeded)."""
    counts = {
        "members": 0,
        "former_members": 0,
        "grants": 0,
        "contacts": 0,
        "upgrade_requests": 0,
        "personal_managers": 0,
    }
    if ContactLog.objects.exists() or not GroupCustomer.objects.exists():
        return counts
    rng = random.Random(seed)
    people = list(
        KeyPerson.objects.filter(ended_at__isnull=True).select_related(
            "group", "group__account_manager", "customer"
        )
    )
    # Key persons were seeded directly: they have been key persons for a while, and get
    # their TIER-6 grants now; a few have their birthday this week.
    KeyPerson.objects.filter(pk__in=[p.pk for p in people]).update(
        created_at=clock.now() - timedelta(days=120)
    )
    for index, person in enumerate(people):
        if key_person_grants_sync(key_person=person, on=today, reason="demo data") is not None:
            counts["grants"] += 1
        if index % 7 == 0 and person.customer.birth_date:
            soon = today + timedelta(days=1 + index % 6)
            Customer.objects.filter(pk=person.customer_id).update(
                birth_date=person.customer.birth_date.replace(month=soon.month, day=soon.day)
                if not (soon.month == 2 and soon.day == 29)
                else person.customer.birth_date.replace(month=3, day=1)
            )

    # GROUP-2: every key person is a member; add signed members from the group's city.
    members: list[GroupMember] = [
        GroupMember(group=p.group, customer=p.customer, signed_on=today - timedelta(days=200))
        for p in people
    ]
    taken = {p.customer_id for p in people}
    for group in GroupCustomer.objects.all():
        pool = list(
            Customer.objects.filter(city=group.city, status=Status.ACTIVE)
            .exclude(pk__in=taken)
            .values_list("pk", flat=True)[:400]
        )
        for pk in rng.sample(pool, min(len(pool), rng.randrange(8, 25))):
            taken.add(pk)
            members.append(
                GroupMember(
                    group=group,
                    customer_id=pk,
                    signed_on=today - timedelta(days=rng.randrange(30, 900)),
                )
            )
    counts["members"] = len(GroupMember.objects.bulk_create(members, ignore_conflicts=True))

    # GROUP-2: in every third group an ordinary member left a few weeks ago (the group page
    # lists former members; KPI-1 of the months before still counts them, D-GROUP-5).
    for group in list(GroupCustomer.objects.order_by("code"))[::3]:
        leaving = (
            GroupMember.objects.filter(group=group, ended_on__isnull=True)
            .exclude(customer_id__in=[p.customer_id for p in people])
            .order_by("signed_on", "id")
            .first()
        )
        if leaving is not None:
            group_member_remove(
                member=leaving,
                on=max(leaving.signed_on, today - timedelta(days=rng.randrange(5, 40))),
                actor=group.account_manager,
            )
            counts["former_members"] += 1

    # GROUP-4: a contact history; every fourth key person not contacted for a long time.
    channels = [c for c in ContactChannel.values if c != ContactChannel.GREETING]
    for index, person in enumerate(people):
        if index % 4 == 3:
            continue
        manager = person.group.account_manager
        for n in range(rng.randrange(1, 4)):
            day = today - timedelta(days=rng.randrange(2, 25) + 20 * n)
            contact_log_create(
                group=person.group,
                key_person=person,
                channel=rng.choice(channels),
                contacted_at=_moment(day, rng),
                notes=rng.choice(NOTES),
                next_follow_up=(today + timedelta(days=rng.randrange(0, 4)))
                if n == 0 and index % 3 == 0
                else None,
                actor=manager,
                occasion=CareOccasion.ROUTINE,
            )
            counts["contacts"] += 1

    # TIER-7: a few pending upgrade requests, the oldest one overdue.
    candidates = [
        p
        for p in people
        if LEVEL_RANK.get(effective_level(p.customer, today) or "", 0) < LEVEL_RANK["diamond"]
    ]
    for n, person in enumerate(candidates[:4]):
        current = effective_level(person.customer, today)
        above = [lvl for lvl, rank in LEVEL_RANK.items() if rank > LEVEL_RANK.get(current or "", 0)]
        upgrade_request_create(
            key_person=person,
            requested_level=min(above, key=LEVEL_RANK.__getitem__),
            reason="集团重要领导，申请提升级别以提供机场贵宾及绿色通道服务",
            actor=person.group.account_manager,
            at=clock.now() - timedelta(days=(20, 2, 1, 0)[n]),
        )
        counts["upgrade_requests"] += 1
    # SERVICE-8: after every random draw above and using none, so the rest of the demo is
    # what it was: the eligible customers (rated by now) get a personal manager, round-robin.
    counts["personal_managers"] = seed_personal_managers(today=today)
    return counts


def seed_personal_managers(*, today: date) -> int:
    """SERVICE-8: share the eligible customers without a personal manager out among the
    account managers, by number, round-robin; assigned by the first supervisor. No random
    draw. Returns how many were assigned (0 without managers or a supervisor)."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    managers = list(users.filter(groups__name=MANAGER))
    supervisor = users.filter(groups__name=SUPERVISOR).first()
    if not managers or supervisor is None:
        return 0
    now = clock.now()
    rows = [
        PersonalManager(
            customer_id=pk,
            manager=managers[n % len(managers)],
            started_on=today,
            reason=PersonalManager.Reason.ASSIGN,
            assigned_at=now,
            assigned_by=supervisor,
        )
        for n, pk in enumerate(eligible_without_manager(today).values_list("pk", flat=True))
    ]
    return len(PersonalManager.objects.bulk_create(rows))
