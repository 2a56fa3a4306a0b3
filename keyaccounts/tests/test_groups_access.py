"""Object-level access to groups and what hangs off them: one helper per object type,
tested for every role, and through the views and the API for two account managers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from keyaccounts.access import (
    contact_log_for_user,
    contact_logs_visible_to,
    group_for_user,
    groups_visible_to,
    key_person_for_user,
    key_persons_visible_to,
    upgrade_request_for_user,
    upgrade_requests_visible_to,
)
from keyaccounts.models import ContactLog, KeyPerson, UpgradeRequest
from keyaccounts.services.groups import contact_log_create, key_person_create
from keyaccounts.services.upgrades import upgrade_request_create
from tests.builders import make_customer, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(account_manager: Any) -> dict[str, Any]:
    """A group of ``account_manager`` with a key person, a contact and a pending request."""
    group = make_group(group_class="B", account_manager=account_manager)
    person = key_person_create(
        group=group,
        customer=make_customer(),
        role="contact",
        rank="other",
        actor=account_manager,
    )
    contact = contact_log_create(
        group=group,
        key_person=person,
        channel="call",
        actor=account_manager,
        notes="回访",
    )
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    return {"group": group, "key_person": person, "contact": contact, "request": request}


HELPERS = {
    "group": group_for_user,
    "key_person": key_person_for_user,
    "contact": contact_log_for_user,
    "request": upgrade_request_for_user,
}
ALLOWED = {"account_manager", "supervisor", "superuser"}
PERSONAS = (
    "account_manager",
    "other_account_manager",
    "supervisor",
    "superuser",
    "counter_clerk",
    "outsider",
    "anonymous",
)


@pytest.fixture
def everyone(personas: dict[str, Any], other_account_manager: Any) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    return {
        **personas,
        "anonymous": AnonymousUser(),
        "other_account_manager": other_account_manager,
    }


@pytest.mark.parametrize("kind", list(HELPERS))
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("write", [False, True])
def test_each_access_helper_lets_the_owner_and_supervisors_in_and_nobody_else(
    kind: str, persona: str, write: bool, owned: dict[str, Any], everyone: dict[str, Any]
) -> None:
    user = everyone[persona]
    obj = owned[kind]
    helper = HELPERS[kind]
    if kind == "contact" and write:  # the contact log is append-only
        with pytest.raises(PermissionDenied):
            helper(user, obj.pk, write=True)
        return
    if persona in ALLOWED:
        assert helper(user, obj.pk, write=write) == obj
        assert helper(user, str(obj.pk), write=write) == obj
        with pytest.raises(Http404):
            helper(user, obj.pk + 1000, write=write)
        with pytest.raises(Http404):
            helper(user, "nonsense", write=write)
    else:
        with pytest.raises(PermissionDenied):
            helper(user, obj.pk, write=write)


def test_an_ended_key_person_can_be_read_but_not_changed(
    owned: dict[str, Any], account_manager: Any
) -> None:
    person = owned["key_person"]
    KeyPerson.objects.filter(pk=person.pk).update(ended_at=timezone.now())
    assert key_person_for_user(account_manager, person.pk) == person
    with pytest.raises(Http404):
        key_person_for_user(account_manager, person.pk, write=True)


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_are_scoped_like_the_helpers(
    persona: str, owned: dict[str, Any], everyone: dict[str, Any], other_account_manager: Any
) -> None:
    theirs = make_group(account_manager=other_account_manager)
    user = everyone[persona]
    groups = set(groups_visible_to(user))
    if persona in ("supervisor", "superuser"):
        assert groups == {owned["group"], theirs}
    elif persona == "account_manager":
        assert groups == {owned["group"]}
    elif persona == "other_account_manager":
        assert groups == {theirs}
    else:
        assert groups == set()
    sees_owned = owned["group"] in groups
    assert (owned["key_person"] in key_persons_visible_to(user)) is sees_owned
    assert (owned["contact"] in contact_logs_visible_to(user)) is sees_owned
    assert (owned["request"] in upgrade_requests_visible_to(user)) is sees_owned


# ---- the same through the views, for two account managers ----


def test_another_account_manager_cannot_open_or_change_my_group_pages(
    owned: dict[str, Any], other_account_manager: Any
) -> None:
    client = Client()
    client.force_login(other_account_manager)
    group, person, request = owned["group"], owned["key_person"], owned["request"]
    for url in (
        reverse("keyaccounts:group_detail", args=[group.pk]),
        reverse("keyaccounts:group_contacts", args=[group.pk]),
        reverse("keyaccounts:group_contact_create", args=[group.pk]),
        reverse("keyaccounts:group_member_add", args=[group.pk]),
        reverse("keyaccounts:key_person_create", args=[group.pk]),
        reverse("keyaccounts:key_person_detail", args=[person.pk]),
        reverse("keyaccounts:key_person_update", args=[person.pk]),
        reverse("keyaccounts:key_person_remove", args=[person.pk]),
        reverse("keyaccounts:key_person_contact_create", args=[person.pk]),
        reverse("keyaccounts:upgrade_create", args=[person.pk]),
        reverse("keyaccounts:upgrade_detail", args=[request.pk]),
        reverse("keyaccounts:upgrade_withdraw", args=[request.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("keyaccounts:key_person_contact_create", args=[person.pk]),
        {"channel": "call", "occasion": "routine"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("keyaccounts:key_person_remove", args=[person.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("keyaccounts:upgrade_withdraw", args=[request.pk]), {"note": "x"}
    )
    assert response.status_code == 403
    assert ContactLog.objects.count() == 1
    person.refresh_from_db()
    assert person.ended_at is None
    assert UpgradeRequest.objects.get().status == "pending"
    # and my group is not in their lists
    body = client.get(reverse("keyaccounts:group_list")).content.decode()
    assert group.name not in body
    body = client.get(reverse("keyaccounts:manager_workspace")).content.decode()
    assert group.name not in body


def test_the_owner_opens_the_same_pages(owned: dict[str, Any], account_manager: Any) -> None:
    client = Client()
    client.force_login(account_manager)
    assert (
        client.get(reverse("keyaccounts:group_detail", args=[owned["group"].pk])).status_code == 200
    )
    assert (
        client.get(
            reverse("keyaccounts:key_person_detail", args=[owned["key_person"].pk])
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("keyaccounts:upgrade_detail", args=[owned["request"].pk])).status_code
        == 200
    )


# ---- and through the API ----


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_shows_another_account_manager_none_of_my_objects(
    owned: dict[str, Any], other_account_manager: Any
) -> None:
    client = api(other_account_manager)
    for name in ("group", "key-person", "contact-log", "upgrade-request"):
        listing = client.get(reverse(f"api:{name}-list"))
        assert listing.status_code == 200, name
        assert listing.json()["count"] == 0, name
    for name, key in (
        ("group", "group"),
        ("key-person", "key_person"),
        ("contact-log", "contact"),
        ("upgrade-request", "request"),
    ):
        response = client.get(reverse(f"api:{name}-detail", args=[owned[key].pk]))
        assert response.status_code == 403, name
    response = client.post(
        reverse("api:contact-log-list"),
        {
            "group": owned["group"].pk,
            "key_person": owned["key_person"].pk,
            "channel": "call",
            "notes": "回访",
        },
        format="json",
    )
    assert response.status_code == 403
    response = client.post(
        reverse("api:upgrade-request-withdraw", args=[owned["request"].pk]), {}, format="json"
    )
    assert response.status_code == 403
    assert ContactLog.objects.count() == 1
    assert UpgradeRequest.objects.get().status == "pending"


def test_the_api_shows_the_owner_their_objects(owned: dict[str, Any], account_manager: Any) -> None:
    client = api(account_manager)
    for name in ("group", "key-person", "contact-log", "upgrade-request"):
        assert client.get(reverse(f"api:{name}-list")).json()["count"] == 1, name
    response = client.get(reverse("api:group-detail", args=[owned["group"].pk]))
    assert response.status_code == 200
    assert response.json()["code"] == owned["group"].code
