"""D-HOUSE-10: the job runs list sorts by its column headers (the indexed ones), keeps the
sort through the filters and the pages, and downloads in the order it shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core import clock
from core.jobs_views import SORTING
from core.models import JobRun
from tests.downloads import csv_table
from tests.sorting import in_order, sort_headers

pytestmark = pytest.mark.django_db

URL = reverse("core:job_runs")


@pytest.fixture
def runs() -> list[JobRun]:
    now = clock.now()
    made = [
        ("probe_whole", "2026-10-03", JobRun.Status.SUCCEEDED, 5),
        ("probe_ledger", "2026-09", JobRun.Status.FAILED, 1),
        ("probe_whole", "2026-10-01", JobRun.Status.FAILED, 3),
        ("probe_ledger", "2026-10", JobRun.Status.SUCCEEDED, 4),
        ("probe_whole", "2026-10-02", JobRun.Status.RUNNING, 2),
    ]
    return [
        JobRun.objects.create(
            job=job, period=period, status=status, created_at=now - timedelta(hours=hours)
        )
        for job, period, status, hours in made
    ]


@pytest.fixture
def client(supervisor: Any) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client


@pytest.mark.parametrize("key", sorted(SORTING.columns))
@pytest.mark.parametrize("descending", [False, True])
def test_d_house_10_the_runs_sort_by_each_indexed_column_both_ways(
    client: Client, runs: list[JobRun], key: str, descending: bool
) -> None:
    value = f"-{key}" if descending else key
    response = client.get(URL, {"sort": value})

    shown = [run.pk for run in response.context["page"].object_list]
    expected = in_order(runs, SORTING.columns[key], descending=descending)
    assert shown == [run.pk for run in expected]
    headers = sort_headers(response.content.decode())
    assert headers[key] == ("descending" if descending else "ascending")
    assert [k for k, aria in headers.items() if aria] == [key]
    assert set(headers) == {"created", "job", "status"}


def test_d_house_10_no_or_an_unknown_sort_is_newest_first(
    client: Client, runs: list[JobRun]
) -> None:
    newest_first = [run.pk for run in sorted(runs, key=lambda r: r.created_at, reverse=True)]
    for asked in ({}, {"sort": "error"}, {"sort": "-started_at"}):
        response = client.get(URL, asked)
        assert [r.pk for r in response.context["page"].object_list] == newest_first
        assert sort_headers(response.content.decode())["created"] == "descending"


def test_d_house_10_the_csv_and_the_filters_keep_the_sort(
    client: Client, runs: list[JobRun]
) -> None:
    response = client.get(URL, {"status": "failed", "sort": "job"})
    html = response.content.decode()
    assert '<input type="hidden" name="sort" value="job">' in html
    assert response.context["query"] == "status=failed&sort=job"
    assert "sort=job" in response.context["export_url"]

    table = csv_table(client.get(URL, {"status": "failed", "sort": "job", "format": "csv"}))
    assert table[0][:4] == ["Job", "Period", "Status", "Created"]
    assert [row[1] for row in table[1:]] == ["2026-09", "2026-10-01"]  # probe_ledger first
    descending = csv_table(client.get(URL, {"sort": "-job", "format": "csv"}))
    assert [row[1] for row in descending[1:]] == [
        "2026-10-03",
        "2026-10-02",
        "2026-10-01",
        "2026-10",
        "2026-09",
    ]


def test_the_runs_are_searched_by_the_start_of_their_period(
    client: Client, runs: list[JobRun]
) -> None:
    response = client.get(URL, {"period": "2026-10"})

    periods = sorted(run.period for run in response.context["page"].object_list)
    assert periods == ["2026-10", "2026-10-01", "2026-10-02", "2026-10-03"]
    assert 'name="period"' in response.content.decode()


def test_the_csv_headers_are_in_the_language_of_the_request(
    client: Client, runs: list[JobRun]
) -> None:
    english = csv_table(client.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))
    chinese = csv_table(client.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert english[0][0] == "Job"
    assert chinese[0][0] == "任务"
