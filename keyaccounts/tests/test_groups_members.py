"""GROUP-2 memberships over time (D-GROUP-7): a member who leaves is ended, not deleted; the
current members are the open memberships; a line may sign up again after leaving."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError
from keyaccounts.models import GroupCustomer, GroupMember
from keyaccounts.selectors.groups import (
    group_former_members,
    group_members,
    groups_annotated,
    member_category_counts,
    memberships_on,
)
from keyaccounts.services.groups import (
    group_member_add,
    group_member_remove,
    key_person_create,
    key_person_remove,
)
from tests.builders import make_customer, make_group, make_member

pytestmark = pytest.mark.django_db


def member_count(group: GroupCustomer) -> int:
    row: Any = groups_annotated(GroupCustomer.objects.filter(pk=group.pk)).get()
    return int(row.member_count or 0)


def test_group_2_a_member_who_leaves_is_ended_not_deleted(account_manager: Any) -> None:
    today = timezone.localdate()
    group = make_group(account_manager=account_manager)
    staying = make_member(group=group)
    leaving = group_member_add(
        group=group, customer=make_customer(), signed_on=date(2025, 3, 1), actor=account_manager
    )
    assert member_count(group) == 2

    ended = group_member_remove(member=leaving, actor=account_manager)

    assert (ended.ended_on, ended.ended_by) == (today, account_manager)
    assert GroupMember.objects.filter(pk=leaving.pk, ended_at__isnull=False).exists()
    assert list(group_members(group, today)) == [staying]
    assert member_category_counts(group, today) == {"key_person": 0, "vip": 0, "ordinary": 1}
    assert member_count(group) == 1
    assert list(group_former_members(group)) == [leaving]
    with pytest.raises(DomainError, match="no longer a member"):
        group_member_remove(member=leaving)


def test_group_2_the_day_a_member_left_is_neither_future_nor_before_signing(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    member = make_member(group=make_group(account_manager=account_manager))  # 2024-01-01
    with pytest.raises(DomainError, match="future day"):
        group_member_remove(member=member, on=today + timedelta(days=1))
    with pytest.raises(DomainError, match="signed up on 2024-01-01"):
        group_member_remove(member=member, on=date(2023, 12, 31))
    assert GroupMember.objects.get(pk=member.pk).ended_on is None
    assert group_member_remove(member=member, on=date(2025, 6, 15)).ended_on == date(2025, 6, 15)
    # a membership signed for a day still to come closes on that day: it never counts
    later = make_member(signed_on=today + timedelta(days=10))
    assert group_member_remove(member=later).ended_on == today + timedelta(days=10)


def test_group_2_a_line_signs_up_again_after_leaving_without_overlapping(
    account_manager: Any,
) -> None:
    group = make_group(account_manager=account_manager)
    customer = make_customer()
    first = group_member_add(group=group, customer=customer, signed_on=date(2025, 1, 10))
    group_member_remove(member=first, on=date(2025, 6, 15))
    with pytest.raises(DomainError, match="left this group on 2025-06-15"):
        group_member_add(group=group, customer=customer, signed_on=date(2025, 6, 1))
    second = group_member_add(group=group, customer=customer, signed_on=date(2025, 6, 15))
    with pytest.raises(DomainError, match="member of this group already"):
        group_member_add(group=group, customer=customer)
    # on each day the line is a member through one membership at most
    for day, expected in (
        (date(2025, 6, 14), [first]),
        (date(2025, 6, 15), [second]),
        (date(2025, 1, 9), []),
    ):
        assert list(memberships_on(day).filter(customer=customer)) == expected


def test_group_2_one_open_membership_per_line_and_group_is_a_database_rule() -> None:
    member = make_member()
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.create(
            group=member.group, customer=member.customer, signed_on=date(2025, 1, 1)
        )
    group_member_remove(member=member, on=date(2025, 1, 1))
    GroupMember.objects.create(
        group=member.group, customer=member.customer, signed_on=date(2025, 2, 1)
    )
    assert GroupMember.objects.filter(customer=member.customer).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():  # no end before the start
        GroupMember.objects.filter(pk=member.pk).update(ended_on=date(2023, 1, 1))


def test_group_2_a_former_key_person_leaves_and_comes_back_as_a_key_person(
    account_manager: Any,
) -> None:
    group = make_group(account_manager=account_manager)
    customer = make_customer()
    person = key_person_create(
        group=group, customer=customer, role="influencer", rank="other", actor=account_manager
    )
    membership = GroupMember.objects.get(group=group, customer=customer)
    with pytest.raises(DomainError, match="key person"):
        group_member_remove(member=membership)
    key_person_remove(key_person=person, actor=account_manager)
    group_member_remove(member=membership, actor=account_manager)
    key_person_create(
        group=group, customer=customer, role="influencer", rank="other", actor=account_manager
    )
    rows = GroupMember.objects.filter(group=group, customer=customer)
    assert rows.count() == 2
    assert rows.filter(ended_on__isnull=True).count() == 1
    assert [m.customer for m in group_members(group, timezone.localdate())] == [customer]
