"""D-HOUSE-10 on keyaccounts' lists: each sorts by its column headers (core.sorting), in both
directions, the sorted header carries aria-sort, an unknown sort is the list's default, the
CSV comes in the screen's order, and the filters keep the sort. Also the search boxes and
filters the lists gained with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from keyaccounts.models import (
    BirthdayGift,
    ContactLog,
    GroupCustomer,
    KeyPerson,
    PersonalManager,
    UpgradeRequest,
)
from keyaccounts.selectors.notices import NoticeList
from keyaccounts.services.groups import key_person_create
from keyaccounts.services.upgrades import upgrade_request_create, upgrade_request_reject
from membership.models import Customer, GrantSource
from membership.services.grants import grant_create
from tests.builders import make_customer, make_group, make_member
from tests.downloads import csv_table
from tests.factories import ContactLogFactory, CreditRatingFactory, KeyPersonFactory, UserFactory
from tests.sorting import sort_headers

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 25)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_in(html: str, pattern: str) -> list[str]:
    """The ids of the rows a page shows, in its order (``pattern`` captures one)."""
    return re.findall(pattern, html)


def csv_rows(response: Any) -> list[list[str]]:
    """A download's rows without its header (tests/sorting.py reads it)."""
    return csv_table(response)[1:]


def aria_sorted(html: str, key: str) -> str:
    """The aria-sort of the header of column ``key`` ('' when it is not the sort)."""
    headers = sort_headers(html)
    assert key in headers, f"no sortable header {key}"
    return headers[key]


def assert_sorts(
    client: Client,
    url: str,
    pattern: str,
    expected: dict[str, list[Any]],
    *,
    param: str = "sort",
    extra: dict[str, str] | None = None,
) -> None:
    """D-HOUSE-10: ``?param=key`` shows the rows in ``expected[key]``'s order, ``-key`` the
    other way round; the header of that column, and only it, says so (aria-sort)."""
    for key, ids in expected.items():
        for sign, want, aria in (("", ids, "ascending"), ("-", ids[::-1], "descending")):
            html = client.get(url, {**(extra or {}), param: sign + key}).content.decode()
            assert rows_in(html, pattern) == [str(i) for i in want], f"{param}={sign}{key}"
            assert aria_sorted(html, key) == aria
            others = [k for k in expected if k != key]
            assert all(aria_sorted(html, k) == "" for k in others)


def assert_default(
    client: Client,
    url: str,
    pattern: str,
    default: str,
    ids: list[Any],
    *,
    param: str = "sort",
) -> None:
    """D-HOUSE-10: no sort, or one the list does not offer, is the list's default."""
    key = default.removeprefix("-")
    aria = "descending" if default.startswith("-") else "ascending"
    for asked in ({}, {param: "bogus"}, {param: "--" + key}, {param: "pk"}):
        html = client.get(url, asked).content.decode()
        assert rows_in(html, pattern) == [str(i) for i in ids], asked
        assert aria_sorted(html, key) == aria


def assert_csv_follows(
    client: Client,
    url: str,
    column: int,
    expected: dict[str, list[str]],
    *,
    param: str = "sort",
    extra: dict[str, str] | None = None,
    csv_url: str | None = None,
) -> None:
    """D-HOUSE-10: the CSV lists the rows in the screen's order, both ways."""
    for key, values in expected.items():
        for sign, want in (("", values), ("-", values[::-1])):
            asked = {**(extra or {}), param: sign + key}
            if csv_url is None:
                asked["format"] = "csv"
            rows = csv_rows(client.get(csv_url or url, asked))
            assert [r[column] for r in rows] == want, f"CSV {param}={sign}{key}"


# --- GROUP-1: the groups ---------------------------------------------------------------


@pytest.fixture
def three_groups(supervisor: Any) -> list[GroupCustomer]:
    """Three groups whose every column sorts them differently from their codes."""
    managers = [
        UserFactory(username=f"am_{n}", last_name=last, role="account_manager")
        for n, last in enumerate(("B", "A", "C"))
    ]
    rows = [
        ("G2", "1 集团", "B", "3市", 1, 0, None),
        ("G0", "3 集团", "C", "1市", 2, 2, 1),
        ("G1", "2 集团", "A", "2市", 0, 1, 2),
    ]
    groups = []
    for manager, (code, name, cls, city, kps, members, days_ago) in zip(
        managers, rows, strict=True
    ):
        group = make_group(
            code=code, name=name, group_class=cls, city=city, account_manager=manager
        )
        for _ in range(kps):
            KeyPersonFactory(group=group, customer=make_customer())
        for _ in range(members):
            make_member(group=group)
        if days_ago is not None:
            ContactLogFactory(
                group=group, contacted_at=at(TODAY - timedelta(days=days_ago)), logged_by=manager
            )
        groups.append(group)
    return groups


def test_d_house_10_the_group_list_sorts_by_every_column(
    supervisor: Any, three_groups: list[GroupCustomer]
) -> None:
    g0, g1, g2 = (g.pk for g in three_groups)
    client = login(supervisor)
    url = reverse("keyaccounts:group_list")
    pattern = r'data-testid="group-(\d+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {
            "code": [g1, g2, g0],
            "name": [g0, g2, g1],
            "class": [g2, g0, g1],
            "city": [g1, g2, g0],
            "manager": [g1, g0, g2],
            "key_persons": [g2, g0, g1],
            "members": [g0, g2, g1],
            "last_contact": [g0, g2, g1],  # never contacted first, the latest contact last
        },
    )
    assert_default(client, url, pattern, "code", [g1, g2, g0])
    assert_csv_follows(
        client, url, 0, {"name": ["G2", "G1", "G0"], "last_contact": ["G2", "G1", "G0"]}
    )


def test_d_house_10_the_group_filters_keep_the_sort_and_narrow_by_city_and_manager(
    supervisor: Any, account_manager: Any, three_groups: list[GroupCustomer]
) -> None:
    g0, _g1, g2 = three_groups
    client = login(supervisor)
    url = reverse("keyaccounts:group_list")
    html = client.get(url, {"sort": "-members"}).content.decode()
    assert '<input type="hidden" name="sort" value="-members">' in html
    pattern = r'data-testid="group-(\d+)"'
    assert rows_in(client.get(url, {"city": "2市"}).content.decode(), pattern) == [str(g2.pk)]
    by_manager = client.get(url, {"manager": str(g0.account_manager_id)}).content.decode()
    assert rows_in(by_manager, pattern) == [str(g0.pk)]
    # an account manager sees their own groups only, with no manager filter to choose
    own = login(account_manager).get(url, {"manager": str(g0.account_manager_id)})
    assert rows_in(own.content.decode(), pattern) == []
    assert 'name="manager"' not in own.content.decode()


# --- GROUP-2/3: a group's people -------------------------------------------------------


@pytest.fixture
def group_people(account_manager: Any) -> dict[str, Any]:
    group = make_group(account_manager=account_manager)
    members = [
        make_member(group=group, customer=make_customer(msisdn=msisdn), signed_on=signed)
        for msisdn, signed in (
            ("13900000003", date(2024, 3, 1)),
            ("13900000001", date(2024, 5, 1)),
            ("13900000002", date(2024, 1, 1)),
        )
    ]
    former = [
        make_member(
            group=group,
            signed_on=date(2024, 1, 1),
            ended_on=left,
            ended_at=at(left),
            ended_by=account_manager,
        )
        for left in (date(2025, 3, 1), date(2025, 6, 1), date(2025, 1, 1))
    ]
    people = []
    for msisdn, role, rank, level, contacted in (
        ("13800000001", "influencer", "division_cadre", "gold", 1),
        ("13800000002", "contact", "senior_leader", None, None),
        ("13800000003", "decision_maker", "other", "diamond", 3),
    ):
        customer = make_customer(msisdn=msisdn)
        if level:
            grant_create(
                customer=customer,
                level=level,
                source=GrantSource.ANNUAL,
                valid_from=date(2026, 1, 1),
            )
        person = KeyPersonFactory(group=group, customer=customer, role=role, rank=rank)
        if contacted is not None:
            ContactLogFactory(
                group=group,
                key_person=person,
                contacted_at=at(TODAY - timedelta(days=contacted)),
                logged_by=account_manager,
            )
        people.append(person)
    return {"group": group, "members": members, "former": former, "key_persons": people}


def test_d_house_10_a_groups_members_sort_by_line_and_signing_day(
    account_manager: Any, group_people: dict[str, Any]
) -> None:
    m0, m1, m2 = (m.pk for m in group_people["members"])
    client = login(account_manager)
    url = reverse("keyaccounts:group_detail", args=[group_people["group"].pk])
    pattern = r'data-testid="member-(\d+)"'
    expected = {"line": [m1, m2, m0], "signed": [m2, m0, m1]}
    assert_sorts(client, url, pattern, expected)
    assert_default(client, url, pattern, "line", [m1, m2, m0])
    assert_csv_follows(
        client,
        url,
        0,
        {
            "line": ["13900000001", "13900000002", "13900000003"],
            "signed": ["13900000002", "13900000003", "13900000001"],
        },
    )
    # the search box and the category tabs keep the sorts
    html = client.get(url, {"sort": "-signed", "kp_sort": "rank"}).content.decode()
    assert '<input type="hidden" name="sort" value="-signed">' in html
    assert '<input type="hidden" name="kp_sort" value="rank">' in html
    assert 'href="?sort=-signed&amp;kp_sort=rank&amp;category=ordinary"' in html
    found = client.get(url, {"q": "1390000000 2", "sort": "-signed"}).content.decode()
    assert rows_in(found, pattern) == [str(m2)]


def test_d_house_10_a_groups_key_persons_sort_on_their_own_parameter(
    account_manager: Any, group_people: dict[str, Any]
) -> None:
    k0, k1, k2 = (k.pk for k in group_people["key_persons"])
    m0, m1, m2 = (m.pk for m in group_people["members"])
    client = login(account_manager)
    url = reverse("keyaccounts:group_detail", args=[group_people["group"].pk])
    pattern = r'data-testid="key-person-(\d+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {
            "role": [k1, k2, k0],
            "rank": [k0, k2, k1],
            "level": [k1, k0, k2],
            "last_contact": [k1, k2, k0],  # never contacted first
        },
        param="kp_sort",
        extra={"sort": "-signed"},
    )
    assert_default(client, url, pattern, "role", [k1, k2, k0], param="kp_sort")
    # sorting the key persons keeps the members' order
    html = client.get(url, {"sort": "-signed", "kp_sort": "level"}).content.decode()
    assert rows_in(html, r'data-testid="member-(\d+)"') == [str(m1), str(m0), str(m2)]
    assert f'href="{url}?list=key_persons&amp;kp_sort=level&amp;format=csv"' in html
    assert_csv_follows(
        client,
        url,
        0,
        {"level": ["13800000002", "13800000001", "13800000003"]},
        param="kp_sort",
        extra={"list": "key_persons"},
    )


def test_d_house_10_a_groups_former_members_sort_by_the_day_they_left(
    account_manager: Any, group_people: dict[str, Any]
) -> None:
    f0, f1, f2 = (m.pk for m in group_people["former"])
    client = login(account_manager)
    url = reverse("keyaccounts:group_detail", args=[group_people["group"].pk])
    pattern = r'data-testid="former-(\d+)"'
    assert_sorts(client, url, pattern, {"left": [f2, f0, f1]}, param="former_sort")
    assert_default(client, url, pattern, "-left", [f1, f0, f2], param="former_sort")
    html = client.get(url, {"former_sort": "left"}).content.decode()
    assert "<details open>" in html  # the list sorted is the list shown


# --- GROUP-4: the contact log ----------------------------------------------------------


@pytest.fixture
def contacts(account_manager: Any) -> dict[str, Any]:
    person = key_person_create(
        group=make_group(account_manager=account_manager),
        customer=make_customer(msisdn="13600000001"),
        role="contact",
        rank="other",
        actor=account_manager,
    )
    rows = [
        ContactLogFactory(
            group=person.group,
            key_person=key,
            person=who,
            channel=channel,
            notes=notes,
            contacted_at=at(TODAY - timedelta(days=days)),
            logged_by=account_manager,
        )
        for key, who, channel, notes, days in (
            (None, "王经理", "call", "n0", 2),
            (person, "", "visit", "n1", 5),
            (person, "", "call", "n2", 1),
        )
    ]
    return {"person": person, "rows": rows}


def test_d_house_10_a_groups_contact_log_sorts_by_when_and_filters(
    account_manager: Any, contacts: dict[str, Any]
) -> None:
    c0, c1, c2 = (c.pk for c in contacts["rows"])
    client = login(account_manager)
    url = reverse("keyaccounts:group_contacts", args=[contacts["person"].group_id])
    pattern = r'data-testid="contact-(\d+)"'
    assert_sorts(client, url, pattern, {"when": [c1, c0, c2]})
    assert_default(client, url, pattern, "-when", [c2, c0, c1])
    assert_csv_follows(client, url, 6, {"when": ["n1", "n0", "n2"]})
    html = client.get(url, {"sort": "when"}).content.decode()
    assert '<input type="hidden" name="sort" value="when">' in html
    for asked, found in (
        ({"channel": "call"}, [c2, c0]),
        ({"q": "王经理"}, [c0]),
        ({"q": "136 0000"}, [c2, c1]),  # the start of the key person's line
        ({"q": "n1"}, [c1]),  # the notes
        ({"since": "2026-11-23", "until": "2026-11-24"}, [c2, c0]),
    ):
        page = client.get(url, {**asked, "sort": "-when"}).content.decode()
        assert rows_in(page, pattern) == [str(c) for c in found], asked
    rows = csv_rows(client.get(url, {"channel": "visit", "format": "csv"}))
    assert [r[6] for r in rows] == ["n1"]


def test_d_house_10_a_key_persons_contacts_sort_by_when(
    account_manager: Any, contacts: dict[str, Any]
) -> None:
    _c0, c1, c2 = (c.pk for c in contacts["rows"])
    client = login(account_manager)
    url = reverse("keyaccounts:key_person_detail", args=[contacts["person"].pk])
    pattern = r'data-testid="contact-(\d+)"'
    assert_sorts(client, url, pattern, {"when": [c1, c2]})
    assert_default(client, url, pattern, "-when", [c2, c1])
    html = client.get(url, {"channel": "visit", "sort": "when"}).content.decode()
    assert rows_in(html, pattern) == [str(c1)]


# --- TIER-7: upgrade requests ----------------------------------------------------------


def _upgrades(statuses: tuple[str, str, str]) -> list[UpgradeRequest]:
    """Three requests each column orders differently."""
    rows = [
        ("3 集团", "13900000012", "C", "", "platinum", 3),
        ("2 集团", "13900000010", "A", "gold", "diamond", 1),
        ("1 集团", "13900000011", "B", "silver", "gold", 10),
    ]
    made = []
    for n, ((group, msisdn, by, current, requested, days), status) in enumerate(
        zip(rows, statuses, strict=True)
    ):
        requester: Any = UserFactory(username=f"asker_{n}", last_name=by, role="account_manager")
        customer = make_customer(msisdn=msisdn)
        person: Any = KeyPersonFactory(
            group=make_group(name=group, account_manager=requester), customer=customer
        )
        made.append(
            UpgradeRequest.objects.create(
                key_person=person,
                customer=customer,
                current_level=current,
                requested_level=requested,
                reason="x",
                status=status,
                requested_by=requester,
                requested_at=at(TODAY - timedelta(days=days)),
            )
        )
    return made


def test_d_house_10_the_upgrade_list_sorts_by_every_column(supervisor: Any) -> None:
    u0, u1, u2 = (u.pk for u in _upgrades(("approved", "pending", "rejected")))
    client = login(supervisor)
    url = reverse("keyaccounts:upgrade_list")
    pattern = r'data-testid="upgrade-(\d+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {
            "asked": [u2, u0, u1],
            "line": [u1, u2, u0],
            "group": [u2, u1, u0],
            "from": [u0, u2, u1],  # by level: none, silver, gold
            "to": [u2, u0, u1],  # gold, platinum, diamond
            "by": [u1, u2, u0],
            "status": [u0, u1, u2],
        },
    )
    assert_default(client, url, pattern, "-asked", [u1, u0, u2])
    assert_csv_follows(client, url, 1, {"to": ["13900000011", "13900000012", "13900000010"]})
    html = client.get(url, {"sort": "to", "level": "diamond"}).content.decode()
    assert '<input type="hidden" name="sort" value="to">' in html
    assert rows_in(html, pattern) == [str(u1)]


def test_d_house_10_the_inbox_sorts_oldest_first_by_default_and_filters_overdue(
    supervisor: Any,
) -> None:
    u0, u1, u2 = (u.pk for u in _upgrades(("pending", "pending", "pending")))
    client = login(supervisor)
    url = reverse("keyaccounts:upgrade_inbox")
    pattern = r'data-testid="upgrade-(\d+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {"asked": [u2, u0, u1], "line": [u1, u2, u0], "to": [u2, u0, u1], "by": [u1, u2, u0]},
    )
    assert_default(client, url, pattern, "asked", [u2, u0, u1])
    assert_csv_follows(client, url, 1, {"line": ["13900000010", "13900000011", "13900000012"]})
    # asked 10 days ago: more than 3 working days; 3 days ago (a Sunday): not yet
    overdue = client.get(url, {"overdue": "1", "sort": "-asked"}).content.decode()
    assert rows_in(overdue, pattern) == [str(u2)]
    assert '<input type="hidden" name="sort" value="-asked">' in overdue


# --- SERVICE-8: the portfolio ----------------------------------------------------------


def test_d_house_10_the_customers_without_a_manager_sort_by_line_and_filter(
    supervisor: Any,
) -> None:
    customers = [
        make_customer(msisdn=msisdn, city=city)
        for msisdn, city in (
            ("13700000002", "南京"),
            ("13700000000", "苏州"),
            ("13700000001", "苏州"),
        )
    ]
    for customer in customers:  # five credit stars: eligible (SERVICE-8)
        CreditRatingFactory(customer=customer, stars=5, month=date(2026, 9, 1))
    grant_create(
        customer=customers[2], level="gold", source=GrantSource.ANNUAL, valid_from=date(2026, 1, 1)
    )
    c0, c1, c2 = (c.msisdn for c in customers)
    client = login(supervisor)
    url = reverse("keyaccounts:vip_portfolio")
    pattern = r'data-testid="unassigned-row" data-msisdn="(\d+)"'
    assert_sorts(client, url, pattern, {"line": [c1, c2, c0]})
    assert_default(client, url, pattern, "line", [c1, c2, c0])
    assert_csv_follows(client, url, 0, {"line": [c1, c2, c0]})
    for asked, found in (
        ({"city": "南京"}, [c0]),
        ({"level": "gold"}, [c2]),
        ({"level": "diamond"}, []),
        ({"level": "five_stars"}, [c0, c2, c1]),
        ({"q": "1370000000 1"}, [c2]),
    ):
        html = client.get(url, {**asked, "sort": "-line"}).content.decode()
        assert rows_in(html, pattern) == found, asked
    assert '<input type="hidden" name="sort" value="-line">' in html


def test_d_house_10_the_account_managers_sort_on_their_own_parameter(supervisor: Any) -> None:
    a = UserFactory(username="mgr_a", last_name="B", role="account_manager")
    b = UserFactory(username="mgr_b", last_name="A", role="account_manager")
    c = UserFactory(username="mgr_c", last_name="C", role="account_manager")

    def personal(manager: Any, *, eligible: bool) -> None:
        customer = make_customer()
        if eligible:
            CreditRatingFactory(customer=customer, stars=5, month=date(2026, 9, 1))
        PersonalManager.objects.create(
            customer=customer,
            manager=manager,
            started_on=date(2026, 1, 1),
            reason=PersonalManager.Reason.ASSIGN,
            assigned_at=at(date(2026, 1, 1)),
            assigned_by=supervisor,
        )

    personal(a, eligible=False)  # a: 1 personal customer, no longer eligible
    personal(b, eligible=True)
    personal(b, eligible=True)  # b: 2, both eligible
    for manager, count in ((b, 1), (c, 2)):
        group = make_group(account_manager=manager)
        for _ in range(count):
            KeyPersonFactory(group=group, customer=make_customer())
    client = login(supervisor)
    url = reverse("keyaccounts:vip_portfolio")
    pattern = r'data-testid="manager-row" data-username="(\w+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {
            "manager": ["mgr_b", "mgr_a", "mgr_c"],
            "vip": ["mgr_c", "mgr_a", "mgr_b"],
            "lost": ["mgr_b", "mgr_c", "mgr_a"],  # the ties by username
            "key_persons": ["mgr_a", "mgr_b", "mgr_c"],
        },
        param="managers_sort",
    )
    assert_default(
        client, url, pattern, "manager", ["mgr_b", "mgr_a", "mgr_c"], param="managers_sort"
    )
    html = client.get(url, {"managers_sort": "-vip"}).content.decode()
    assert '<input type="hidden" name="managers_sort" value="-vip">' in html


# --- SERVICE-14: the birthday gifts ----------------------------------------------------


def _gifts(statuses: tuple[str, str, str], manager: Any, by: Any) -> list[BirthdayGift]:
    made = []
    for msisdn, contact_by, status in zip(
        ("13500000000", "13500000001", "13500000002"),
        (date(2026, 11, 20), date(2026, 11, 10), date(2026, 11, 15)),
        statuses,
        strict=True,
    ):
        customer = make_customer(msisdn=msisdn)
        PersonalManager.objects.create(
            customer=customer,
            manager=manager,
            started_on=date(2026, 1, 1),
            reason=PersonalManager.Reason.ASSIGN,
            assigned_at=at(date(2026, 1, 1)),
            assigned_by=by,
        )
        made.append(
            BirthdayGift.objects.create(
                customer=customer,
                year=2026,
                birthday=contact_by + timedelta(days=3),
                contact_by=contact_by,
                status=status,
                opened_at=at(contact_by),
            )
        )
    return made


def test_d_house_10_the_gifts_sort_by_contact_day_and_status_and_the_csv_follows(
    supervisor: Any, account_manager: Any
) -> None:
    g0, g1, g2 = (
        g.pk for g in _gifts(("contacted", "due", "declined"), account_manager, supervisor)
    )
    client = login(supervisor)
    url = reverse("keyaccounts:vip_gifts")
    pattern = r'data-testid="gift-row" data-gift="(\d+)"'
    assert_sorts(client, url, pattern, {"contact_by": [g1, g2, g0], "status": [g0, g2, g1]})
    assert_default(client, url, pattern, "-contact_by", [g0, g2, g1])
    csv_url = reverse("keyaccounts:vip_gifts_csv")
    assert_csv_follows(
        client,
        url,
        0,
        {
            "contact_by": ["13500000001", "13500000002", "13500000000"],
            "status": ["13500000000", "13500000002", "13500000001"],
        },
        csv_url=csv_url,
    )
    html = client.get(url, {"sort": "status", "status": "open"}).content.decode()
    assert '<input type="hidden" name="sort" value="status">' in html
    assert f'href="{csv_url}?sort=status&amp;status=open"' in html
    assert rows_in(html, pattern) == [str(g0), str(g1)]


def test_d_house_10_the_workspace_gifts_sort_on_their_own_parameter(
    supervisor: Any, account_manager: Any
) -> None:
    g0, g1, g2 = (
        g.pk for g in _gifts(("contacted", "due", "unreachable"), account_manager, supervisor)
    )
    client = login(account_manager)
    url = reverse("keyaccounts:manager_workspace")
    pattern = r'data-testid="gift-row" data-gift="(\d+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {"contact_by": [g1, g2, g0], "status": [g0, g1, g2]},
        param="gifts_sort",
    )
    assert_default(client, url, pattern, "contact_by", [g1, g2, g0], param="gifts_sort")


# --- D-GROUP-11: the notifications -----------------------------------------------------


@pytest.fixture
def four_notices(account_manager: Any, supervisor: Any) -> dict[str, tuple[str, int]]:
    def person(msisdn: str, birth: date = date(1980, 1, 1)) -> KeyPerson:
        return key_person_create(
            group=make_group(account_manager=account_manager, group_class="C"),
            customer=make_customer(msisdn=msisdn, birth_date=birth),
            role="contact",
            rank="other",
            actor=account_manager,
        )

    asked = upgrade_request_create(
        key_person=person("13400000001"), requested_level="gold", reason="x", actor=account_manager
    )
    upgrade_request_reject(request=asked, actor=supervisor, note="明年再报")
    late = person("13400000002")
    ContactLog.objects.create(
        group=late.group,
        key_person=late,
        channel="call",
        contacted_at=at(TODAY - timedelta(days=10)),
        next_follow_up=TODAY - timedelta(days=1),
        notes="回访",
        logged_by=account_manager,
    )
    birthday = person("13400000003", birth=date(1970, 11, 28))
    vip: Customer = make_customer(msisdn="13400000004", birth_date=date(1980, 11, 27))
    PersonalManager.objects.create(
        customer=vip,
        manager=account_manager,
        started_on=date(2026, 1, 1),
        reason=PersonalManager.Reason.ASSIGN,
        assigned_at=at(date(2026, 1, 1)),
        assigned_by=supervisor,
    )
    gift = BirthdayGift.objects.create(
        customer=vip,
        year=2026,
        birthday=date(2026, 11, 27),
        contact_by=date(2026, 11, 24),
        opened_at=at(TODAY - timedelta(days=1)),
    )
    return {
        "upgrade": ("upgrade_decided", asked.pk),  # about today
        "follow_up": ("follow_up_overdue", late.pk),  # yesterday
        "birthday": ("birthday", birthday.pk),  # the 28th
        "gift": ("gift", gift.pk),  # the 27th
    }


def test_d_house_10_the_notifications_sort_by_kind_and_by_day_across_the_kinds(
    account_manager: Any, four_notices: dict[str, tuple[str, int]]
) -> None:
    n = {name: f"{kind}-{pk}" for name, (kind, pk) in four_notices.items()}
    client = login(account_manager)
    url = reverse("keyaccounts:notices")
    pattern = r'data-testid="notice-(\w+-\d+)"'
    assert_sorts(
        client,
        url,
        pattern,
        {
            "kind": [n["upgrade"], n["follow_up"], n["birthday"], n["gift"]],
            "day": [n["follow_up"], n["upgrade"], n["gift"], n["birthday"]],
        },
    )
    assert_default(
        client, url, pattern, "kind", [n["upgrade"], n["follow_up"], n["birthday"], n["gift"]]
    )
    html = client.get(url, {"sort": "-day", "kind": "birthday"}).content.decode()
    assert '<input type="hidden" name="sort" value="-day">' in html
    assert rows_in(html, pattern) == [n["birthday"]]
    found = client.get(url, {"q": "134 0000 0004", "sort": "day"}).content.decode()
    assert rows_in(found, pattern) == [n["gift"]]


def test_d_house_10_a_page_of_notifications_by_day_reads_only_its_rows(
    account_manager: Any,
    four_notices: dict[str, tuple[str, int]],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    items = NoticeList(account_manager, TODAY, by_day=True, descending=True)
    with django_assert_max_num_queries(4):  # the count, the page's keys, its two kinds
        page = items[1:3]
    assert items.count() == 4
    assert [(x.kind, x.object_id) for x in page] == [four_notices["gift"], four_notices["upgrade"]]
    assert [x.day for x in page] == [date(2026, 11, 27), TODAY]
