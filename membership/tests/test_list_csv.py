"""D-HOUSE-5: the membership lists without a download had one added — the rating runs, the
snapshot lists, a customer's credit months and the customers found at the counter. Each
CSV starts with a byte-order mark and the screen's headers, holds every row in the
screen's sort order (D-HOUSE-10), masks as the screen does (CUST-8), and a personal one
writes its audit line; the counter's download carries no search text (D-CUST-9)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core import clock
from membership.models import CreditRating, Customer, RatingRun
from tests.builders import make_customer, make_snapshot, make_snapshot_member
from tests.downloads import csv_table

pytestmark = pytest.mark.django_db


def _exported(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "list exported" in r.getMessage()]


@pytest.fixture
def supervisor_client(supervisor: Any) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client


# --- the rating runs -------------------------------------------------------------------------


def test_d_house_5_the_rating_runs_download_in_the_screens_order(
    supervisor_client: Client, supervisor: Any, caplog: pytest.LogCaptureFixture
) -> None:
    now = clock.now()
    for days, period, state in [(30, "2023", "committed"), (5, "2025", "previewed")]:
        run = RatingRun.objects.create(
            policy="gotone_annual",
            period=period,
            state=state,
            counts={"rated": 10, "upgrades": 2, "downgrades": 1},
            created_by=supervisor,
        )
        RatingRun.objects.filter(pk=run.pk).update(created_at=now - timedelta(days=days))
    for n in range(30):  # more than a page
        RatingRun.objects.create(policy="gotone_annual", period=f"19{n:02d}", state="previewed")
    url = reverse("membership:rating_runs")

    page = supervisor_client.get(url, {"sort": "period"})
    with caplog.at_level(logging.INFO, logger="core.audit"):
        table = csv_table(supervisor_client.get(url, {"sort": "period", "format": "csv"}))

    assert 'data-testid="export-csv"' in page.content.decode()
    assert "sort=period" in page.context["export_url"]
    assert table[0] == [
        "Period",
        "Policy",
        "State",
        "Rated",
        "Upgrades",
        "Downgrades",
        "Grants",
        "By",
        "When",
    ]
    assert len(table) == 33
    assert [row[0] for row in table[1:]] == sorted(row[0] for row in table[1:])
    assert table[-2][:7] == ["2023", "Annual rating", "Committed", "10", "2", "1", ""]
    assert table[-2][7] == supervisor.get_username()
    assert _exported(caplog) == []  # counts only: not a personal export


# --- the snapshot lists ----------------------------------------------------------------------


def test_d_house_5_the_snapshot_lists_download_with_their_counts_as_sorted(
    supervisor_client: Client,
) -> None:
    first = make_snapshot(name="年初", taken_on=date(2025, 1, 1))
    make_snapshot(name="年中", taken_on=date(2025, 6, 30))
    make_snapshot_member(snapshot=first, important=True)
    make_snapshot_member(snapshot=first, important=False)
    make_snapshot_member(snapshot=first, important=False)
    url = reverse("membership:snapshot_list")

    page = supervisor_client.get(url)
    newest = csv_table(supervisor_client.get(url, {"format": "csv"}))
    by_name = csv_table(supervisor_client.get(url, {"sort": "-name", "format": "csv"}))

    assert 'data-testid="export-csv"' in page.content.decode()
    assert newest[0] == ["Taken on", "Name", "Customers", "Important", "Ordinary", "Taken by"]
    assert newest[1:] == [
        ["2025-06-30", "年中", "0", "0", "0", ""],
        ["2025-01-01", "年初", "3", "1", "2", ""],
    ]
    assert [row[1] for row in by_name[1:]] == ["年初", "年中"]  # 初 (U+521D) after 中


# --- a customer's credit months --------------------------------------------------------------


@pytest.fixture
def rated() -> Customer:
    customer = make_customer(msisdn="13900000001")
    parts = {
        "brand": 100,
        "tenure": 150,
        "spend": 120,
        "suspensions": -50,
        "tenure_years": 3,
        "bill_count": 6,
        "bill_fen": 90000,
        "suspension_count": 1,
    }
    for month, score, stars in [(3, 320, 3), (1, 150, 1), (2, 330, 3)]:
        CreditRating.objects.create(
            customer=customer,
            month=date(2026, month, 1),
            score=score,
            stars=stars,
            breakdown=parts,
        )
    return customer


def test_d_house_5_a_customers_credit_months_download_as_sorted_and_audited(
    client: Client, clerk: Any, rated: Customer, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(clerk)
    url = reverse("membership:customer_credit", args=[rated.msisdn])

    page = client.get(url, {"sort": "-score"})
    with caplog.at_level(logging.INFO, logger="core.audit"):
        table = csv_table(client.get(url, {"sort": "-score", "format": "csv"}))

    assert 'data-testid="export-csv"' in page.content.decode()
    assert table[0][:3] == ["Month", "Stars", "Score"]
    assert [row[0] for row in table[1:]] == ["2026-02", "2026-03", "2026-01"]
    assert dict(zip(table[0], table[1], strict=True)) == {
        "Month": "2026-02",
        "Stars": "3",
        "Score": "330",
        "Brand": "100",
        "Tenure": "150",
        "Whole years of tenure": "3",
        "Spend": "120",
        "Average bill": "150.00",
        "Bills": "6",
        "Suspensions": "-50",
        "Suspensions counted": "1",
    }
    (line,) = _exported(caplog)
    assert "list=credit-13900000001" in line
    assert "sort=-score" in line
    assert "rows=3" in line


def test_d_house_5_the_csv_headers_are_in_the_requests_language(
    client: Client, clerk: Any, rated: Customer
) -> None:
    client.force_login(clerk)
    url = reverse("membership:customer_credit", args=[rated.msisdn])

    with translation.override("zh-hans"):
        table = csv_table(client.get(url, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "Month" not in table[0]
    assert "Suspensions counted" not in table[0]


# --- the customers found at the counter ------------------------------------------------------


@pytest.fixture
def namesakes() -> list[Customer]:
    return [
        make_customer(msisdn=msisdn, name=name, id_number=id_number, city=city)
        for msisdn, name, id_number, city in [
            ("13900000005", "王小明", "320102199001011234", "南京"),
            ("13900000001", "王小红", "320102199202025678", "苏州"),
            ("13900000003", "王小刚", "320102199303039012", "无锡"),
        ]
    ]


def test_d_house_5_the_customers_found_download_masked_sorted_and_audited(
    client: Client, clerk: Any, namesakes: list[Customer], caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(clerk)
    url = reverse("membership:lookup")
    client.post(url, {"q": "王小"})

    page = client.get(url, {"results": "1", "sort": "-msisdn"})
    link = page.context["export_url"]
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = client.get(link)
    table = csv_table(response)

    html = page.content.decode()
    assert 'data-testid="export-csv"' in html
    assert link == f"{url}?results=1&sort=-msisdn&format=csv"  # D-CUST-9: no search text
    assert table[0] == ["Phone number", "Name", "ID number", "Brand", "City", "Status"]
    assert [row[0] for row in table[1:]] == ["13900000005", "13900000003", "13900000001"]
    assert table[1][1:3] == ["王**", "3201**********1234"]  # CUST-8: as the screen shows them
    assert "王小明" not in response.getvalue().decode()
    (line,) = _exported(caplog)
    assert "list=counter-search-name" in line
    assert "rows=3" in line
    assert "王" not in line  # the audit line names the kind of search, not the text


def test_d_house_5_a_q_link_to_the_counter_offers_no_download(
    client: Client, clerk: Any, namesakes: list[Customer], caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(clerk)
    url = reverse("membership:lookup")

    page = client.get(url, {"q": "王小"})
    with caplog.at_level(logging.INFO, logger="core.audit"):
        asked = client.get(url, {"q": "王小", "format": "csv"})

    assert page.context["page"].paginator.count == 3
    assert 'data-testid="export-csv"' not in page.content.decode()
    assert asked["Content-Type"].startswith("text/html")
    assert _exported(caplog) == []
