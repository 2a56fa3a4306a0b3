"""Headless Chromium: an import's page follows its run without a reload, then shows the result."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.db import connections

from membership.models import ImportRun
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
    """ORM calls in a thread of their own (see core/tests/test_jobs_browser.py)."""
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
def test_cust_9_the_progress_bar_follows_an_import_then_the_page_shows_its_result(
    live_server: Any, supervisor: Any, page: Any
) -> None:
    run = in_a_thread(
        lambda: ImportRun.objects.create(
            feed="bills",
            original_name="bills.csv",
            size=4000,
            bytes_read=1000,
            status=ImportRun.Status.RUNNING,
            created_by=supervisor,
        )
    )
    url = f"/customers/imports/{run.pk}/"
    page.goto(f"{live_server.url}/accounts/login/?next={url}")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")
    bar = page.locator(".progress > span")
    assert bar.get_attribute("style") == "width: 25%"
    page.evaluate("window.__notReloaded = true")

    in_a_thread(lambda: ImportRun.objects.filter(pk=run.pk).update(bytes_read=3000))
    page.wait_for_function("document.querySelector('.progress > span').style.width === '75%'")
    assert page.locator("[data-job-progress-text]").inner_text() == "2.9\xa0KB of 3.9\xa0KB read"
    assert page.evaluate("window.__notReloaded") is True  # followed without a reload

    in_a_thread(
        lambda: ImportRun.objects.filter(pk=run.pk).update(
            bytes_read=4000,
            status=ImportRun.Status.SUCCEEDED,
            counts={"rows": 2, "created": 2, "updated": 0},
        )
    )
    page.wait_for_selector("[data-testid=import-result]")  # the page reloaded once finished
    assert page.locator("[data-testid=import-result]").inner_text() == (
        "Bills feed imported: created 2, updated 0."
    )
    assert page.evaluate("window.__notReloaded") is None
    page.screenshot(path=str(artifacts_dir() / "import_progress.png"), full_page=True)
