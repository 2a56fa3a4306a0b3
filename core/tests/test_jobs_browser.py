"""Headless Chromium: the progress bar of a running job follows it without a reload."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.db import connections

from core.models import JobRun
from tests.services import artifacts_dir, chromium_path, unavailable

pytestmark = pytest.mark.browser

T = TypeVar("T")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.fixture
def page() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        unavailable("Playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def in_a_thread(work: Callable[[], T]) -> T:
    """Run ORM calls in a thread of their own, connection closed after: inside Playwright's
    event loop Django would open a connection per context and never close it."""
    result: list[T] = []

    def target() -> None:
        try:
            result.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return result[0]


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
