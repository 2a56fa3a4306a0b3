"""D-HOUSE-10: the plan catalogue and a customer's orders sort by their column headers,
both ways, with ``aria-sort`` on the sorted header, the default for an unknown sort, the
sort kept by the filters, and the catalogue's CSV in the order shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Plan, Subscription
from plans.services import subscription_order
from plans.tests.conftest import customer_in, plan
from plans.views import CATALOGUE_SORTING, ORDER_SORTING
from tests.downloads import csv_table
from tests.sorting import in_order, sort_headers

pytestmark = pytest.mark.django_db

BOTH_WAYS = pytest.mark.parametrize("descending", [False, True])
CATALOGUE = reverse("plans:catalogue")


def _only_sorted(html: str, key: str, descending: bool) -> dict[str, str]:
    headers = sort_headers(html)
    assert headers[key] == ("descending" if descending else "ascending")
    assert [k for k, aria in headers.items() if aria] == [key]
    return headers


@pytest.fixture
def client(clerk: Any) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


@pytest.mark.parametrize("key", sorted(CATALOGUE_SORTING.columns))
@BOTH_WAYS
def test_d_house_10_the_catalogue_sorts_by_each_column_and_the_csv_follows(
    client: Client, key: str, descending: bool
) -> None:
    asked = f"-{key}" if descending else key

    response = client.get(CATALOGUE, {"sort": asked})
    table = csv_table(client.get(CATALOGUE, {"sort": asked, "format": "csv"}))

    plans = list(Plan.objects.select_related("family"))
    expected = in_order(plans, CATALOGUE_SORTING.columns[key], descending=descending)
    assert len(expected) > 1
    shown = [p.pk for p, _state in response.context["rows"]]
    assert shown == [p.pk for p in expected][: len(shown)]
    assert [row[0] for row in table[1:]] == [p.name_zh for p in expected]
    _only_sorted(response.content.decode(), key, descending)


def test_d_house_10_the_catalogue_filter_keeps_the_sort_and_an_unknown_one_is_the_default(
    client: Client,
) -> None:
    filtered = client.get(CATALOGUE, {"family": "business_travel", "sort": "-fee"})
    unknown = client.get(CATALOGUE, {"sort": "voice_overage_rate"})
    default = client.get(CATALOGUE)

    fees = [p.monthly_fee for p, _state in filtered.context["rows"]]
    assert fees == sorted(fees, reverse=True)
    assert {p.family.code for p, _state in filtered.context["rows"]} == {"business_travel"}
    html = filtered.content.decode()
    assert '<input type="hidden" name="sort" value="-fee">' in html
    assert "sort=-fee" in filtered.context["query"]
    assert "sort=-fee" in filtered.context["export_url"]
    assert [p.pk for p, _s in unknown.context["rows"]] == [
        p.pk for p, _s in default.context["rows"]
    ]
    assert unknown.context["sort"].value == "family"


@pytest.mark.parametrize("key", sorted(ORDER_SORTING.columns))
@BOTH_WAYS
def test_d_house_10_a_customers_orders_sort_by_each_column(
    client: Client, key: str, descending: bool
) -> None:
    customer = customer_in("南京")
    for code in ("bt-188", "bt-88", "bt-128"):  # each replaces the one before (PLAN-6)
        subscription_order(customer=customer, plan=plan(code), channel="counter")
    orders = list(Subscription.objects.filter(customer=customer).select_related("plan"))

    response = client.get(
        reverse("plans:customer_plans", args=[customer.msisdn]),
        {"sort": f"-{key}" if descending else key},
    )

    expected = in_order(orders, ORDER_SORTING.columns[key], descending=descending)
    assert [s.pk for s in response.context["page"].object_list] == [s.pk for s in expected]
    _only_sorted(response.content.decode(), key, descending)
