"""TIER-6 key-person levels and GROUP-1..3 services: grants follow role, rank and class."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.errors import DomainError
from keyaccounts.models import GroupMember, KeyPerson, KeyPersonRank, KeyPersonRole
from keyaccounts.selectors.groups import group_members, member_category_counts
from keyaccounts.services.groups import (
    group_change_class,
    group_create,
    group_member_add,
    group_member_remove,
    group_update,
    key_person_create,
    key_person_grants_sync,
    key_person_level,
    key_person_remove,
    key_person_update,
)
from membership.models import GrantEvent, GrantSource, LevelGrant, Status
from membership.selectors.levels import effective_level
from membership.services.grants import grant_create, grants_for_cause
from tests.builders import make_customer, make_group, make_member

pytestmark = pytest.mark.django_db

# TIER-6, written out by hand from docs/rules.md: (class, rank) → (level for any role other than
# contact, level for a contact). Rank and role both count; the higher applies.
EXPECTED: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("A", "senior_leader"): ("diamond", "diamond"),
    ("A", "division_cadre"): ("gold", "gold"),  # Decision: class A only
    ("A", "other"): (None, "gold"),
    ("B", "senior_leader"): ("gold", "gold"),
    ("B", "division_cadre"): (None, "silver"),
    ("B", "other"): (None, "silver"),
    ("C", "senior_leader"): ("silver", "silver"),
    ("C", "division_cadre"): (None, "silver"),
    ("C", "other"): (None, "silver"),
    ("D", "senior_leader"): (None, "silver"),
    ("D", "division_cadre"): (None, "silver"),
    ("D", "other"): (None, "silver"),
}
CASES = [
    (cls, role, rank)
    for cls in "ABCD"
    for role in KeyPersonRole.values
    for rank in KeyPersonRank.values
]


def expected_level(cls: str, role: str, rank: str) -> str | None:
    other, contact = EXPECTED[(cls, rank)]
    return contact if role == KeyPersonRole.CONTACT else other


@pytest.mark.parametrize(("group_class", "role", "rank"), CASES)
def test_tier_6_mapping_of_every_class_role_and_rank(
    group_class: str, role: str, rank: str, account_manager: Any
) -> None:
    group = make_group(group_class=group_class, account_manager=account_manager)
    customer = make_customer()
    person = key_person_create(
        group=group, customer=customer, role=role, rank=rank, actor=account_manager
    )
    wanted = expected_level(group_class, role, rank)
    assert key_person_level(group_class=group_class, role=role, rank=rank) == wanted
    assert effective_level(customer, timezone.localdate()) == wanted
    grants = list(grants_for_cause(person))
    if wanted is None:
        assert grants == []
    else:
        assert [(g.level, g.source, g.valid_until) for g in grants] == [
            (wanted, GrantSource.KEY_PERSON, None)
        ]
        assert grants[0].events.get().action == GrantEvent.Action.GRANTED  # TIER-10


def test_tier_6_own_rating_higher_wins_and_the_key_person_grant_stays(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    customer = make_customer()
    grant_create(
        customer=customer,
        level="platinum",
        source=GrantSource.ANNUAL,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
    )
    group = make_group(group_class="B", account_manager=account_manager)
    key_person_create(
        group=group, customer=customer, role="contact", rank="other", actor=account_manager
    )
    assert effective_level(customer, today) == "platinum"
    assert set(customer.grants.values_list("source", "level")) == {
        ("annual", "platinum"),
        ("key_person", "silver"),
    }


def test_tier_6_key_person_higher_than_own_rating_and_removal_restores_the_rating(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    customer = make_customer()
    grant_create(customer=customer, level="guest", source=GrantSource.ANNUAL, valid_from=today)
    group = make_group(group_class="A", account_manager=account_manager)
    person = key_person_create(
        group=group,
        customer=customer,
        role="decision_maker",
        rank="senior_leader",
        actor=account_manager,
    )
    assert effective_level(customer, today) == "diamond"
    key_person_remove(key_person=person, reason="retired", actor=account_manager)
    assert effective_level(customer, today) == "guest"
    grant = grants_for_cause(person).get()
    assert grant.ended_by == account_manager
    assert grant.events.filter(action=GrantEvent.Action.ENDED).exists()
    person.refresh_from_db()
    assert person.ended_at is not None
    assert person.end_reason == "retired"
    # still a member of the group (GROUP-2), now an ordinary one
    assert GroupMember.objects.filter(group=group, customer=customer).exists()


def test_tier_6_a_class_change_ends_the_old_grant_and_creates_the_new_one(
    account_manager: Any, supervisor: Any
) -> None:
    today = timezone.localdate()
    group = make_group(group_class="A", account_manager=account_manager)
    leader = key_person_create(
        group=group,
        customer=make_customer(),
        role="decision_maker",
        rank="senior_leader",
        actor=account_manager,
        on=today - timedelta(days=10),
    )
    cadre = key_person_create(
        group=group,
        customer=make_customer(),
        role="influencer",
        rank="division_cadre",
        actor=account_manager,
        on=today - timedelta(days=10),
    )
    group_change_class(group=group, group_class="B", actor=supervisor)

    old, new = grants_for_cause(leader).order_by("valid_from")
    assert (old.level, old.valid_until, old.ended_by) == (
        "diamond",
        today - timedelta(days=1),
        supervisor,
    )
    assert "class A → B" in old.end_reason
    assert (new.level, new.valid_from, new.valid_until) == ("gold", today, None)
    # a class B division-level cadre gets nothing: the gold grant just ends
    (cadre_grant,) = grants_for_cause(cadre)
    assert cadre_grant.valid_until == today - timedelta(days=1)
    assert effective_level(cadre.customer, today) is None
    assert effective_level(leader.customer, today) == "gold"


def test_tier_6_changing_role_or_rank_re_grants_and_an_unchanged_one_keeps_the_grant(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    group = make_group(group_class="A", account_manager=account_manager)
    person = key_person_create(
        group=group,
        customer=make_customer(),
        role="influencer",
        rank="other",
        actor=account_manager,
    )
    assert effective_level(person.customer, today) is None
    key_person_update(key_person=person, role="contact", rank="other", actor=account_manager)
    assert effective_level(person.customer, today) == "gold"
    key_person_update(
        key_person=person, role="contact", rank="senior_leader", actor=account_manager
    )
    assert effective_level(person.customer, today) == "diamond"
    # the same day: the gold grant of this morning is voided, not left valid for today
    gold = grants_for_cause(person).get(level="gold")
    assert gold.valid_until is not None
    assert gold.valid_until < gold.valid_from
    assert gold.ended_at is not None
    before = LevelGrant.objects.count()
    key_person_update(
        key_person=person,
        role="contact",
        rank="senior_leader",
        title="书记",
        actor=account_manager,
    )
    key_person_grants_sync(key_person=person, reason="again")
    assert LevelGrant.objects.count() == before  # nothing changed, nothing written
    person.refresh_from_db()
    assert person.title == "书记"


def test_tier_6_a_cancelled_line_gets_no_key_person_grant(account_manager: Any) -> None:
    group = make_group(group_class="A", account_manager=account_manager)
    customer = make_customer(status=Status.CANCELLED)
    with pytest.raises(DomainError, match="cancelled"):
        key_person_create(
            group=group, customer=customer, role="contact", rank="other", actor=account_manager
        )
    assert not KeyPerson.objects.exists()
    assert not LevelGrant.objects.exists()


def test_group_3_a_group_has_at_most_two_contacts_or_three_with_an_it_centre(
    account_manager: Any, supervisor: Any
) -> None:
    group = make_group(group_class="C", account_manager=account_manager)
    for _ in range(2):
        key_person_create(
            group=group,
            customer=make_customer(),
            role="contact",
            rank="other",
            actor=account_manager,
        )
    third = make_customer()
    with pytest.raises(DomainError, match="at most 2 contacts"):
        key_person_create(
            group=group, customer=third, role="contact", rank="other", actor=account_manager
        )
    influencer = key_person_create(
        group=group, customer=third, role="influencer", rank="other", actor=account_manager
    )
    with pytest.raises(DomainError, match="at most 2 contacts"):
        key_person_update(
            key_person=influencer, role="contact", rank="other", actor=account_manager
        )
    group_update(
        group=group,
        name=group.name,
        city=group.city,
        account_manager=account_manager,
        has_it_centre=True,
        actor=supervisor,
    )
    key_person_update(key_person=influencer, role="contact", rank="other", actor=account_manager)
    assert group.key_persons.filter(role="contact", ended_at=None).count() == 3
    with pytest.raises(DomainError, match="at most 2 contacts"):
        group_update(
            group=group,
            name=group.name,
            city=group.city,
            account_manager=account_manager,
            has_it_centre=False,
            actor=supervisor,
        )


def test_group_3_a_person_is_a_key_person_of_a_group_once(account_manager: Any) -> None:
    group = make_group(account_manager=account_manager)
    customer = make_customer()
    first = key_person_create(
        group=group, customer=customer, role="contact", rank="other", actor=account_manager
    )
    with pytest.raises(DomainError, match="already"):
        key_person_create(
            group=group,
            customer=customer,
            role="influencer",
            rank="other",
            actor=account_manager,
        )
    key_person_remove(key_person=first, actor=account_manager)
    again = key_person_create(
        group=group, customer=customer, role="influencer", rank="other", actor=account_manager
    )
    assert again.pk != first.pk
    with pytest.raises(DomainError, match="no longer"):
        key_person_remove(key_person=first, actor=account_manager)


def test_group_1_a_group_needs_a_known_class_and_an_account_manager(
    account_manager: Any, clerk: Any, supervisor: Any
) -> None:
    with pytest.raises(DomainError, match="class"):
        group_create(
            code="g1", name="X", group_class="E", city="苏州", account_manager=account_manager
        )
    with pytest.raises(DomainError, match="account manager"):
        group_create(code="g1", name="X", group_class="A", city="苏州", account_manager=clerk)
    group = group_create(
        code=" g1 ",
        name="苏州银行",
        group_class="A",
        city="苏州",
        account_manager=account_manager,
        actor=supervisor,
    )
    assert group.code == "G1"
    with pytest.raises(DomainError, match="exists already"):
        group_create(
            code="G1", name="Y", group_class="B", city="苏州", account_manager=account_manager
        )
    with pytest.raises(DomainError, match="class A already"):
        group_change_class(group=group, group_class="A")


def test_group_2_members_fall_into_key_persons_group_vips_and_ordinary_members(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    group = make_group(group_class="A", account_manager=account_manager)
    leader = key_person_create(
        group=group,
        customer=make_customer(),
        role="decision_maker",
        rank="senior_leader",
        actor=account_manager,
    )
    vip = make_customer()
    grant_create(customer=vip, level="gold", source=GrantSource.ANNUAL, valid_from=today)
    group_member_add(group=group, customer=vip, actor=account_manager)
    ordinary = make_member(group=group).customer

    assert member_category_counts(group, today) == {"key_person": 1, "vip": 1, "ordinary": 1}
    assert [m.customer for m in group_members(group, today, "key_person")] == [leader.customer]
    assert [m.customer for m in group_members(group, today, "vip")] == [vip]
    assert [m.customer for m in group_members(group, today, "ordinary")] == [ordinary]


def test_group_2_a_member_is_added_once_and_a_key_person_cannot_be_removed_as_member(
    account_manager: Any,
) -> None:
    group = make_group(account_manager=account_manager)
    customer = make_customer()
    member = group_member_add(group=group, customer=customer, signed_on=date(2025, 3, 1))
    with pytest.raises(DomainError, match="member of this group already"):
        group_member_add(group=group, customer=customer)
    key_person_create(
        group=group, customer=customer, role="influencer", rank="other", actor=account_manager
    )
    assert GroupMember.objects.filter(group=group).count() == 1  # not added twice
    with pytest.raises(DomainError, match="key person"):
        group_member_remove(member=member)
    with pytest.raises(DomainError, match="cancelled"):
        group_member_add(group=group, customer=make_customer(status=Status.CANCELLED))
