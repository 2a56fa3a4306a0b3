"""Every servicedesk list sorts by its column headers, has a search box and filters, and its
CSV follows the screen (D-HOUSE-10; issue "the three workspaces"). The lists that grow with
the province (requests, a hall's tickets, an event's sign-ups) sort only on what an index
serves with their filters: checked on SQLite's query plans."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.filters import ServiceRequestFilter
from servicedesk.models import ClubEvent, Hall, ServiceRequest
from servicedesk.selectors.club import event_signups
from servicedesk.selectors.desk import requests_list
from servicedesk.selectors.queue import hall_tickets
from servicedesk.services.club import club_event_create
from servicedesk.services.queue import ticket_call_next, ticket_issue
from servicedesk.services.requests import service_request_create
from servicedesk.tests.conftest import give_level, make_customer
from servicedesk.views.club import SIGNUP_SORTING
from servicedesk.views.queue import TICKET_SORTING
from servicedesk.views.requests import SORTING as REQUEST_SORTING
from tests.builders import make_hall
from tests.downloads import csv_table

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 18)
T0 = datetime(2026, 3, 18, 9, 0, tzinfo=SH)

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 12:00")]

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the plans checked are SQLite's"
)


def _sorted_in_memory(rows: QuerySet[Any]) -> bool:
    """Whether SQLite sorts rows it did not narrow by an index to show a page. Walking an
    index in the sort's order is the plan wanted; sorting the few rows an index found (the
    open requests, a range of days) is fine too; sorting a scan of the table is not."""
    sql, params = rows[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    if not any("TEMP B-TREE FOR ORDER BY" in step for step in plan):
        return False
    table = rows.model._meta.db_table
    return not any(step.startswith(f"SEARCH {table} USING") for step in plan)


def _sort(sorting: Any, value: str) -> Any:
    return sorting.read(RequestFactory().get("/", {"sort": value}))


def _both_ways(sorting: Any) -> list[str]:
    return [f"{sign}{key}" for key in sorting.columns for sign in ("", "-")]


# --- service requests ---------------------------------------------------------------------


@pytest.fixture
def requests(clerk: Any) -> list[ServiceRequest]:
    """Three complaints registered out of their numbers' order: #1 at 11:00, #2 at 09:00,
    #3 at 10:00."""
    make_hall(code="sz-1")
    made = []
    for index, hour in enumerate((11, 9, 10)):
        customer = make_customer(msisdn=f"1381234900{index}", brand="gotone")
        made.append(
            service_request_create(
                customer=customer, kind="complaint", actor=clerk, data={"subject": "x"}
            )
        )
        ServiceRequest.objects.filter(pk=made[-1].pk).update(created_at=T0.replace(hour=hour))
    return made


def _pks(response: Any) -> list[int]:
    return [r.pk for r in response.context["page"].object_list]


def test_d_house_10_the_request_list_sorts_by_number_and_registration_time(
    client: Client, clerk: Any, requests: list[ServiceRequest]
) -> None:
    first, second, third = (r.pk for r in requests)
    client.force_login(clerk)
    url = reverse("servicedesk:request_list")
    assert _pks(client.get(url)) == [first, third, second]  # the latest registered first
    assert _pks(client.get(url, {"sort": "registered"})) == [second, third, first]
    assert _pks(client.get(url, {"sort": "number"})) == [first, second, third]
    assert _pks(client.get(url, {"sort": "-number"})) == [third, second, first]
    assert _pks(client.get(url, {"sort": "status"})) == [first, third, second]  # not offered
    html = client.get(url, {"kind": "complaint", "sort": "registered"}).content.decode()
    assert 'aria-sort="ascending"><a href="?kind=complaint&amp;sort=-registered"' in html
    assert '<a href="?kind=complaint&amp;sort=number" data-sort="number">#</a>' in html
    assert '<input type="hidden" name="sort" value="registered">' in html
    assert "kind=complaint&amp;sort=registered&amp;format=csv" in html


def test_d_house_10_the_request_csv_follows_the_sort(
    client: Client, clerk: Any, requests: list[ServiceRequest]
) -> None:
    client.force_login(clerk)
    url = reverse("servicedesk:request_list")
    rows = csv_table(client.get(url, {"sort": "registered", "format": "csv"}))
    assert [int(row[0]) for row in rows[1:]] == [requests[1].pk, requests[2].pk, requests[0].pk]


@sqlite_only
@pytest.mark.parametrize(
    "filters",
    [
        "",
        "kind=complaint",
        "status=open",
        "hall=sz-1",
        "registered_from=2026-03-01&registered_to=2026-03-18",
        "kind=complaint&status=open&hall=sz-1",
    ],
)
def test_d_house_10_every_request_sort_walks_an_index_with_the_filters(
    requests: list[ServiceRequest], filters: str
) -> None:
    """Filtered by one customer's number the rows are that customer's few: sorted, cheaply."""
    rows = ServiceRequestFilter(QueryDict(filters), queryset=requests_list()).qs
    for value in _both_ways(REQUEST_SORTING):
        assert not _sorted_in_memory(_sort(REQUEST_SORTING, value).apply(rows)), value


# --- a hall's tickets -----------------------------------------------------------------------


@pytest.fixture
def tickets(clerk: Any) -> Hall:
    """Hall sz-1 on DAY: V001 (09:00, called), V002 (09:01), P001 (09:03); one the day
    before, which the day's list leaves out."""
    hall = make_hall(code="sz-1", name="苏州一厅")
    for msisdn in ("13900000011", "13900000012"):
        give_level(make_customer(msisdn=msisdn), "gold")
    ticket_issue(hall=hall, msisdn="13900000011", actor=clerk, at=T0)
    ticket_issue(hall=hall, msisdn="13900000012", actor=clerk, at=T0 + timedelta(minutes=1))
    ticket_issue(hall=hall, msisdn="13700000002", actor=clerk, at=T0 + timedelta(minutes=3))
    ticket_call_next(hall=hall, actor=clerk, at=T0 + timedelta(minutes=5))
    ticket_issue(hall=hall, msisdn="13700000009", actor=clerk, at=T0 - timedelta(days=1))
    return hall


def _numbers(response: Any) -> list[str]:
    return [t.number for t in response.context["page"].object_list]


def test_d_house_10_the_hall_desk_lists_the_days_tickets_searched_filtered_sorted(
    client: Client, clerk: Any, tickets: Hall
) -> None:
    """SERVICE-1: the hall's tickets of the day (the queue), as D-HOUSE-10 lists them."""
    client.force_login(clerk)
    url = reverse("servicedesk:hall_desk", kwargs={"code": tickets.code})
    assert _numbers(client.get(url)) == ["V001", "V002", "P001"]  # in the order issued
    assert _numbers(client.get(url, {"sort": "-issued"})) == ["P001", "V002", "V001"]
    assert _numbers(client.get(url, {"sort": "number"})) == ["P001", "V001", "V002"]
    assert _numbers(client.get(url, {"q": "v002"})) == ["V002"]  # a ticket number
    assert _numbers(client.get(url, {"q": "0002"})) == ["P001"]  # digits of a phone number
    assert _numbers(client.get(url, {"q": "nobody"})) == []
    assert _numbers(client.get(url, {"status": "waiting"})) == ["V002", "P001"]
    assert _numbers(client.get(url, {"ticket_class": "vip", "sort": "-number"})) == [
        "V002",
        "V001",
    ]
    yesterday = client.get(url, {"day": "2026-03-17"})
    assert _numbers(yesterday) == ["P001"]
    assert "2026-03-17" in yesterday.content.decode()
    html = client.get(url, {"status": "waiting", "sort": "number"}).content.decode()
    assert '<th aria-sort="ascending"><a href="?status=waiting&amp;sort=-number"' in html
    assert '<input type="hidden" name="sort" value="number">' in html
    assert "status=waiting&amp;sort=number&amp;format=csv" in html


def test_d_house_10_the_tickets_csv_follows_the_filters_and_the_sort(
    client: Client, clerk: Any, tickets: Hall
) -> None:
    client.force_login(clerk)
    url = reverse("servicedesk:hall_desk", kwargs={"code": tickets.code})
    response = client.get(url, {"ticket_class": "vip", "sort": "-number", "format": "csv"})
    assert 'filename="tickets-sz-1-2026-03-18.csv"' in response["Content-Disposition"]
    assert [row[0] for row in csv_table(response)[1:]] == ["V002", "V001"]
    yesterday = client.get(url, {"day": "2026-03-17", "format": "csv"})
    assert "tickets-sz-1-2026-03-17-2026-03-18.csv" in yesterday["Content-Disposition"]
    assert [row[0] for row in csv_table(yesterday)[1:]] == ["P001"]
    assert [row[0] for row in csv_table(client.get(url, {"format": "csv"}))[1:]] == [
        "V001",
        "V002",
        "P001",
    ]


def test_d_house_10_the_hall_desk_reads_no_more_with_more_tickets(
    client: Client, clerk: Any, tickets: Hall
) -> None:
    client.force_login(clerk)
    url = reverse("servicedesk:hall_desk", kwargs={"code": tickets.code})
    client.get(url)  # the hall remembered in the session (a write the first time)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(20):
        ticket_issue(hall=tickets, msisdn=f"137000001{index:02d}", actor=clerk, at=T0)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@sqlite_only
@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "waiting"}, {"ticket_class": "vip"}, {"q": "139"}, {"q": "V001"}],
)
def test_d_house_10_every_ticket_sort_walks_an_index_with_the_filters(
    tickets: Hall, filters: dict[str, str]
) -> None:
    rows = hall_tickets(tickets, DAY, **filters)
    for value in _both_ways(TICKET_SORTING):
        assert not _sorted_in_memory(_sort(TICKET_SORTING, value).apply(rows)), value


# --- halls ----------------------------------------------------------------------------------


@pytest.fixture
def halls(db: Any) -> None:
    make_hall(code="sz-1", name="Suzhou Guanqian", city="Suzhou")
    make_hall(code="nj-1", name="Nanjing Xinjiekou", city="Nanjing")
    make_hall(code="nj-2", name="Nanjing Hexi", city="Nanjing")
    make_hall(code="wx-1", name="Wuxi Center", city="Wuxi", active=False)


def _codes(response: Any) -> list[str]:
    return [h.code for h in response.context["page"].object_list]


def test_d_house_10_the_halls_are_searched_filtered_sorted_and_exported(
    client: Client, clerk: Any, halls: None
) -> None:
    client.force_login(clerk)
    url = reverse("servicedesk:hall_list")
    assert _codes(client.get(url)) == ["nj-2", "nj-1", "sz-1", "wx-1"]  # by city, then name
    assert _codes(client.get(url, {"sort": "-hall"})) == ["wx-1", "sz-1", "nj-1", "nj-2"]
    assert _codes(client.get(url, {"q": "nanjing", "sort": "hall"})) == ["nj-2", "nj-1"]
    assert _codes(client.get(url, {"q": "wx"})) == ["wx-1"]  # the code
    assert _codes(client.get(url, {"state": "closed"})) == ["wx-1"]
    assert _codes(client.get(url, {"state": "open", "q": "Suzhou"})) == ["sz-1"]
    html = client.get(url, {"q": "nanjing", "sort": "hall"}).content.decode()
    assert '<th aria-sort="ascending"><a href="?q=nanjing&amp;sort=-hall"' in html
    assert '<input type="hidden" name="sort" value="hall">' in html
    rows = csv_table(client.get(url, {"state": "open", "sort": "-hall", "format": "csv"}))
    assert [row[0] for row in rows[1:]] == ["sz-1", "nj-1", "nj-2"]


# --- club events ----------------------------------------------------------------------------


def _event(supervisor: Any, title: str, days: int, kind: str = "vip_lecture") -> ClubEvent:
    starts = T0 + timedelta(days=days)
    return club_event_create(
        actor=supervisor,
        data={
            "title": title,
            "kind": kind,
            "starts_at": starts,
            "place": f"{title} hall",
            "capacity": 10,
            "levels": ["gold"],
            "signup_deadline": starts.date() - timedelta(days=1),
        },
    )


def _titles(response: Any) -> list[str]:
    return [e.title for e in response.context["page"].object_list]


def test_d_house_10_the_club_events_are_searched_filtered_sorted_and_exported(
    client: Client, clerk: Any, supervisor: Any
) -> None:
    _event(supervisor, "Budget talk", 10)
    _event(supervisor, "Autumn film", -30, kind="film")
    _event(supervisor, "Checkup", 40, kind="health_check")
    client.force_login(clerk)
    url = reverse("servicedesk:club_event_list")
    assert _titles(client.get(url)) == ["Checkup", "Budget talk", "Autumn film"]
    assert _titles(client.get(url, {"sort": "title"})) == ["Autumn film", "Budget talk", "Checkup"]
    assert _titles(client.get(url, {"when": "upcoming", "sort": "date"})) == [
        "Budget talk",
        "Checkup",
    ]
    assert _titles(client.get(url, {"when": "past"})) == ["Autumn film"]
    assert _titles(client.get(url, {"kind": "film"})) == ["Autumn film"]
    assert _titles(client.get(url, {"q": "budget HALL"})) == []
    assert _titles(client.get(url, {"q": "budget"})) == ["Budget talk"]
    html = client.get(url, {"when": "upcoming", "sort": "-title"}).content.decode()
    assert '<th aria-sort="descending"><a href="?when=upcoming&amp;sort=title"' in html
    assert '<input type="hidden" name="sort" value="-title">' in html
    rows = csv_table(client.get(url, {"when": "upcoming", "sort": "-title", "format": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Checkup", "Budget talk"]


# --- an event's sign-ups --------------------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize("filters", [{}, {"status": "signed_up"}, {"number": "1381"}])
def test_d_house_10_the_sign_up_sort_walks_an_index_with_the_filters(
    supervisor: Any, filters: dict[str, str]
) -> None:
    rows = event_signups(_event(supervisor, "Budget talk", 10), **filters)
    for value in _both_ways(SIGNUP_SORTING):
        assert not _sorted_in_memory(_sort(SIGNUP_SORTING, value).apply(rows)), value


def test_d_house_10_the_registration_days_are_the_programmes_days(
    requests: list[ServiceRequest],
) -> None:
    """The day filters compare the timestamp with the programme's midnights (an index serves
    that), and a day is Asia/Shanghai's: 23:30 there is still that day, 00:10 the next."""
    late, early, _other = requests
    shanghai = ZoneInfo("Asia/Shanghai")
    ServiceRequest.objects.filter(pk=late.pk).update(
        created_at=datetime(2026, 3, 18, 23, 30, tzinfo=shanghai)
    )
    ServiceRequest.objects.filter(pk=early.pk).update(
        created_at=datetime(2026, 3, 19, 0, 10, tzinfo=shanghai)
    )

    def found(filters: str) -> set[int]:
        rows = ServiceRequestFilter(QueryDict(filters), queryset=requests_list()).qs
        return {r.pk for r in rows if r.pk in (late.pk, early.pk)}

    assert found("registered_to=2026-03-18") == {late.pk}
    assert found("registered_from=2026-03-19") == {early.pk}
    assert found("registered_from=2026-03-18&registered_to=2026-03-19") == {late.pk, early.pk}
    sql = str(
        ServiceRequestFilter(QueryDict("registered_from=2026-03-19"), requests_list()).qs.query
    )
    assert "django_datetime_cast_date" not in sql
    assert "::date" not in sql
