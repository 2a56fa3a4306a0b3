"""The rating preview's whole list of changes, paged and downloadable (TIER-4, issue 17)."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membership.models import GrantSource, LevelGrant
from membership.services.grants import grant_create
from tests.builders import make_bill, make_customer
from tests.downloads import csv_table

pytestmark = pytest.mark.django_db


def _movers(ups: int, downs: int) -> None:
    """``ups`` lines rated diamond from nothing, ``downs`` gold lines rated nothing."""
    for i in range(ups):
        customer = make_customer(
            msisdn=f"1390000{i:04d}", name=f"张{i:02d}", joined_on=date(2012, 1, 1)
        )
        make_bill(customer=customer, month=date(2024, 5, 1), total=Decimal(3700 + i))
    for i in range(downs):
        customer = make_customer(
            msisdn=f"1380000{i:04d}", name=f"李{i:02d}", joined_on=date(2023, 6, 1)
        )
        grant_create(
            customer=customer,
            level="gold",
            source=GrantSource.ANNUAL,
            valid_from=date(2024, 2, 1),
            valid_until=date(2025, 1, 31),
        )


def test_tier_4_every_upgrade_is_listed_across_pages(client: Client, supervisor: Any) -> None:
    _movers(ups=55, downs=2)
    client.force_login(supervisor)
    url = reverse("membership:rating_changes")
    first = client.get(url, {"year": "2024", "direction": "up"})
    assert first.status_code == 200
    page = first.context["page"]
    assert page.paginator.count == 55
    assert len(page.object_list) == 50
    # Highest score first, as the preview's sample.
    assert page.object_list[0]["msisdn"] == "13900000054"
    assert page.object_list[0]["before"] == "none"
    assert page.object_list[0]["after"] == "diamond"
    second = client.get(url, {"year": "2024", "direction": "up", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    body = second.content.decode()
    assert "张00" not in body
    assert "张**" in body
    downs = client.get(url, {"year": "2024", "direction": "down"})
    assert [r["msisdn"] for r in downs.context["page"].object_list] == [
        "13800000000",
        "13800000001",
    ]
    assert not LevelGrant.objects.filter(source=GrantSource.ANNUAL, valid_from__year=2025).exists()


def test_tier_4_the_changes_download_as_csv_masked_and_audited(
    client: Client, supervisor: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _movers(ups=3, downs=1)
    client.force_login(supervisor)
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = client.get(
            reverse("membership:rating_changes"),
            {"year": "2024", "direction": "up", "format": "csv"},
        )
        rows = csv_table(response)  # text/csv, with the byte-order mark
    assert 'filename="rating-2024-up-' in response["Content-Disposition"]
    assert len(rows) == 4  # header and the three upgrades, not only a sample
    assert [r[0] for r in rows[1:]] == ["13900000002", "13900000001", "13900000000"]
    assert {r[1] for r in rows[1:]} == {"张**"}
    assert rows[1][2] == "4002"  # score: 3802 consumption + 200 tenure
    assert any(
        "list exported" in r.getMessage() and "rows=3" in r.getMessage() for r in caplog.records
    )


def test_the_preview_links_to_the_whole_list(client: Client, supervisor: Any) -> None:
    _movers(ups=1, downs=0)
    client.force_login(supervisor)
    body = client.post(reverse("membership:rating_preview"), {"year": "2024"}).content.decode()
    assert 'data-testid="all-upgrades"' in body
    assert "format=csv" in body
    assert "2025-01-31" in body  # the "before" column says which day it is


def test_the_changes_of_a_year_not_ended_are_refused(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    response = client.get(reverse("membership:rating_changes"), {"year": "2099"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]


def test_clerks_may_not_see_the_changes(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    response = client.get(reverse("membership:rating_changes"), {"year": "2024"})
    assert response.status_code == 403
