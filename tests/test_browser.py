"""Headless Chromium (Debian's package) driven by Playwright: a clerk logs in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import browser_page
from tests.services import artifacts_dir

pytestmark = pytest.mark.browser


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop; the ORM calls made by the test itself
    # (creating the persona) happen before it starts and the server runs in its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield from browser_page(locale="zh-CN")


@pytest.mark.django_db(transaction=True)
def test_a_clerk_logs_in_and_sees_the_counter_workspace(
    live_server: Any, clerk: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/")
    title = page.get_by_test_id("workspace-title")
    assert title.is_visible()
    assert page.get_by_test_id("who").inner_text().startswith("王芳")
    page.screenshot(path=str(artifacts_dir() / "clerk_home.png"), full_page=True)
