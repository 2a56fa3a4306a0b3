"""Headless Chromium: the progress bar of a running job follows it without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.models import JobRun
from tests.browser import browser_page, in_a_thread
from tests.services import artifacts_dir

pytestmark = pytest.mark.browser


@pytest.fixture
def page() -> Iterator[Any]:
    yield from browser_page()


@pytest.mark.django_db(transaction=True)
def test_conv_5_the_progress_bar_follows_a_running_job_without_a_reload(
    live_server: Any, supervisor: Any, page: Any
) -> None:
    run = in_a_thread(
        lambda: JobRun.objects.create(
            job="probe_ledger", period="2026-10", status="running", chunks_total=4, chunks_done=1
        )
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/jobs/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/jobs/")
    row = page.locator(f"tr[data-run='{run.pk}']")
    bar = row.locator(".progress > span")
    assert bar.get_attribute("style") == "width: 25%"
    page.evaluate("window.__notReloaded = true")

    in_a_thread(lambda: JobRun.objects.filter(pk=run.pk).update(chunks_done=3))
    page.wait_for_function(
        f"document.querySelector(\"tr[data-run='{run.pk}'] .progress > span\").style.width === '75%'"
    )
    in_a_thread(lambda: JobRun.objects.filter(pk=run.pk).update(chunks_done=4, status="succeeded"))
    page.wait_for_function(
        f"document.querySelector(\"tr[data-run='{run.pk}'] [data-job-status]\")"
        ".classList.contains('ok')"
    )
    assert bar.get_attribute("style") == "width: 100%;"
    assert page.evaluate("window.__notReloaded") is True  # the same page, never reloaded
    page.screenshot(path=str(artifacts_dir() / "jobs_progress.png"), full_page=True)
