"""TIER-7 through the screens: ask, inbox with overdue flags, approve, reject, withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from keyaccounts.models import UpgradeRequest, UpgradeRequestEvent
from keyaccounts.services.groups import key_person_create
from keyaccounts.services.upgrades import upgrade_request_create
from membership.models import GrantSource
from tests.builders import make_customer, make_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def person(account_manager: Any) -> Any:
    group = make_group(group_class="C", account_manager=account_manager)
    return key_person_create(
        group=group,
        customer=make_customer(),
        role="contact",
        rank="other",
        actor=account_manager,
    )


def test_tier_7_an_account_manager_asks_for_a_higher_level(
    person: Any, account_manager: Any
) -> None:
    client = login(account_manager)
    url = reverse("keyaccounts:upgrade_create", args=[person.pk])
    form = client.get(url).context["form"]
    # silver now: only the levels above it are offered
    assert [v for v, _l in form.fields["requested_level"].choices] == [
        "diamond",
        "platinum",
        "gold",
    ]
    response = client.post(url, {"requested_level": "silver", "reason": "x"})
    assert response.status_code == 200
    assert not UpgradeRequest.objects.exists()
    response = client.post(url, {"requested_level": "gold", "reason": "省厅领导"})
    request = UpgradeRequest.objects.get()
    assert response["Location"] == reverse("keyaccounts:upgrade_detail", args=[request.pk])
    assert (request.status, request.requested_by, request.reason) == (
        "pending",
        account_manager,
        "省厅领导",
    )


def test_tier_7_a_supervisor_approves_from_the_inbox_with_a_reason(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    client = login(supervisor)
    inbox = client.get(reverse("keyaccounts:upgrade_inbox"))
    assert [r.pk for r in inbox.context["page"]] == [request.pk]
    approve = reverse("keyaccounts:upgrade_approve", args=[request.pk])
    response = client.post(approve, {"note": ""})
    assert response.status_code == 200
    assert response.context["decision_form"].errors
    request.refresh_from_db()
    assert request.status == "pending"
    response = client.post(approve, {"note": "同意，限机场贵宾和绿色通道"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", supervisor)
    assert request.grant is not None
    assert request.grant.limited
    assert request.grant.source == GrantSource.UPGRADE
    # a second approval (a stale screen) is refused with a message, nothing more written
    response = client.post(approve, {"note": "again"}, follow=True)
    assert "cannot become" in response.content.decode()
    assert UpgradeRequestEvent.objects.filter(request=request).count() == 2
    assert client.get(reverse("keyaccounts:upgrade_inbox")).context["page"].object_list == []


def test_tier_7_a_supervisor_rejects_with_a_reason(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    response = login(supervisor).post(
        reverse("keyaccounts:upgrade_reject", args=[request.pk]), {"note": "理由不足"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note, request.grant) == ("rejected", "理由不足", None)


def test_tier_7_a_supervisor_who_asked_cannot_approve_through_the_screen(
    person: Any, account_manager: Any
) -> None:
    boss = UserFactory(username="boss", role="supervisor")
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=boss
    )
    client = login(boss)
    detail = client.get(reverse("keyaccounts:upgrade_detail", args=[request.pk]))
    assert detail.context["may_decide"] is False
    assert detail.context["may_withdraw"] is True
    response = client.post(
        reverse("keyaccounts:upgrade_approve", args=[request.pk]), {"note": "自批"}, follow=True
    )
    assert "Nobody decides a request they made" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"
    assert request.grant is None


def test_tier_7_the_requester_withdraws_after_confirming(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    url = reverse("keyaccounts:upgrade_withdraw", args=[request.pk])
    response = login(supervisor).post(url, {"note": "x"}, follow=True)
    assert "Only the person who asked" in response.content.decode()
    client = login(account_manager)
    assert client.get(url).status_code == 200  # the confirmation page
    request.refresh_from_db()
    assert request.status == "pending"
    assert client.post(url, {"note": "不需要了"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_tier_7_the_inbox_flags_requests_pending_more_than_3_working_days(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    old = upgrade_request_create(
        key_person=person,
        requested_level="gold",
        reason="x",
        actor=account_manager,
        at=datetime(2024, 3, 4, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    other = key_person_create(
        group=person.group, customer=make_customer(), role="influencer", rank="other"
    )
    fresh = upgrade_request_create(
        key_person=other, requested_level="silver", reason="x", actor=account_manager
    )
    response = login(supervisor).get(reverse("keyaccounts:upgrade_inbox"))
    flags = {r.pk: r.overdue for r in response.context["page"]}
    assert flags == {old.pk: True, fresh.pk: False}
    assert response.context["overdue"] == 1
    assert 'data-testid="overdue"' in response.content.decode()
