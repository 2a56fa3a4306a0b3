"""The group screens: permission matrix of every view with real objects, what each form
does to the database, and the query counts of the list pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.access import URL_ACCESS
from keyaccounts.models import (
    BirthdayGift,
    ContactLog,
    GroupCustomer,
    GroupMember,
    KeyPerson,
    KpiFigure,
    PersonalManager,
    UpgradeRequest,
)
from keyaccounts.services.groups import (
    contact_log_create,
    group_member_remove,
    key_person_create,
)
from keyaccounts.services.upgrades import upgrade_request_create
from membership.selectors.levels import effective_level
from tests.builders import make_customer, make_group, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(account_manager: Any) -> dict[str, Any]:
    group = make_group(group_class="A", account_manager=account_manager)
    person = key_person_create(
        group=group,
        customer=make_customer(birth_date=date(1970, 1, 1)),
        role="contact",
        rank="other",
        actor=account_manager,
    )
    member = make_member(group=group)
    contact_log_create(
        group=group, key_person=person, channel="call", actor=account_manager, notes="回访"
    )
    request = upgrade_request_create(
        key_person=person, requested_level="diamond", reason="重要领导", actor=account_manager
    )
    # SERVICE-8/14: a personal VIP customer of the manager with a birthday gift due.
    vip = make_customer(birth_date=date(1980, 1, 1))
    PersonalManager.objects.create(
        customer=vip,
        manager=account_manager,
        started_on=date(2026, 1, 1),
        reason="assign",
        assigned_at=timezone.now(),
        assigned_by=account_manager,
    )
    gift = BirthdayGift.objects.create(
        customer=vip,
        year=2027,
        birthday=date(2027, 1, 1),
        contact_by=date(2026, 12, 29),
        opened_at=timezone.now(),
    )
    return {
        "group": group,
        "person": person,
        "member": member,
        "request": request,
        "gift": gift,
    }


def kwargs_for(name: str, world: dict[str, Any]) -> dict[str, int]:
    group, person, request = world["group"], world["person"], world["request"]
    if name == "keyaccounts:group_member_remove":
        return {"group_id": group.pk, "member_id": world["member"].pk}
    if name.startswith("keyaccounts:group_") and name not in (
        "keyaccounts:group_list",
        "keyaccounts:group_create",
    ):
        return {"group_id": group.pk}
    if name == "keyaccounts:key_person_create":
        return {"group_id": group.pk}
    if name.startswith("keyaccounts:key_person_") or name == "keyaccounts:upgrade_create":
        return {"key_person_id": person.pk}
    if name.startswith("keyaccounts:upgrade_") and name not in (
        "keyaccounts:upgrade_list",
        "keyaccounts:upgrade_inbox",
    ):
        return {"request_id": request.pk}
    if name == "keyaccounts:vip_gift_detail":
        return {"gift_id": world["gift"].pk}
    if name == "keyaccounts:vip_gift_step":
        return {"gift_id": world["gift"].pk, "step": "contact"}
    return {}


GROUP_VIEWS = [name for name in URL_ACCESS if name.startswith("keyaccounts:")]
PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")


def test_every_group_view_is_in_the_matrix() -> None:
    # 24 + the personal account managers' pages (SERVICE-8: 4) + the birthday gifts'
    # (SERVICE-14: 4) + the manager's notifications (D-GROUP-11: 3)
    assert len(GROUP_VIEWS) == 35


# D-GROUP-11: marking notifications read is a POST; a GET an allowed user sends is refused
# with 405 (not 403: the door is open, the method is wrong).
POST_ONLY = {"keyaccounts:notice_read", "keyaccounts:notice_read_all"}


@pytest.mark.parametrize("name", GROUP_VIEWS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_every_group_view(
    name: str, persona: str, world: dict[str, Any], personas: dict[str, Any]
) -> None:
    client = Client()
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs_for(name, world)))
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona == "superuser" or persona in URL_ACCESS[name]:
        assert response.status_code == (405 if name in POST_ONLY else 200), (name, persona)
    else:
        assert response.status_code == 403, (name, persona)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---- what the forms do ----


def test_a_supervisor_creates_and_edits_a_group_and_a_manager_cannot(
    supervisor: Any, account_manager: Any, other_account_manager: Any
) -> None:
    data = {
        "code": "g9",
        "name": "苏州大学",
        "group_class": "B",
        "city": "苏州",
        "account_manager": account_manager.pk,
    }
    assert login(account_manager).post(reverse("keyaccounts:group_create"), data).status_code == 403
    assert not GroupCustomer.objects.exists()
    response = login(supervisor).post(reverse("keyaccounts:group_create"), data)
    group = GroupCustomer.objects.get()
    assert response["Location"] == reverse("keyaccounts:group_detail", args=[group.pk])
    assert (group.code, group.group_class, group.account_manager) == ("G9", "B", account_manager)
    response = login(supervisor).post(
        reverse("keyaccounts:group_update", args=[group.pk]),
        {
            "name": "苏州大学",
            "city": "苏州",
            "account_manager": other_account_manager.pk,
            "has_it_centre": "on",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.account_manager == other_account_manager
    assert group.has_it_centre


def test_a_class_change_is_confirmed_first_then_re_grants(
    world: dict[str, Any], supervisor: Any
) -> None:
    group, person = world["group"], world["person"]
    client = login(supervisor)
    url = reverse("keyaccounts:group_change_class", args=[group.pk])
    response = client.post(url, {"group_class": "C"})
    assert response.status_code == 200
    assert response.context["confirming"]
    group.refresh_from_db()
    assert group.group_class == "A"
    assert effective_level(person.customer, timezone.localdate()) == "gold"
    response = client.post(url, {"group_class": "C", "confirmed": "1"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.group_class == "C"
    assert effective_level(person.customer, timezone.localdate()) == "silver"


def test_members_are_added_by_number_and_ended_after_confirmation(
    world: dict[str, Any], account_manager: Any
) -> None:
    group = world["group"]
    client = login(account_manager)
    customer = make_customer(msisdn="13912345678")
    url = reverse("keyaccounts:group_member_add", args=[group.pk])
    response = client.post(url, {"customer": "139 0000 0000"})
    assert response.status_code == 200
    assert response.context["form"].errors["customer"]
    response = client.post(url, {"customer": "+86 139-1234-5678"})
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group, customer=customer)
    remove = reverse("keyaccounts:group_member_remove", args=[group.pk, member.pk])
    assert client.get(remove).status_code == 200  # the confirmation page
    assert GroupMember.objects.get(pk=member.pk).ended_on is None
    assert client.post(remove).status_code == 302
    # GROUP-2 / D-GROUP-7: ended, not deleted, and listed among the former members
    member.refresh_from_db()
    assert (member.ended_on, member.ended_by) == (timezone.localdate(), account_manager)
    assert member.ended_at is not None
    detail = client.get(reverse("keyaccounts:group_detail", args=[group.pk]))
    assert customer not in [m.customer for m in detail.context["page"]]
    assert list(detail.context["former"]) == [member]
    assert 'data-testid="former-members"' in detail.content.decode()
    assert client.get(remove).status_code == 404  # an ended membership is not removed again
    # a key person is not removed as a member: the page says why
    key_member = GroupMember.objects.get(group=group, customer=world["person"].customer)
    response = client.post(
        reverse("keyaccounts:group_member_remove", args=[group.pk, key_member.pk])
    )
    assert response.status_code == 200
    assert "key person" in str(response.context["form"].non_field_errors())
    key_member.refresh_from_db()
    assert key_member.ended_on is None


def test_a_member_leaves_on_a_past_day_not_a_future_one_and_may_sign_up_again(
    world: dict[str, Any], account_manager: Any
) -> None:
    group, member = world["group"], world["member"]  # signed on 2024-01-01
    client = login(account_manager)
    remove = reverse("keyaccounts:group_member_remove", args=[group.pk, member.pk])
    response = client.post(remove, {"ended_on": "2099-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["ended_on"]
    assert 'value="2099-01-01"' in response.content.decode()  # what was typed is kept
    response = client.post(remove, {"ended_on": "2023-12-31"})
    assert "signed up on 2024-01-01" in str(response.context["form"].non_field_errors())
    member.refresh_from_db()
    assert member.ended_on is None
    assert client.post(remove, {"ended_on": "2025-06-15"}).status_code == 302
    member.refresh_from_db()
    assert member.ended_on == date(2025, 6, 15)
    # the line signs up again: a second, open membership; the first one stays as it was
    add = reverse("keyaccounts:group_member_add", args=[group.pk])
    assert client.post(add, {"customer": member.customer.msisdn}).status_code == 302
    rows = GroupMember.objects.filter(group=group, customer=member.customer).order_by("id")
    assert [(m.signed_on, m.ended_on) for m in rows] == [
        (date(2024, 1, 1), date(2025, 6, 15)),
        (timezone.localdate(), None),
    ]


def test_the_group_list_counts_current_members_only(
    world: dict[str, Any], account_manager: Any
) -> None:
    client = login(account_manager)
    (row,) = client.get(reverse("keyaccounts:group_list")).context["page"]
    assert row.member_count == 2  # the key person and the member
    group_member_remove(member=world["member"], actor=account_manager)
    (row,) = client.get(reverse("keyaccounts:group_list")).context["page"]
    assert row.member_count == 1
    body = client.get(reverse("api:group-detail", args=[world["group"].pk])).json()
    assert body["member_count"] == 1


def test_key_persons_are_added_changed_and_removed_with_their_levels(
    world: dict[str, Any], account_manager: Any
) -> None:
    group = world["group"]
    client = login(account_manager)
    customer = make_customer()
    response = client.post(
        reverse("keyaccounts:key_person_create", args=[group.pk]),
        {
            "customer": customer.msisdn,
            "role": "decision_maker",
            "rank": "division_cadre",
            "title": "处长",
        },
    )
    person = KeyPerson.objects.get(customer=customer)
    assert response["Location"] == reverse("keyaccounts:key_person_detail", args=[person.pk])
    today = timezone.localdate()
    assert effective_level(customer, today) == "gold"
    client.post(
        reverse("keyaccounts:key_person_update", args=[person.pk]),
        {"role": "decision_maker", "rank": "senior_leader", "title": "局长"},
    )
    assert effective_level(customer, today) == "diamond"
    remove = reverse("keyaccounts:key_person_remove", args=[person.pk])
    assert client.get(remove).status_code == 200
    assert client.post(remove, {"reason": "调任"}).status_code == 302
    person.refresh_from_db()
    assert person.ended_at is not None
    assert person.end_reason == "调任"
    assert effective_level(customer, today) is None


def test_a_third_contact_is_refused_with_the_reason_on_the_form(
    world: dict[str, Any], account_manager: Any
) -> None:
    client = login(account_manager)
    group = world["group"]
    key_person_create(group=group, customer=make_customer(), role="contact", rank="other")
    response = client.post(
        reverse("keyaccounts:key_person_create", args=[group.pk]),
        {"customer": make_customer().msisdn, "role": "contact", "rank": "other"},
    )
    assert response.status_code == 200
    assert "at most 2 contacts" in str(response.context["form"].non_field_errors())
    assert group.key_persons.count() == 2


def test_quick_contact_from_a_row_logs_it_and_goes_back(
    world: dict[str, Any], account_manager: Any
) -> None:
    person = world["person"]
    client = login(account_manager)
    back = reverse("keyaccounts:group_detail", args=[world["group"].pk])
    response = client.post(
        reverse("keyaccounts:key_person_contact_create", args=[person.pk]),
        {
            "channel": "visit",
            "occasion": "routine",
            "notes": "拜访",
            "next": back,
            "next_follow_up": "2099-01-01",
        },
    )
    assert response["Location"] == back
    contact = ContactLog.objects.filter(key_person=person).first()
    assert contact is not None
    assert (contact.channel, contact.notes, contact.next_follow_up, contact.logged_by) == (
        "visit",
        "拜访",
        date(2099, 1, 1),
        account_manager,
    )
    # an outside "next" is not followed
    response = client.post(
        reverse("keyaccounts:key_person_contact_create", args=[person.pk]),
        {
            "channel": "call",
            "occasion": "routine",
            "notes": "回访",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("keyaccounts:key_person_detail", args=[person.pk])


def test_a_group_contact_names_a_key_person_or_somebody_else(
    world: dict[str, Any], account_manager: Any
) -> None:
    client = login(account_manager)
    url = reverse("keyaccounts:group_contact_create", args=[world["group"].pk])
    response = client.post(url, {"channel": "visit", "occasion": "routine", "notes": "x"})
    assert response.status_code == 200
    assert "who was contacted" in str(response.context["form"].errors["person"])
    client.post(
        url, {"channel": "visit", "occasion": "routine", "person": "信息中心", "notes": "x"}
    )
    assert ContactLog.objects.filter(person="信息中心", key_person=None).exists()


def test_the_workspace_shows_the_care_calendar_and_logging_clears_the_item(
    account_manager: Any,
) -> None:
    today = timezone.localdate()
    group = make_group(group_class="A", account_manager=account_manager)
    birthday = (
        today.replace(year=1970) if not (today.month == 2 and today.day == 29) else date(1970, 3, 1)
    )
    person = key_person_create(
        group=group, customer=make_customer(birth_date=birthday), role="contact", rank="other"
    )
    client = login(account_manager)
    response = client.get(reverse("keyaccounts:manager_workspace"))
    calendar = response.context["calendar"]
    assert [i.key_person for i in calendar.birthdays] == [person]
    assert 'data-testid="care-birthdays"' in response.content.decode()
    client.post(
        reverse("keyaccounts:key_person_contact_create", args=[person.pk]),
        {"channel": "gift", "occasion": "birthday", "notes": "鲜花"},
    )
    response = client.get(reverse("keyaccounts:manager_workspace"))
    assert response.context["calendar"].birthdays == []


def test_a_supervisor_filters_the_workspace_by_account_manager(
    world: dict[str, Any], supervisor: Any, other_account_manager: Any
) -> None:
    theirs = make_group(account_manager=other_account_manager)
    client = login(supervisor)
    groups = list(client.get(reverse("keyaccounts:manager_workspace")).context["groups"])
    assert set(groups) == {world["group"], theirs}
    response = client.get(
        reverse("keyaccounts:manager_workspace"), {"manager": other_account_manager.pk}
    )
    assert list(response.context["groups"]) == [theirs]


def test_the_kpi_page_draws_its_chart_and_stores_the_month(supervisor: Any) -> None:
    make_customer(city="苏州")
    client = login(supervisor)
    response = client.get(reverse("keyaccounts:kpi_report"), {"month": "2025-06"})
    body = response.content.decode()
    assert response.context["report"].month == date(2025, 6, 1)
    assert "<svg" in body
    # Rendered locally: no script or stylesheet from another host (CSRF tokens are random
    # text, so look for remote URLs, not for a substring like "cdn").
    assert 'src="http' not in body
    assert 'href="http' not in body
    response = client.get(reverse("keyaccounts:kpi_report"), {"month": "June"})
    assert response.context["report"] is None
    assert response.context["form"].errors
    response = client.post(reverse("keyaccounts:kpi_store"), {"month": "2025-06"})
    assert response.status_code == 302
    assert KpiFigure.objects.filter(month=date(2025, 6, 1), dimension="total").exists()


# ---- query counts of the list pages ----


def queries(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params or {}).status_code == 200
    return len(context.captured_queries)


def add_groups(manager: Any, n: int) -> None:
    for _ in range(n):
        group = make_group(group_class="B", account_manager=manager)
        person = key_person_create(
            group=group,
            customer=make_customer(birth_date=date(1970, 1, 1)),
            role="decision_maker",
            rank="senior_leader",
        )
        make_member(group=group)
        contact_log_create(
            group=group, key_person=person, channel="call", actor=manager, notes="回访"
        )
        upgrade_request_create(
            key_person=person, requested_level="diamond", reason="x", actor=manager
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Each page of an account manager: + 1 for the unread notifications' count in the
        # header (D-GROUP-11, the four kinds counted in one UNION ALL).
        ("keyaccounts:group_list", 6),
        # 7 + the personal VIP customers (SERVICE-8: two) + the birthday gifts due
        # (SERVICE-14: their count; the page's rows when there are some) + the header's
        # count (1) + the notifications listed (D-GROUP-11: 4; the names of what is shown
        # one more query when there is something, D-CUST-13)
        ("keyaccounts:manager_workspace", 15),
        # + the header's count (1) + whose names the page shows in full (D-CUST-13: 1)
        ("keyaccounts:upgrade_list", 7),
    ],
)
# The care calendar reads the greetings already sent only while a festival's window is open
# (one more query then), so the count is fixed for a given day: the test names its day.
@pytest.mark.now("2026-11-25 10:00")
def test_list_pages_take_a_fixed_number_of_queries(
    name: str, expected: int, account_manager: Any, django_assert_num_queries: Any
) -> None:
    client = login(account_manager)
    add_groups(account_manager, 2)
    few = queries(client, reverse(name))
    add_groups(account_manager, 4)
    assert queries(client, reverse(name)) == few
    with django_assert_num_queries(expected):
        client.get(reverse(name))


def test_the_inbox_and_group_pages_take_a_fixed_number_of_queries(
    supervisor: Any, account_manager: Any, django_assert_num_queries: Any
) -> None:
    group = make_group(account_manager=account_manager)

    def grow(n: int) -> None:
        for _ in range(n):
            person = key_person_create(
                group=group, customer=make_customer(), role="influencer", rank="other"
            )
            make_member(group=group)
            contact_log_create(
                group=group, key_person=person, channel="sms", actor=account_manager, notes="回访"
            )
            upgrade_request_create(
                key_person=person, requested_level="gold", reason="x", actor=account_manager
            )

    client = login(supervisor)
    detail = reverse("keyaccounts:group_detail", args=[group.pk])
    inbox = reverse("keyaccounts:upgrade_inbox")
    grow(2)
    counts = (queries(client, detail), queries(client, inbox))
    grow(3)
    assert (queries(client, detail), queries(client, inbox)) == counts
    with django_assert_num_queries(counts[1]):
        client.get(inbox)
    assert UpgradeRequest.objects.count() == 5
