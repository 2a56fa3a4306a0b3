"""D-HOUSE-10: the membership lists sort by their column headers — the customers found at
the counter, the feed import runs, the rating runs and a rating's changes, the snapshot
lists and a customer's credit months — both ways, with ``aria-sort`` on the sorted header,
the default for an unknown sort, the sort kept by the filters and the pages, and the CSV
in the order shown. (The member timeline is merged from several tables by time and keeps
time order: it offers no sort.)"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core import clock
from membership.models import Brand, CreditRating, Customer, ImportRun, RatingRun, Status
from membership.views import credit, customers, imports, rating, snapshots
from tests.builders import make_bill, make_customer, make_snapshot
from tests.downloads import csv_table
from tests.sorting import in_order, sort_headers

pytestmark = pytest.mark.django_db

BOTH_WAYS = pytest.mark.parametrize("descending", [False, True])


def _sorted(key: str, descending: bool) -> str:
    return f"-{key}" if descending else key


def _aria(descending: bool) -> str:
    return "descending" if descending else "ascending"


def _only_sorted(html: str, key: str, descending: bool) -> dict[str, str]:
    headers = sort_headers(html)
    assert headers[key] == _aria(descending)
    assert [k for k, aria in headers.items() if aria] == [key]
    return headers


@pytest.fixture
def supervisor_client(supervisor: Any) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client


# --- the customers found at the counter ------------------------------------------------------


@pytest.fixture
def namesakes() -> list[Customer]:
    rows = [
        ("13900000005", "王小明", Brand.MZONE, "南京", Status.ACTIVE),
        ("13900000001", "王小红", Brand.GOTONE, "苏州", Status.SUSPENDED),
        ("13900000003", "王小刚", Brand.EASYOWN, "无锡", Status.ACTIVE),
        ("13900000002", "王小丽", Brand.GOTONE, "常州", Status.PRE_CANCEL),
        ("13900000004", "王小东", Brand.MZONE, "苏州", Status.ACTIVE),
    ]
    return [
        make_customer(msisdn=msisdn, name=name, brand=brand, city=city, status=status)
        for msisdn, name, brand, city, status in rows
    ]


def _found(client: Client, query: dict[str, str]) -> Any:
    return client.get(reverse("membership:lookup"), {"results": "1", **query})


@pytest.mark.parametrize("key", sorted(customers._RESULT_COLUMNS))
@BOTH_WAYS
def test_d_house_10_the_customers_found_sort_by_each_column(
    client: Client, clerk: Any, namesakes: list[Customer], key: str, descending: bool
) -> None:
    client.force_login(clerk)
    client.post(reverse("membership:lookup"), {"q": "王小"})

    response = _found(client, {"sort": _sorted(key, descending)})

    expected = in_order(namesakes, customers._RESULT_COLUMNS[key], descending=descending)
    assert [c.msisdn for c in response.context["page"].object_list] == [c.msisdn for c in expected]
    headers = _only_sorted(response.content.decode(), key, descending)
    assert "id_number" not in headers  # its order would tell the masked digits


def test_d_house_10_a_name_search_lists_by_name_unless_asked_and_sorts_only_its_cap(
    client: Client, clerk: Any, settings: Any
) -> None:
    settings.GOTONE = {"NAME_SEARCH_MAX_RESULTS": 25}
    for n in range(30):
        make_customer(msisdn=f"139000000{n:02d}", name="王小明")
    client.force_login(clerk)
    client.post(reverse("membership:lookup"), {"q": "王小"})

    default = _found(client, {"sort": "salary"})
    newest = _found(client, {"sort": "-msisdn"})

    assert default.context["sort"].value == "name"
    assert sort_headers(default.content.decode())["name"] == "ascending"
    assert newest.context["page"].paginator.count == 25
    assert newest.context["page"].object_list[0].msisdn == "13900000024"  # not …29
    assert "?results=1&amp;sort=-msisdn&amp;page=2" in newest.content.decode()
    second = _found(client, {"sort": "-msisdn", "page": "2"})
    assert [c.msisdn for c in second.context["page"].object_list][-1] == "13900000000"


# --- the feed import runs --------------------------------------------------------------------


@pytest.fixture
def runs() -> list[ImportRun]:
    now = clock.now()
    made = []
    for hours, feed, status, name in [
        (3, "bills", ImportRun.Status.SUCCEEDED, "bills-march.csv"),
        (1, "usage", ImportRun.Status.FAILED, "usage-may.csv"),
        (5, "bills", ImportRun.Status.FAILED, "bills-jan.csv"),
        (2, "customers", ImportRun.Status.SUCCEEDED, "customers.csv"),
    ]:
        made.append(
            ImportRun.objects.create(
                feed=feed,
                status=status,
                original_name=name,
                size=10,
                created_at=now - timedelta(hours=hours),
            )
        )
    return made


@BOTH_WAYS
def test_d_house_10_the_import_runs_sort_by_their_upload_time(
    supervisor_client: Client, runs: list[ImportRun], descending: bool
) -> None:
    url = reverse("membership:import_upload")
    response = supervisor_client.get(url, {"sort": _sorted("uploaded", descending)})

    shown = [run.pk for run, _text in response.context["rows"]]
    expected = in_order(runs, imports.SORTING.columns["uploaded"], descending=descending)
    assert shown == [run.pk for run in expected]
    headers = _only_sorted(response.content.decode(), "uploaded", descending)
    assert set(headers) == {"uploaded"}  # the other columns have no index

    table = csv_table(
        supervisor_client.get(url, {"sort": _sorted("uploaded", descending), "format": "csv"})
    )
    assert [row[3] for row in table[1:]] == [run.original_name for run in expected]


def test_d_house_10_the_import_runs_filter_keeps_the_sort_and_the_upload_feed_apart(
    supervisor_client: Client, runs: list[ImportRun]
) -> None:
    url = reverse("membership:import_upload")
    query = {"runs-feed": "bills", "runs-status": "", "runs-q": "", "sort": "uploaded"}

    response = supervisor_client.get(url, {**query, "feed": "usage"})
    unknown = supervisor_client.get(url, {"sort": "size"})

    assert [run.original_name for run, _text in response.context["rows"]] == [
        "bills-jan.csv",
        "bills-march.csv",
    ]
    html = response.content.decode()
    assert '<input type="hidden" name="sort" value="uploaded">' in html
    assert 'name="runs-feed"' in html
    assert response.context["form"]["feed"].initial == "usage"  # the upload form's feed
    table = csv_table(supervisor_client.get(url, {**query, "format": "csv"}))
    assert [row[3] for row in table[1:]] == ["bills-jan.csv", "bills-march.csv"]
    assert unknown.context["sort"].value == "-uploaded"
    assert unknown.context["rows"][0][0].original_name == "usage-may.csv"


def test_the_import_runs_are_searched_by_file_name_and_status(
    supervisor_client: Client, runs: list[ImportRun]
) -> None:
    url = reverse("membership:import_upload")

    named = supervisor_client.get(url, {"runs-q": "MARCH"})
    failed = supervisor_client.get(url, {"runs-status": "failed"})
    nothing = supervisor_client.get(url, {"runs-q": "nope"})

    assert [r.original_name for r, _t in named.context["rows"]] == ["bills-march.csv"]
    assert {r.original_name for r, _t in failed.context["rows"]} == {
        "usage-may.csv",
        "bills-jan.csv",
    }
    assert "No import matches." in nothing.content.decode()


# --- the rating runs -------------------------------------------------------------------------


@pytest.fixture
def rating_runs() -> list[RatingRun]:
    now = clock.now()
    made = []
    for days, period, state in [
        (30, "2023", RatingRun.State.COMMITTED),
        (10, "2025", RatingRun.State.PREVIEWED),
        (20, "2024", RatingRun.State.COMMITTED),
        (5, "2024", RatingRun.State.PREVIEWED),
    ]:
        run = RatingRun.objects.create(policy="gotone_annual", period=period, state=state)
        RatingRun.objects.filter(pk=run.pk).update(created_at=now - timedelta(days=days))
        run.refresh_from_db()
        made.append(run)
    return made


@pytest.mark.parametrize("key", sorted(rating.RUNS_SORTING.columns))
@BOTH_WAYS
def test_d_house_10_the_rating_runs_sort_by_each_column(
    supervisor_client: Client, rating_runs: list[RatingRun], key: str, descending: bool
) -> None:
    response = supervisor_client.get(
        reverse("membership:rating_runs"), {"sort": _sorted(key, descending)}
    )

    expected = in_order(rating_runs, rating.RUNS_SORTING.columns[key], descending=descending)
    assert [run.pk for run in response.context["page"].object_list] == [r.pk for r in expected]
    _only_sorted(response.content.decode(), key, descending)


def test_d_house_10_the_rating_runs_are_newest_first_by_default(
    supervisor_client: Client, rating_runs: list[RatingRun]
) -> None:
    response = supervisor_client.get(reverse("membership:rating_runs"), {"sort": "counts"})

    assert [run.period for run in response.context["page"].object_list] == [
        "2024",
        "2025",
        "2024",
        "2023",
    ]
    assert sort_headers(response.content.decode())["when"] == "descending"


# --- a rating's changes ----------------------------------------------------------------------


@pytest.fixture
def movers() -> list[str]:
    """Four lines rated diamond from nothing in 2024, their scores not in number order."""
    numbers = ["13900000003", "13900000001", "13900000004", "13900000002"]
    for extra, msisdn in zip((40, 10, 30, 20), numbers, strict=True):
        customer = make_customer(msisdn=msisdn, name="张三", joined_on=date(2012, 1, 1))
        make_bill(customer=customer, month=date(2024, 5, 1), total=Decimal(3700 + extra))
    return numbers


CHANGES = reverse("membership:rating_changes")
BY_SCORE_UP = ["13900000003", "13900000004", "13900000002", "13900000001"]


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("-score", BY_SCORE_UP),
        ("score", BY_SCORE_UP[::-1]),
        ("msisdn", ["13900000001", "13900000002", "13900000003", "13900000004"]),
        ("-msisdn", ["13900000004", "13900000003", "13900000002", "13900000001"]),
        ("name", BY_SCORE_UP),  # not offered: the upgrades' own order
    ],
)
def test_d_house_10_a_ratings_changes_sort_by_score_or_number_and_the_csv_follows(
    supervisor_client: Client, movers: list[str], asked: str, expected: list[str]
) -> None:
    query = {"year": "2024", "direction": "up", "sort": asked}

    response = supervisor_client.get(CHANGES, query)
    table = csv_table(supervisor_client.get(CHANGES, {**query, "format": "csv"}))

    assert [row["msisdn"] for row in response.context["page"].object_list] == expected
    assert [row[0] for row in table[1:]] == expected
    key = asked.removeprefix("-") if asked != "name" else "score"
    descending = asked.startswith("-") or asked == "name"
    headers = _only_sorted(response.content.decode(), key, descending)
    assert set(headers) == {"score", "msisdn"}


def test_d_house_10_a_ratings_changes_keep_the_sort_asked_through_the_pages_and_filter(
    supervisor_client: Client, movers: list[str]
) -> None:
    asked = supervisor_client.get(CHANGES, {"year": "2024", "direction": "up", "sort": "msisdn"})
    default = supervisor_client.get(CHANGES, {"year": "2024", "direction": "up"})

    html = asked.content.decode()
    assert '<input type="hidden" name="sort" value="msisdn">' in html
    assert "sort=msisdn" in asked.context["query"]
    assert "sort=msisdn" in asked.context["export_url"]
    # none asked: switching to the downgrades gives their own order, lowest score first
    assert 'name="sort"' not in default.content.decode()
    assert rating.CHANGES_SORTING["down"].default == "score"


def test_a_ratings_changes_are_searched_by_phone_number_as_typed(
    supervisor_client: Client, movers: list[str]
) -> None:
    query = {"year": "2024", "direction": "up"}

    found = supervisor_client.get(CHANGES, {**query, "q": "+86 139-0000-0002"})
    other = supervisor_client.get(CHANGES, {**query, "q": "张三"})
    table = csv_table(
        supervisor_client.get(CHANGES, {**query, "q": "13900000002", "format": "csv"})
    )

    assert [row["msisdn"] for row in found.context["page"].object_list] == ["13900000002"]
    assert list(other.context["page"].object_list) == []
    assert [row[0] for row in table[1:]] == ["13900000002"]


# --- the snapshot lists ----------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(snapshots.SORTING.columns))
@BOTH_WAYS
def test_d_house_10_the_snapshot_lists_sort_by_each_column(
    supervisor_client: Client, key: str, descending: bool
) -> None:
    lists = [
        make_snapshot(name=name, taken_on=day)
        for name, day in [
            ("年中", date(2025, 6, 30)),
            ("年初", date(2025, 1, 1)),
            ("年末", date(2025, 12, 31)),
            ("年中", date(2024, 6, 30)),
        ]
    ]

    response = supervisor_client.get(
        reverse("membership:snapshot_list"), {"sort": _sorted(key, descending)}
    )

    expected = in_order(lists, snapshots.SORTING.columns[key], descending=descending)
    assert [s.pk for s in response.context["page"].object_list] == [s.pk for s in expected]
    _only_sorted(response.content.decode(), key, descending)


# --- a customer's credit months --------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(credit.SORTING.columns))
@BOTH_WAYS
def test_d_house_10_the_credit_months_sort_by_each_column(
    client: Client, clerk: Any, key: str, descending: bool
) -> None:
    customer = make_customer(msisdn="13900000001")
    ratings = [
        CreditRating.objects.create(
            customer=customer, month=date(2026, month, 1), score=score, stars=stars
        )
        for month, score, stars in [(3, 320, 3), (1, 150, 1), (4, 90, 0), (2, 330, 3)]
    ]
    client.force_login(clerk)

    response = client.get(
        reverse("membership:customer_credit", args=[customer.msisdn]),
        {"sort": _sorted(key, descending)},
    )

    expected = in_order(ratings, credit.SORTING.columns[key], descending=descending)
    assert [r.pk for r, _parts in response.context["rows"]] == [r.pk for r in expected]
    _only_sorted(response.content.decode(), key, descending)
    unknown = client.get(
        reverse("membership:customer_credit", args=[customer.msisdn]), {"sort": "breakdown"}
    )
    assert [r.month.month for r, _p in unknown.context["rows"]] == [4, 3, 2, 1]
