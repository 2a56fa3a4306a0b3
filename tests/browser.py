"""Headless Chromium for the browser tests: Debian's package (never a downloaded browser),
driven by Playwright through ``executable_path``. Skips without Chromium or Playwright, fails
instead under CI=true (tests/services.py).

``browser_page(locale)`` is the body of each module's ``page`` fixture; ``in_a_thread`` runs
ORM calls away from Playwright's event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import connections

from tests.services import chromium_path, unavailable

T = TypeVar("T")

# No network beyond loopback: Chromium's own background connections are turned off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_page(locale: str = "en-GB") -> Iterator[Any]:
    """A fresh page of a new headless Chromium, closed afterwards."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        unavailable("Playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
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
