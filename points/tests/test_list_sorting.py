"""D-HOUSE-10: a customer's ledger and redemptions sort by the column an index serves with
the customer (the day booked, the time redeemed), both ways, with ``aria-sort`` on the
header, the default for an unknown sort, the sort kept by the filters and the pages, and the
CSV in the order shown. The liability's months stay in month order (a roll forward)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core import clock
from membership.models import Customer
from points.models import Entry, Redemption
from points.services import redemption_cancel, redemption_create
from points.tests.builders import earn, make_customer, make_item
from tests.downloads import csv_table
from tests.sorting import in_order, sort_headers

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

BOTH_WAYS = pytest.mark.parametrize("descending", [False, True])


def _aria(descending: bool) -> str:
    return "descending" if descending else "ascending"


@pytest.fixture
def customer() -> Customer:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    for year, month, points in [(2025, 5, 300), (2024, 2, 100), (2026, 1, 400), (2025, 1, 200)]:
        earn(customer, year, points, month=month)
    return customer


@pytest.fixture
def redemptions(customer: Customer) -> list[Redemption]:
    item = make_item(name="保温杯", points_price=10, stock=50)
    other = make_item(name="雨伞", points_price=20, stock=50)
    now = clock.now()
    made = []
    for hours, reward in [(5, item), (1, other), (3, item), (2, other)]:
        redemption = redemption_create(customer=customer, item=reward)
        Redemption.objects.filter(pk=redemption.pk).update(created_at=now - timedelta(hours=hours))
        redemption.refresh_from_db()
        made.append(redemption)
    redemption_cancel(redemption=made[2], actor=None, note="")
    return made


@pytest.fixture
def client(clerk: Any) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


@BOTH_WAYS
def test_d_house_10_the_ledger_sorts_by_the_day_booked_and_the_csv_follows(
    client: Client, customer: Customer, descending: bool
) -> None:
    url = reverse("points:account", args=[customer.msisdn])
    asked = "-booked" if descending else "booked"

    response = client.get(url, {"sort": asked})
    table = csv_table(client.get(url, {"sort": asked, "format": "csv"}))

    entries = list(Entry.objects.filter(customer=customer))
    expected = in_order(entries, ("booked_on",), descending=descending)
    assert [e.pk for e in response.context["page"].object_list] == [e.pk for e in expected]
    assert [row[0] for row in table[1:]] == [e.booked_on.isoformat() for e in expected]
    headers = sort_headers(response.content.decode())
    assert headers == {"booked": _aria(descending)}  # the only column an index serves


def test_d_house_10_the_ledger_keeps_its_sort_through_the_filter_and_pages(
    client: Client, customer: Customer
) -> None:
    url = reverse("points:account", args=[customer.msisdn])

    filtered = client.get(url, {"kind": "accrual", "year": "2025", "sort": "booked"})
    unknown = client.get(url, {"sort": "amount"})

    assert [e.booked_on for e in filtered.context["page"].object_list] == [
        date(2025, 1, 28),
        date(2025, 5, 28),
    ]
    html = filtered.content.decode()
    assert '<input type="hidden" name="sort" value="booked">' in html
    assert "sort=booked" in filtered.context["query"]
    assert "sort=booked" in filtered.context["export_url"]
    assert unknown.context["sort"].value == "-booked"
    assert unknown.context["page"].object_list[0].booked_on == date(2026, 1, 28)


@BOTH_WAYS
def test_d_house_10_the_redemptions_sort_by_time_and_the_csv_follows(
    client: Client, customer: Customer, redemptions: list[Redemption], descending: bool
) -> None:
    url = reverse("points:redemptions", args=[customer.msisdn])
    asked = "-when" if descending else "when"

    response = client.get(url, {"sort": asked})
    table = csv_table(client.get(url, {"sort": asked, "format": "csv"}))

    expected = in_order(redemptions, ("created_at",), descending=descending)
    assert [r.pk for r in response.context["page"].object_list] == [r.pk for r in expected]
    assert [int(row[0]) for row in table[1:]] == [r.pk for r in expected]
    assert sort_headers(response.content.decode()) == {"when": _aria(descending)}


def test_points_7_the_redemptions_filter_by_status_keeping_the_sort(
    client: Client, customer: Customer, redemptions: list[Redemption]
) -> None:
    url = reverse("points:redemptions", args=[customer.msisdn])

    requested = client.get(url, {"status": "requested", "sort": "when"})
    cancelled = client.get(url, {"status": "cancelled"})
    unknown = client.get(url, {"sort": "points"})
    table = csv_table(client.get(url, {"status": "requested", "sort": "when", "format": "csv"}))

    expected = [redemptions[0].pk, redemptions[3].pk, redemptions[1].pk]
    assert [r.pk for r in requested.context["page"].object_list] == expected
    assert [int(row[0]) for row in table[1:]] == expected
    assert [r.pk for r in cancelled.context["page"].object_list] == [redemptions[2].pk]
    assert '<input type="hidden" name="sort" value="when">' in requested.content.decode()
    assert unknown.context["page"].object_list[0].pk == redemptions[1].pk  # newest first


def test_points_7_the_points_tab_links_every_redemption_and_its_csv(
    client: Client, customer: Customer, redemptions: list[Redemption]
) -> None:
    html = client.get(reverse("points:account", args=[customer.msisdn])).content.decode()

    url = reverse("points:redemptions", args=[customer.msisdn])
    assert f'href="{url}" data-testid="all-redemptions"' in html
    assert f'href="{url}?format=csv" data-testid="export-redemptions-csv"' in html


@pytest.mark.parametrize(
    "persona", ["anonymous", "counter_clerk", "account_manager", "supervisor", "outsider"]
)
def test_points_7_every_staff_role_reads_the_redemptions_and_only_staff(
    personas: dict[str, Any], persona: str, customer: Customer, redemptions: list[Redemption]
) -> None:
    client = Client()
    if personas[persona] is not None:
        client.force_login(personas[persona])

    response = client.get(reverse("points:redemptions", args=[customer.msisdn]))

    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona == "outsider":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        cancel = reverse("points:redemption_cancel", args=[customer.msisdn, redemptions[0].pk])
        assert (cancel in response.content.decode()) == (persona != "account_manager")


def test_points_7_the_redemptions_page_runs_a_fixed_number_of_queries(
    client: Client,
    customer: Customer,
    redemptions: list[Redemption],
    django_assert_num_queries: Any,
) -> None:
    url = reverse("points:redemptions", args=[customer.msisdn])
    client.get(url)

    # session, user, roles, customer; the count and the page (reward and clerk joined)
    with django_assert_num_queries(6):
        client.get(url, {"sort": "when", "status": "requested"})
