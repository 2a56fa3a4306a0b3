"""CUST-11: key accounts on the member timeline — the contacts with a customer who is a key
person (GROUP-4) and their upgrade requests with each decision (TIER-7), scoped as
keyaccounts scopes them: an account manager sees what belongs to the groups they manage, a
supervisor all of it, a counter clerk none of it; the contact person's name masked (CUST-8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from conftest import SHANGHAI
from keyaccounts.models import KeyPerson, UpgradeRequest, UpgradeRequestEvent, UpgradeStatus
from membership.extensions import TIMELINE_CONTACT, TIMELINE_REQUEST
from membership.selectors.timeline import timeline_entries
from tests.builders import make_customer, make_group
from tests.factories import ContactLogFactory, KeyPersonFactory

pytestmark = pytest.mark.django_db

KINDS = [TIMELINE_CONTACT, TIMELINE_REQUEST]


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def _history(manager: Any, other_manager: Any, supervisor: Any) -> tuple[Any, KeyPerson]:
    customer = make_customer(msisdn="13900000001")
    mine = make_group(name="苏州钢铁集团", account_manager=manager)
    theirs = make_group(name="无锡纺织集团", account_manager=other_manager)
    key_person = cast(KeyPerson, KeyPersonFactory(group=mine, customer=customer))
    other_role = cast(KeyPerson, KeyPersonFactory(group=theirs, customer=customer))
    ContactLogFactory(
        group=mine,
        key_person=key_person,
        person="李四五",
        channel="visit",
        occasion="birthday",
        contacted_at=_at(3, 1),
        logged_by=manager,
    )
    ContactLogFactory(
        group=theirs,
        key_person=other_role,
        channel="call",
        contacted_at=_at(4, 1),
        logged_by=other_manager,
    )
    upgrade = UpgradeRequest.objects.create(
        key_person=key_person,
        customer=customer,
        requested_level="platinum",
        reason="集团高层",
        status=UpgradeStatus.APPROVED,
        requested_by=manager,
        requested_at=_at(5, 1),
        decided_by=supervisor,
        decided_at=_at(5, 3),
    )
    UpgradeRequestEvent.objects.create(
        request=upgrade, to_status=UpgradeStatus.PENDING, at=_at(5, 1), actor=manager
    )
    UpgradeRequestEvent.objects.create(
        request=upgrade,
        from_status=UpgradeStatus.PENDING,
        to_status=UpgradeStatus.APPROVED,
        at=_at(5, 3),
        actor=supervisor,
        note="同意",
    )
    return customer, key_person


def _titles(customer: Any, user: Any) -> list[str]:
    return [e.title for e in timeline_entries(customer, user=user, kinds=KINDS, limit=None)]


def test_cust_11_the_account_manager_sees_the_contacts_and_upgrades_of_their_groups(
    account_manager: Any, other_account_manager: Any, supervisor: Any
) -> None:
    customer, key_person = _history(account_manager, other_account_manager, supervisor)
    entries = list(timeline_entries(customer, user=account_manager, kinds=KINDS, limit=None))
    assert [e.title for e in entries] == [
        "Upgrade to Platinum 白金卡 approved",
        "Upgrade to Platinum 白金卡 asked for",
        "Visit by the account manager: Birthday",
    ]
    assert [e.rule for e in entries] == ["TIER-7", "TIER-7", "GROUP-4"]
    contact = entries[2]
    assert contact.kind == TIMELINE_CONTACT
    assert "苏州钢铁集团" in contact.detail
    assert "李**" in contact.detail
    assert "李四五" not in contact.detail
    assert contact.link == reverse("keyaccounts:key_person_detail", args=[key_person.pk])
    assert entries[0].detail == "同意"


def test_cust_11_other_groups_contacts_stay_hidden_and_clerks_see_none(
    clerk: Any, account_manager: Any, other_account_manager: Any, supervisor: Any
) -> None:
    customer, _ = _history(account_manager, other_account_manager, supervisor)
    assert _titles(customer, other_account_manager) == [
        "Call by the account manager: Routine contact"
    ]
    assert len(_titles(customer, supervisor)) == 4
    assert _titles(customer, clerk) == []


def test_cust_11_the_page_shows_an_account_manager_only_their_groups(
    client: Client, account_manager: Any, other_account_manager: Any, supervisor: Any
) -> None:
    customer, _ = _history(account_manager, other_account_manager, supervisor)
    client.force_login(other_account_manager)
    response = client.get(
        reverse("membership:customer_timeline", args=[customer.msisdn]), {"kind": KINDS}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "无锡纺织集团" in body
    assert "苏州钢铁集团" not in body
    assert "Upgrade to" not in body
