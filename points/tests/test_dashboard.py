"""Issue 17: the supervisor's home shows the points outstanding and what the clearing of
31 December this year takes (POINTS-5/6), from one aggregate kept ten minutes in the cache."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from points.dashboard import points_figure
from points.tests.builders import earn, make_customer

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-06-10T10:00:00")]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_points_6_outstanding_and_expiring_this_year(
    rf: RequestFactory, django_assert_num_queries: Any
) -> None:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, 2024, 3000)  # expires on 31 December 2026
    earn(customer, 2026, 2000)
    with django_assert_num_queries(1):
        figure = points_figure(rf.get("/"), date(2026, 6, 10))
    assert (figure["outstanding"], figure["expiring"]) == (5000, 3000)
    assert figure["expiry_day"] == date(2026, 12, 31)
    earn(customer, 2025, 100)
    with django_assert_num_queries(0):  # cached for ten minutes
        again = points_figure(rf.get("/"), date(2026, 6, 10))
    assert again["outstanding"] == 5000


def test_the_figure_is_on_the_supervisors_home(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    html = client.get(reverse("core:supervisor_home")).content.decode()
    assert 'data-testid="points-outstanding"' in html
