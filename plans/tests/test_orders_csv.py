"""D-HOUSE-5: a customer's plan orders download as CSV — every order as the list shows it,
in the list's sort order (D-HOUSE-10); a customer's data, so the export is audited."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core import clock
from plans.models import Subscription
from plans.services import subscription_order
from plans.tests.conftest import customer_in, plan
from tests.downloads import csv_table

pytestmark = pytest.mark.django_db


def test_d_house_5_a_customers_orders_download_as_sorted_and_audited(
    clerk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    customer = customer_in("南京", joined_on=clock.today())  # new: the first month's terms
    first = subscription_order(
        customer=customer, plan=plan("bt-58"), channel="counter", first_month_option="full"
    )
    for code in ("bt-188", "bt-88"):  # changes; each replaces the pending one (PLAN-6)
        subscription_order(customer=customer, plan=plan(code), channel="counter", note="改套餐")
    client = Client()
    client.force_login(clerk)
    url = reverse("plans:customer_plans", args=[customer.msisdn])

    page = client.get(url, {"sort": "plan"})
    with caplog.at_level(logging.INFO, logger="core.audit"):
        table = csv_table(client.get(url, {"sort": "plan", "format": "csv"}))

    assert 'data-testid="export-csv"' in page.content.decode()
    assert "sort=plan" in page.context["export_url"]
    assert table[0] == [
        "#",
        "Plan",
        "Level",
        "Status",
        "From",
        "Until",
        "Channel",
        "First month",
        "Notes",
    ]
    shown = [s.pk for s in page.context["page"].object_list]
    assert [int(row[0]) for row in table[1:]] == shown
    assert len(shown) == Subscription.objects.filter(customer=customer).count() == 3
    row = next(r for r in table[1:] if r[0] == str(first.pk))
    assert row[1] == first.plan.name_zh
    assert row[4] == first.effective_from.isoformat()
    assert row[7] == (
        f"{first.get_first_month_option_display()}: {first.first_month_fee} yuan · "
        f"{first.first_month_minutes} min · {first.first_month_data_mb} MB"
    )
    assert {r[8] for r in table[1:] if r[0] != str(first.pk)} == {"改套餐"}
    logged = [r.getMessage() for r in caplog.records if "list exported" in r.getMessage()]
    assert len(logged) == 1
    assert f"list=plan-orders-{customer.msisdn}" in logged[0]
    assert "rows=3" in logged[0]
