"""``jobs.rate_annual(year, commit=False)``: the ``rate_annual YEAR [--commit]`` command as a
Celery task with the same arguments (docs/interfaces.md), run eagerly here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError

from core.models import JobRun
from membership.models import LevelGrant, RatingRun
from membership.tasks import rate_annual
from tests.builders import make_bill, make_customer

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-01-05 10:00")]


def test_tier_4_the_task_previews_then_commits_once_like_the_command() -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(2025, 5, 1), total=Decimal("4000"))

    preview = rate_annual.delay("2025").get()

    assert preview["summary"] == (
        "rating 2025 preview: rated 1 (diamond 1, platinum 0, gold 0, silver 0, guest 0, "
        "none 0); upgrades 1, downgrades 0; grants valid 2026-02-01–2027-01-31"
    )
    run = JobRun.objects.get(job="rate_annual_preview", period="2025")
    assert (run.status, run.trigger) == ("succeeded", "command")
    assert not LevelGrant.objects.exists()

    committed = rate_annual.delay(2025, commit=True).get()

    assert committed == {
        "year": "2025",
        "commit": True,
        "summary": "rating 2025 committed: 1 grants valid 2026-02-01–2027-01-31",
    }
    grant = LevelGrant.objects.get()
    assert (grant.customer, grant.level) == (customer, "diamond")

    # CONV-5: a second commit changes nothing and says so.
    again = rate_annual.delay("2025", commit=True).get()

    assert "already committed" in again["summary"]
    assert "nothing was changed" in again["summary"]
    assert LevelGrant.objects.get() == grant
    assert RatingRun.objects.filter(committed_at__isnull=False).count() == 1


def test_a_malformed_year_fails_the_task_with_the_commands_message() -> None:
    with pytest.raises(CommandError, match="not a year"):
        rate_annual.delay("20x5", commit=True).get()
