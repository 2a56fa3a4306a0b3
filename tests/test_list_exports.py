"""Issue 17 "no export anywhere": the import runs, the job runs, the plan catalogue and a
customer's points entries and redemptions download as CSV (core.exports), every page of
what the list shows; the customer's data is audited."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.models import JobRun
from membership.models import ImportRun
from points.services import redemption_create
from points.tests.builders import earn, make_customer, make_item
from tests.downloads import csv_table

pytestmark = pytest.mark.django_db


def test_import_runs_download_as_csv(client: Client, supervisor: Any) -> None:
    for n in range(30):  # more than a page
        ImportRun.objects.create(feed="bills", original_name=f"bills-{n}.csv", size=10)
    client.force_login(supervisor)
    page = client.get(reverse("membership:import_upload"))
    assert 'data-testid="export-csv"' in page.content.decode()
    rows = csv_table(client.get(reverse("membership:import_upload"), {"format": "csv"}))
    assert len(rows) == 31
    assert {r[3] for r in rows[1:]} == {f"bills-{n}.csv" for n in range(30)}


def test_conv_5_job_runs_download_as_csv_with_the_filters(client: Client, supervisor: Any) -> None:
    JobRun.objects.create(job="probe_whole", period="2026-10-01", status=JobRun.Status.FAILED)
    JobRun.objects.create(job="probe_whole", period="2026-10-02", status=JobRun.Status.SUCCEEDED)
    client.force_login(supervisor)
    url = reverse("core:job_runs")
    assert "format=csv" in client.get(url).content.decode()
    rows = csv_table(client.get(url, {"status": "failed", "format": "csv"}))
    assert [r[1] for r in rows[1:]] == ["2026-10-01"]


def test_plan_1_the_catalogue_downloads_as_csv_as_filtered(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    url = reverse("plans:catalogue")
    rows = csv_table(client.get(url, {"level": "gold", "city": "苏州", "format": "csv"}))
    names = [r[0] for r in rows[1:]]
    assert "全球通商旅388套餐" in names
    assert "全球通商旅288套餐" not in names
    assert len(rows[0]) == 12  # the availability column comes with a city


@pytest.mark.now("2026-06-10T10:00:00")
def test_points_5_entries_and_redemptions_download_as_csv_audited(
    client: Client, clerk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, 2026, 5000)
    item = make_item(name="保温杯", points_price=1000, stock=5)
    redemption_create(customer=customer, item=item, today=date(2026, 6, 10))
    client.force_login(clerk)
    url = reverse("points:account", args=[customer.msisdn])
    html = client.get(url).content.decode()
    assert 'data-testid="export-entries-csv"' in html
    assert 'data-testid="export-redemptions-csv"' in html
    with caplog.at_level(logging.INFO, logger="core.audit"):
        entries = csv_table(client.get(url, {"format": "csv"}))
        redemptions = csv_table(client.get(url, {"format": "csv", "list": "redemptions"}))
    assert len(entries) == 3  # the accrual and the redemption
    assert {r[2] for r in entries[1:]} == {"5000", "-1000"}
    assert [r[2] for r in redemptions[1:]] == ["保温杯"]
    logged = [r.getMessage() for r in caplog.records if "list exported" in r.getMessage()]
    assert any("points-entries-13900000001" in m for m in logged)
    assert any("points-redemptions-13900000001" in m for m in logged)
