"""Issue 17, the manager's desk: names unmasked for the customer's own account manager
(CUST-8 as amended by D-CUST-13), the manager's notifications (D-GROUP-11), keyaccounts' figures on the
supervisor's home and the CSV exports of its lists (D-GROUP-12)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keyaccounts.access import customer_name_for, unmasked_for
from keyaccounts.models import (
    BirthdayGift,
    ContactLog,
    KpiFigure,
    NoticeSeen,
    PersonalManager,
    UpgradeRequest,
)
from keyaccounts.selectors.notices import notice_count, notices_for
from keyaccounts.services.groups import key_person_create
from keyaccounts.services.upgrades import (
    upgrade_request_approve,
    upgrade_request_create,
    upgrade_request_reject,
)
from tests.builders import make_customer, make_group, make_member
from tests.downloads import csv_table

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 25)  # a Wednesday


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def key_person(
    manager: Any, *, name: str = "张三丰", birth: date | None = None, **group: Any
) -> Any:
    customer = make_customer(name=name, **({"birth_date": birth} if birth else {}))
    group.setdefault("group_class", "C")  # a contact of class C: silver, may ask for gold
    return key_person_create(
        group=make_group(account_manager=manager, **group),
        customer=customer,
        role="contact",
        rank="other",
        actor=manager,
    )


def personal(customer: Any, manager: Any, by: Any) -> PersonalManager:
    return PersonalManager.objects.create(
        customer=customer,
        manager=manager,
        started_on=TODAY - timedelta(days=30),
        reason=PersonalManager.Reason.ASSIGN,
        assigned_at=at(TODAY - timedelta(days=30)),
        assigned_by=by,
    )


# --- CUST-8 / D-CUST-13: whose names an account manager sees ---------------------------------


@pytest.mark.now("2026-11-25 10:00")
def test_d_cust_11_own_key_person_unmasked_another_managers_masked_clerk_masked(
    account_manager: Any, other_account_manager: Any, clerk: Any, supervisor: Any
) -> None:
    person = key_person(account_manager)
    customer = person.customer
    # the same line is an ordinary member of another manager's group
    other_group = make_group(account_manager=other_account_manager)
    make_member(group=other_group, customer=customer, signed_on=TODAY)

    assert unmasked_for(account_manager, customer)
    assert customer_name_for(account_manager, customer) == "张三丰"
    for user in (other_account_manager, clerk, supervisor):
        assert not unmasked_for(user, customer)
        assert customer_name_for(user, customer) == "张**"

    page = login(account_manager).get(reverse("keyaccounts:group_detail", args=[person.group_id]))
    assert "张三丰" in page.content.decode()
    other = login(other_account_manager).get(
        reverse("keyaccounts:group_detail", args=[other_group.pk])
    )
    assert "张**" in other.content.decode()
    assert "张三丰" not in other.content.decode()
    boss = login(supervisor).get(reverse("keyaccounts:group_detail", args=[person.group_id]))
    assert "张三丰" not in boss.content.decode()


@pytest.mark.now("2026-11-25 10:00")
def test_d_cust_11_an_ended_key_person_is_masked_again(account_manager: Any) -> None:
    person = key_person(account_manager)
    person.ended_at = timezone.now()
    person.save(update_fields=["ended_at"])
    assert customer_name_for(account_manager, person.customer) == "张**"


@pytest.mark.now("2026-11-25 10:00")
def test_d_cust_11_service_8_own_personal_customer_unmasked_on_the_workspace(
    account_manager: Any, other_account_manager: Any, supervisor: Any
) -> None:
    mine = make_customer(name="李四光")
    theirs = make_customer(name="王五岳")
    personal(mine, account_manager, supervisor)
    personal(theirs, other_account_manager, supervisor)
    assert customer_name_for(account_manager, mine) == "李四光"
    assert customer_name_for(account_manager, theirs) == "王**"
    body = login(account_manager).get(reverse("keyaccounts:manager_workspace")).content.decode()
    assert "李四光" in body
    assert "王五岳" not in body


@pytest.mark.now("2026-11-25 10:00")
def test_d_cust_11_the_key_person_api_unmasks_for_the_groups_manager_only(
    account_manager: Any, supervisor: Any
) -> None:
    from rest_framework.test import APIClient

    key_person(account_manager)
    for user, expected in ((account_manager, "张三丰"), (supervisor, "张**")):
        client = APIClient()
        client.force_authenticate(user)
        rows = client.get(reverse("api:key-person-list")).json()["results"]
        assert [r["name"] for r in rows] == [expected]


# --- D-GROUP-11: the manager's notifications ----------------------------------------


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_11_a_decided_upgrade_is_a_notification_with_the_note_until_read(
    account_manager: Any, other_account_manager: Any, supervisor: Any
) -> None:
    person = key_person(account_manager)
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    assert notices_for(account_manager) == []  # pending: nothing to tell yet
    upgrade_request_reject(request=request, actor=supervisor, note="名额已满，明年再报")
    notices = notices_for(account_manager)
    assert [(n.kind, n.object_id, n.day) for n in notices] == [
        ("upgrade_decided", request.pk, TODAY)
    ]
    assert notices_for(other_account_manager) == []
    assert notices_for(supervisor) == []

    client = login(account_manager)
    page = client.get(reverse("keyaccounts:notices"))
    assert "名额已满，明年再报" in page.content.decode()
    assert "张三丰" in page.content.decode()  # D-CUST-13: their own key person
    home = client.get(reverse("keyaccounts:manager_workspace")).content.decode()
    assert 'data-testid="notice-count">1<' in home  # the badge in the navigation
    assert 'data-testid="my-notices"' in home

    data = {"kind": "upgrade_decided", "object_id": request.pk, "day": "2026-11-25"}
    url = reverse("keyaccounts:notice_read")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit writes nothing more
    assert NoticeSeen.objects.filter(user=account_manager).count() == 1
    assert notices_for(account_manager) == []
    assert (
        'data-testid="notice-count"'
        not in client.get(reverse("keyaccounts:notices")).content.decode()
    )
    assert client.get(url).status_code == 405  # marking read is a POST


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_11_an_approval_older_than_notice_decided_days_is_no_longer_told(
    account_manager: Any, supervisor: Any
) -> None:
    person = key_person(account_manager)
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    upgrade_request_approve(request=request, actor=supervisor, note="同意")
    UpgradeRequest.objects.filter(pk=request.pk).update(decided_at=at(TODAY - timedelta(days=31)))
    assert notices_for(account_manager) == []


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_11_overdue_follow_ups_and_birthdays_in_three_days(
    account_manager: Any, other_account_manager: Any, supervisor: Any
) -> None:
    late = key_person(account_manager, name="赵一")
    ContactLog.objects.create(
        group=late.group,
        key_person=late,
        channel="call",
        contacted_at=at(TODAY - timedelta(days=10)),
        next_follow_up=TODAY - timedelta(days=1),
        logged_by=account_manager,
    )
    on_time = key_person(account_manager, name="钱二")
    ContactLog.objects.create(
        group=on_time.group,
        key_person=on_time,
        channel="call",
        contacted_at=at(TODAY - timedelta(days=10)),
        next_follow_up=TODAY,  # due today, not passed
        logged_by=account_manager,
    )
    birthday = key_person(account_manager, name="孙三", birth=date(1970, 11, 28))
    key_person(account_manager, name="李四", birth=date(1970, 11, 29))  # four days: not yet
    key_person(other_account_manager, name="周五", birth=date(1970, 11, 26))
    vip = make_customer(name="吴六", birth_date=date(1980, 11, 27))
    personal(vip, account_manager, supervisor)
    gift = BirthdayGift.objects.create(
        customer=vip,
        year=2026,
        birthday=date(2026, 11, 27),
        contact_by=date(2026, 11, 24),
        opened_at=at(TODAY - timedelta(days=1)),
    )
    keys = [(n.kind, n.object_id, n.day) for n in notices_for(account_manager)]
    assert keys == [
        ("follow_up_overdue", late.pk, TODAY - timedelta(days=1)),
        ("birthday", birthday.pk, date(2026, 11, 28)),
        ("gift", gift.pk, date(2026, 11, 27)),
    ]
    # a page of the list reads only the rows it shows, across the kinds
    from keyaccounts.selectors.notices import NoticeList

    page = NoticeList(account_manager, TODAY)[1:3]
    assert [n.kind for n in page] == ["birthday", "gift"]
    assert notice_count(account_manager) == 3

    # the birthday contact logged: the birthday is done, no notification
    ContactLog.objects.create(
        group=birthday.group,
        key_person=birthday,
        channel="gift",
        occasion="birthday",
        occasion_date=date(2026, 11, 28),
        contacted_at=at(TODAY),
        logged_by=account_manager,
    )
    # mark all read: the rest leave the list; a new follow-up date is a new notification
    client = login(account_manager)
    assert client.post(reverse("keyaccounts:notice_read_all")).status_code == 302
    assert notices_for(account_manager) == []
    ContactLog.objects.create(
        group=late.group,
        key_person=late,
        channel="call",
        contacted_at=at(TODAY - timedelta(days=5)),
        next_follow_up=TODAY - timedelta(days=2),
        logged_by=account_manager,
    )
    assert [(n.kind, n.day) for n in notices_for(account_manager)] == [
        ("follow_up_overdue", TODAY - timedelta(days=2))
    ]


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_11_the_count_takes_a_fixed_number_of_queries(
    account_manager: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        key_person(account_manager, name=f"测试{n}", birth=date(1970, 11, 26))
    # the user's roles once, then one COUNT per kind, whatever the number of key persons
    with django_assert_max_num_queries(5):
        assert notice_count(account_manager) == 5


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_11_clerks_and_supervisors_get_no_notifications(
    clerk: Any, supervisor: Any
) -> None:
    assert notice_count(clerk) == 0
    assert notice_count(supervisor) == 0
    body = login(supervisor).get(reverse("keyaccounts:notices")).content.decode()
    assert 'data-testid="nav-notices"' not in body
    assert login(clerk).get(reverse("keyaccounts:notices")).status_code == 403


# --- D-GROUP-12: the supervisor's home ----------------------------------------------


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_12_tier_7_pending_approvals_and_how_many_are_overdue_on_the_home(
    account_manager: Any, supervisor: Any
) -> None:
    old = key_person(account_manager, name="甲")
    new = key_person(account_manager, name="乙")
    upgrade_request_create(
        key_person=old,
        requested_level="gold",
        reason="x",
        actor=account_manager,
        at=at(TODAY - timedelta(days=10)),
    )
    upgrade_request_create(
        key_person=new, requested_level="gold", reason="x", actor=account_manager
    )
    response = login(supervisor).get(reverse("core:supervisor_home"))
    figures = {f["key"]: f["context"] for f in response.context["figures"]}
    assert (figures["approvals"]["pending"], figures["approvals"]["overdue"]) == (2, 1)
    body = response.content.decode()
    assert 'data-testid="figure-approvals"' in body
    assert 'data-testid="approvals-overdue">1<' in body


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_12_kpi_1_retention_of_the_latest_stored_month_per_region(
    supervisor: Any,
) -> None:
    def figure(month: date, dimension: str, key: str, size: int, kept: int) -> None:
        KpiFigure.objects.create(
            month=month,
            dimension=dimension,
            key=key,
            label=key,
            snapshot_size=size,
            snapshot_retained=kept,
            mid_high_end=kept,
            computed_at=at(TODAY),
        )

    figure(date(2026, 9, 1), "total", "", 10, 1)
    figure(date(2026, 10, 1), "total", "", 200, 150)
    figure(date(2026, 10, 1), "region", "南京", 100, 80)
    figure(date(2026, 10, 1), "region", "苏州", 100, 70)
    response = login(supervisor).get(reverse("core:supervisor_home"))
    kpi = {f["key"]: f["context"] for f in response.context["figures"]}["kpi_retention"]
    assert kpi["month"] == date(2026, 10, 1)
    assert kpi["retention"] == 75
    assert [(b.label, b.value) for b in kpi["chart"].bars] == [("南京", 80), ("苏州", 70)]
    assert 'data-testid="kpi-retention">75%<' in response.content.decode()


def test_d_group_12_kpi_1_figure_says_so_when_nothing_is_stored(supervisor: Any) -> None:
    response = login(supervisor).get(reverse("core:supervisor_home"))
    kpi = {f["key"]: f["context"] for f in response.context["figures"]}["kpi_retention"]
    assert kpi == {"month": None}


def test_d_group_12_the_figures_are_the_supervisors(account_manager: Any) -> None:
    from django.test import RequestFactory

    from core.dashboard import figures_for

    request = RequestFactory().get("/")
    request.user = account_manager
    assert {f["key"] for f in figures_for(request)}.isdisjoint({"approvals", "kpi_retention"})


# --- D-GROUP-12: CSV exports ---------------------------------------------------------


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_12_groups_export_is_the_filtered_list(
    account_manager: Any, other_account_manager: Any
) -> None:
    mine = make_group(account_manager=account_manager, group_class="A", code="G001")
    make_group(account_manager=account_manager, group_class="B", code="G002")
    make_group(account_manager=other_account_manager, group_class="A", code="G003")
    response = login(account_manager).get(
        reverse("keyaccounts:group_list"), {"class": "A", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_table(response)
    assert rows[0][:3] == ["Code", "Name", "Class"]
    assert [r[0] for r in rows[1:]] == [mine.code]
    page = login(account_manager).get(reverse("keyaccounts:group_list"), {"class": "A"})
    assert "format=csv" in page.context["export_url"]


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_12_contacts_export_masks_per_d_cust_11_and_is_audited(
    account_manager: Any, supervisor: Any, caplog: Any
) -> None:
    person = key_person(account_manager)
    ContactLog.objects.create(
        group=person.group,
        key_person=person,
        channel="visit",
        contacted_at=at(TODAY),
        notes="=HYPERLINK()",
        logged_by=account_manager,
    )
    url = reverse("keyaccounts:group_contacts", args=[person.group_id])
    with caplog.at_level(logging.INFO, logger="core.audit"):
        rows = csv_table(login(account_manager).get(url, {"format": "csv"}))
    assert rows[1][4:7] == [person.customer.msisdn, "张三丰", "'=HYPERLINK()"]
    assert any(
        "list exported" in r.getMessage()
        and "contacts" in r.getMessage()
        and "rows=1" in r.getMessage()
        for r in caplog.records
    )
    rows = csv_table(login(supervisor).get(url, {"format": "csv"}))
    assert rows[1][5] == "张**"


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_12_upgrades_export_with_status_filter_and_masking(
    account_manager: Any, other_account_manager: Any, supervisor: Any, caplog: Any
) -> None:
    person = key_person(account_manager)
    decided = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    upgrade_request_approve(request=decided, actor=supervisor, note="同意")
    other = key_person(account_manager, name="钱二")
    upgrade_request_create(
        key_person=other, requested_level="gold", reason="y", actor=account_manager
    )
    key_person(other_account_manager, name="孙三")
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = login(account_manager).get(
            reverse("keyaccounts:upgrade_list"), {"status": "approved", "format": "csv"}
        )
        rows = csv_table(response)
    assert len(rows) == 2
    assert rows[1][1:3] == [person.customer.msisdn, "张三丰"]
    assert rows[1][-1] == "同意"
    assert any("upgrade-requests" in r.getMessage() for r in caplog.records)
    inbox = csv_table(
        login(supervisor).get(reverse("keyaccounts:upgrade_inbox"), {"format": "csv"})
    )
    assert [(r[1], r[2]) for r in inbox[1:]] == [(other.customer.msisdn, "钱*")]


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_12_members_and_key_persons_export(account_manager: Any) -> None:
    person = key_person(account_manager)
    make_member(group=person.group, customer=make_customer(name="路人甲"), signed_on=TODAY)
    client = login(account_manager)
    url = reverse("keyaccounts:group_detail", args=[person.group_id])
    members = csv_table(client.get(url, {"format": "csv"}))
    assert sorted(r[1] for r in members[1:]) == sorted(["张三丰", "路**"])
    key_persons = csv_table(client.get(url, {"list": "key_persons", "format": "csv"}))
    assert [r[1] for r in key_persons[1:]] == ["张三丰"]


@pytest.mark.now("2026-11-25 10:00")
def test_d_group_11_the_notifications_read_in_chinese(
    account_manager: Any, supervisor: Any, settings: Any
) -> None:
    from django.utils import translation

    person = key_person(account_manager)
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    upgrade_request_approve(request=request, actor=supervisor, note="同意")
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        body = login(account_manager).get(reverse("keyaccounts:notices")).content.decode()
        home = login(supervisor).get(reverse("core:supervisor_home")).content.decode()
    for english in ("Notifications", "Mark as read", "Mark all as read", "decided on"):
        assert english not in body
    assert "标为已读" in body
    assert "升级申请已审批" in body
    for english in ("Upgrade approvals", "waiting for a decision", "No KPI figures"):
        assert english not in home
