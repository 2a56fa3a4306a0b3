"""The supervisors' jobs page: list with progress, detail, run now, run again, progress JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.models import JobRun
from core.tests.job_probes import make_customers

pytestmark = pytest.mark.django_db

DENIED = ("counter_clerk", "account_manager", "outsider")


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _urls(run: JobRun) -> list[tuple[str, str]]:
    return [
        ("get", reverse("core:job_runs")),
        ("get", reverse("core:job_run_detail", kwargs={"pk": run.pk})),
        ("get", reverse("core:job_run_progress", kwargs={"pk": run.pk})),
        ("get", reverse("core:job_run_again", kwargs={"pk": run.pk})),
        ("post", reverse("core:job_run_again", kwargs={"pk": run.pk})),
        ("get", reverse("core:job_run_resume", kwargs={"pk": run.pk})),
        ("post", reverse("core:job_run_resume", kwargs={"pk": run.pk})),
        ("post", reverse("core:job_run_start")),
    ]


@pytest.mark.parametrize("persona", DENIED)
def test_conv_5_the_jobs_pages_are_refused_to_other_roles(
    persona: str, personas: dict[str, Any], probe_faults: Path
) -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01", status=JobRun.Status.FAILED)
    client = _client(personas[persona])
    for method, url in _urls(run):
        response = getattr(client, method)(url, {"job": "probe_whole", "period": "2026-10-02"})
        assert response.status_code == 403, (url, persona)
    assert list(JobRun.objects.values_list("period", "status")) == [
        ("2026-10-01", JobRun.Status.FAILED)
    ]
    assert probe_faults.exists()
    assert not list(probe_faults.iterdir())


def test_conv_5_the_jobs_pages_send_anonymous_users_to_the_login() -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01", status=JobRun.Status.FAILED)
    client = Client()
    for method, url in _urls(run):
        response = getattr(client, method)(url, {"job": "probe_whole", "period": "2026-10-02"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert JobRun.objects.get().status == JobRun.Status.FAILED
    assert JobRun.objects.count() == 1


@pytest.mark.parametrize("persona", ["supervisor", "superuser"])
def test_conv_5_supervisors_open_the_jobs_pages(persona: str, personas: dict[str, Any]) -> None:
    run = JobRun.objects.create(
        job="probe_whole", period="2026-10-01", status=JobRun.Status.SUCCEEDED
    )
    client = _client(personas[persona])
    for url in (
        reverse("core:job_runs"),
        reverse("core:job_run_detail", kwargs={"pk": run.pk}),
        reverse("core:job_run_progress", kwargs={"pk": run.pk}),
    ):
        assert client.get(url).status_code == 200
    assert client.get(reverse("core:job_run_start")).status_code == 405  # POST only
    assert client.get(reverse("core:job_run_detail", kwargs={"pk": 999999})).status_code == 404


def test_conv_5_the_list_shows_runs_with_a_live_progress_bar_in_a_fixed_number_of_queries(
    supervisor: Any, django_assert_num_queries: Any
) -> None:
    for day in range(1, 31):
        JobRun.objects.create(
            job="probe_whole", period=f"2026-09-{day:02d}", status=JobRun.Status.SUCCEEDED
        )
    running = JobRun.objects.create(
        job="probe_ledger",
        period="2026-10",
        status=JobRun.Status.RUNNING,
        chunks_total=8,
        chunks_done=3,
    )
    client = _client(supervisor)
    client.get(reverse("core:job_runs"))  # warm the session
    # session, user, user's groups (role), count, page of runs
    with django_assert_num_queries(5):
        page = client.get(reverse("core:job_runs"))
    html = page.content.decode()
    assert page.context["page"].paginator.count == 31
    assert len(page.context["page"].object_list) == 25
    assert reverse("core:job_run_progress", kwargs={"pk": running.pk}) in html
    assert 'style="width: 37%"' in html
    assert "js/jobs.js" in html
    assert "page=2" in html


def test_conv_5_the_list_filters_by_job_and_status(supervisor: Any) -> None:
    JobRun.objects.create(
        job="probe_whole", period="2026-10-01", status=JobRun.Status.FAILED, error="boom"
    )
    JobRun.objects.create(job="probe_whole", period="2026-10-02", status=JobRun.Status.SUCCEEDED)
    JobRun.objects.create(job="probe_ledger", period="2026-10", status=JobRun.Status.FAILED)
    client = _client(supervisor)
    page = client.get(reverse("core:job_runs"), {"job": "probe_whole", "status": "failed"})
    runs = list(page.context["page"].object_list)
    assert [(r.job, r.period) for r in runs] == [("probe_whole", "2026-10-01")]
    assert page.context["query"] == "job=probe_whole&status=failed"


def test_conv_5_the_progress_json_follows_the_run(supervisor: Any) -> None:
    run = JobRun.objects.create(
        job="probe_ledger",
        period="2026-10",
        status=JobRun.Status.RUNNING,
        chunks_total=4,
        chunks_done=1,
    )
    client = _client(supervisor)
    data = client.get(reverse("core:job_run_progress", kwargs={"pk": run.pk})).json()
    assert {k: data[k] for k in ("status", "done", "total", "percent", "finished")} == {
        "status": "running",
        "done": 1,
        "total": 4,
        "percent": 25,
        "finished": False,
    }
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.SUCCEEDED, chunks_done=4)
    response = client.get(reverse("core:job_run_progress", kwargs={"pk": run.pk}))
    assert response.json()["finished"] is True
    assert response.json()["percent"] == 100
    assert "no-cache" in response["Cache-Control"]


def test_conv_5_run_now_runs_the_job_and_shows_its_result(
    supervisor: Any, probe_faults: Path, django_capture_on_commit_callbacks: Any
) -> None:
    make_customers(3)
    client = _client(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:job_run_start"), {"job": "probe_whole", "period": "2026-10-01"}
        )
    run = JobRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_run_detail", kwargs={"pk": run.pk})
    assert (run.status, run.trigger, run.triggered_by, run.counts) == (
        JobRun.Status.SUCCEEDED,
        "page",
        supervisor,
        {"customers": 3},
    )
    detail = client.get(response["Location"]).content.decode()
    assert "customers" in detail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"job": "probe_whole", "period": "2026-10"}, "period"),
        ({"job": "probe_whole", "period": "2026-02-30"}, "period"),
        ({"job": "nope", "period": "2026-10-01"}, "job"),
        ({"job": "probe_whole", "period": ""}, "period"),
    ],
)
def test_conv_5_run_now_refuses_a_bad_job_or_period_and_keeps_what_was_typed(
    supervisor: Any, data: dict[str, str], field: str
) -> None:
    response = _client(supervisor).post(reverse("core:job_run_start"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field]
    assert form.data["period"] == data["period"]
    assert not JobRun.objects.exists()


def test_conv_5_run_now_refuses_a_job_that_is_not_available_yet(
    supervisor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import job_registry
    from core.job_calendar import JobSpec, PeriodKind

    spec = JobSpec("probe_missing", "nowhere", PeriodKind.MONTH, "Missing")
    monkeypatch.setitem(job_registry._SPECS, "probe_missing", spec)
    response = _client(supervisor).post(
        reverse("core:job_run_start"), {"job": "probe_missing", "period": "2026-10"}
    )
    assert response.status_code == 400
    assert "not available yet" in str(response.context["form"].errors["job"])
    assert not JobRun.objects.exists()


def test_conv_5_a_supervisor_sees_a_failed_run_and_runs_it_again(
    supervisor: Any, probe_faults: Path, django_capture_on_commit_callbacks: Any
) -> None:
    (probe_faults / "fail-2026-10-01-all").touch()
    client = _client(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:job_run_start"), {"job": "probe_whole", "period": "2026-10-01"})
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED

    listing = client.get(reverse("core:job_runs"), {"status": "failed"}).content.decode()
    assert "the probe was told to fail" in listing
    detail = client.get(reverse("core:job_run_detail", kwargs={"pk": run.pk})).content.decode()
    again_url = reverse("core:job_run_again", kwargs={"pk": run.pk})
    assert again_url in detail
    confirm = client.get(again_url)  # the confirmation step
    assert confirm.status_code == 200
    assert JobRun.objects.get().status == JobRun.Status.FAILED  # a GET changes nothing

    (probe_faults / "fail-2026-10-01-all").unlink()  # the cause is fixed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again_url)
    assert response["Location"] == reverse("core:job_run_detail", kwargs={"pk": run.pk})
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (JobRun.Status.SUCCEEDED, 2, "")
    assert list(run.events.values_list("to_status", "actor")) == [
        (JobRun.Status.RUNNING, supervisor.pk),
        (JobRun.Status.FAILED, None),
        (JobRun.Status.RUNNING, supervisor.pk),
        (JobRun.Status.SUCCEEDED, None),
    ]


def test_conv_5_only_a_failed_run_can_be_run_again(
    supervisor: Any, probe_faults: Path, django_capture_on_commit_callbacks: Any
) -> None:
    run = JobRun.objects.create(
        job="probe_whole", period="2026-10-01", status=JobRun.Status.SUCCEEDED
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(supervisor).post(reverse("core:job_run_again", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.attempts) == (JobRun.Status.SUCCEEDED, 0)
    assert not run.events.exists()


def test_conv_5_the_supervisor_workspace_links_to_the_jobs_page(supervisor: Any) -> None:
    page = _client(supervisor).get(reverse("core:supervisor_home")).content.decode()
    assert reverse("core:job_runs") in page


def test_conv_5_supervisors_see_job_runs_read_only_in_the_admin(supervisor: Any) -> None:
    run = JobRun.objects.create(job="probe_whole", period="2026-10-01", status=JobRun.Status.FAILED)
    client = _client(supervisor)
    assert client.get(reverse("admin:core_jobrun_changelist")).status_code == 200
    change = client.get(reverse("admin:core_jobrun_change", args=[run.pk]))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    assert client.get(reverse("admin:core_jobrun_add")).status_code == 403
    assert client.post(reverse("admin:core_jobrun_delete", args=[run.pk])).status_code == 403
    assert JobRun.objects.filter(pk=run.pk, status=JobRun.Status.FAILED).exists()
