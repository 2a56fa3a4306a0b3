"""Every figure a job run keeps is shown in words (declare_count_labels, issue 17): each job
is run on a small database and every key of its counts, nested ones included, must have the
label its app declared; the job pages show those labels, never the raw keys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.job_registry import calendar, get_job
from core.jobs import run_job
from core.manifests import COUNT_LABELS
from core.models import JobRun
from core.templatetags.jobs import counts_in_words
from tests.builders import make_bill, make_customer

pytestmark = pytest.mark.django_db


def _keys(counts: dict[str, Any]) -> set[str]:
    keys = set()
    for key, value in counts.items():
        keys.add(key)
        if isinstance(value, dict):
            keys |= {f"{key}.{sub}" for sub in value}
    return keys


# 31 December: the points clearing may run (POINTS-6), every other job too.
@pytest.mark.now("2026-12-31T22:00:00+08:00")
def test_every_count_of_every_job_has_words(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_ROOT = tmp_path  # the jobs that write files for billing
    customer = make_customer(joined_on=date(2015, 1, 1), birth_date=date(1980, 12, 30))
    make_bill(customer=customer, month=date(2026, 11, 1), total=Decimal("300"))
    missing: dict[str, set[str]] = {}
    ran = []
    jobs = [get_job(spec.name) for spec in calendar()]  # the product's jobs, not test probes
    for job in jobs:
        run = run_job(job.name, job.spec.period_for(), inline=True).run
        run.refresh_from_db()
        if run.status != JobRun.Status.SUCCEEDED:
            continue
        ran.append(job.name)
        labels = COUNT_LABELS.get(job.name, {})
        # Nested counts keyed by data (a manager's user number) need only their parent.
        wanted = {k for k in _keys(run.counts) if "." not in k or k.split(".")[0] != "per_manager"}
        if wanted - set(labels):
            missing[job.name] = wanted - set(labels)
    assert not missing, f"counts without words: {missing}"
    assert len(ran) == len(jobs), ran


def test_declared_labels_belong_to_registered_jobs() -> None:
    for name in COUNT_LABELS:
        assert get_job(name).name == name


def test_the_run_page_shows_the_counts_in_words(client: Client, supervisor: Any) -> None:
    run = JobRun.objects.create(
        job="rate_credit",
        period="2026-10",
        status="succeeded",
        counts={"rated": 12, "stars": {"5": 3, "0": 9}},
    )
    assert counts_in_words(run) == [
        ("lines rated", "12"),
        ("lines per star rating", "5 stars: 3；no star: 9"),
    ]
    client.force_login(supervisor)
    body = client.get(reverse("core:job_run_detail", args=[run.pk])).content.decode()
    assert "lines per star rating" in body
    assert "{&#x27;5&#x27;" not in body  # no Python dictionary on the page
    assert "Rate credit stars" in body  # the job's title, not only its name
