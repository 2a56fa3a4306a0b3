"""Headless Chromium: an import's page follows its run without a reload, then shows the result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from membership.models import ImportRun
from tests.browser import browser_page, in_a_thread
from tests.services import artifacts_dir

pytestmark = pytest.mark.browser


@pytest.fixture
def page() -> Iterator[Any]:
    yield from browser_page()


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
