"""The supervisor's home shows live figures the apps register (core.dashboard, issue 17)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core import clock
from core.access import URL_ACCESS
from core.dashboard import FIGURES, bar_chart
from core.job_registry import calendar
from core.models import JobRun
from membership.models import RatingRun

pytestmark = pytest.mark.django_db


def test_bars_scale_to_the_largest_value() -> None:
    chart = bar_chart([("a", 50, ""), ("b", 100, "x"), ("c", 0, "")])
    assert [b.width for b in chart.bars] == [150, 300, 0]
    assert [b.y for b in chart.bars] == [0, 26, 52]
    assert chart.height == 78
    assert bar_chart([]).height == 26  # an empty chart still has a height


def test_conv_5_the_home_shows_each_job_s_last_run_and_the_failures(
    client: Client, supervisor: Any
) -> None:
    specs = calendar()
    first, second = specs[0], specs[1]
    now = clock.now()
    JobRun.objects.create(job=first.name, period="2020", status="succeeded", created_at=now)
    JobRun.objects.create(
        job=first.name, period="2021", status="failed", created_at=now, error="boom"
    )
    JobRun.objects.create(
        job=second.name,
        period="2019",
        status="failed",
        created_at=now - timedelta(days=30),
    )
    client.force_login(supervisor)
    response = client.get(reverse("core:supervisor_home"))
    figures = {f["key"]: f for f in response.context["figures"]}
    jobs = figures["jobs"]["context"]
    by_job = {row["spec"].name: row["run"] for row in jobs["rows"]}
    assert by_job[first.name].period == "2021"  # the last run, not the first
    assert by_job[second.name].period == "2019"
    assert jobs["failing_now"] == 2
    assert jobs["failed_week"] == 1  # the old failure is out of the week
    assert len(jobs["rows"]) == len(specs)
    assert 'data-testid="figure-jobs"' in response.content.decode()


def test_tier_4_the_home_shows_the_levels_of_the_last_committed_rating(
    client: Client, supervisor: Any
) -> None:
    counts: dict[str, Any] = {
        "rated": 100,
        "per_level": {"diamond": 5, "platinum": 10, "gold": 20, "silver": 0, "guest": 0},
        "upgrades": 7,
        "downgrades": 3,
    }
    RatingRun.objects.create(
        policy="gotone_annual",
        period="2024",
        state="committed",
        committed_at=clock.now(),
        counts={**counts, "per_level": {**counts["per_level"], "none": 65}},
    )
    RatingRun.objects.create(policy="gotone_annual", period="2025", counts=counts)
    client.force_login(supervisor)
    response = client.get(reverse("core:supervisor_home"))
    levels = {f["key"]: f for f in response.context["figures"]}["levels"]["context"]
    assert levels["committed"].period == "2024"
    assert levels["pending"].period == "2025"  # previewed, not committed yet
    values = [bar.value for bar in levels["chart"].bars]
    assert values == [5, 10, 20, 0, 0, 65]
    assert [bar.value for bar in levels["movement"].bars] == [7, 3]
    body = response.content.decode()
    assert "<svg" in body
    assert "?year=2025" in body


def test_the_home_without_any_rating_says_so(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    response = client.get(reverse("core:supervisor_home"))
    levels = {f["key"]: f for f in response.context["figures"]}["levels"]["context"]
    assert levels["committed"] is None
    assert "chart" not in levels


def test_every_registered_figure_leads_to_a_page_of_the_access_table() -> None:
    assert FIGURES
    for figure in FIGURES.values():
        assert figure.url_name in URL_ACCESS, figure.key
