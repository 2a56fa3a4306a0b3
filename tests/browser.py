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


# --- CONV-7: accessibility, checked by axe-core -----------------------------------------

# The impacts that fail a page (CONV-7, D-HOUSE-9): axe's "serious" and "critical".
FAILING_IMPACTS = frozenset({"serious", "critical"})
# 1280×800 (a counter's screen, and a 10-inch tablet held landscape) and the same tablet
# held upright.
VIEWPORTS: dict[str, dict[str, int]] = {
    "desktop": {"width": 1280, "height": 800},
    "tablet": {"width": 800, "height": 1280},
}


def axe_violations(page: Any) -> list[str]:
    """CONV-7: run axe-core (the copy bundled by the PyPI package axe-playwright-python, no
    network) on the page as it is; one line per serious or critical violation: the rule, its
    impact, its help text and the first elements it names."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover
        unavailable("axe-playwright-python is not installed (pyproject.toml, dev extra)")
    results = Axe().run(page)
    found: list[str] = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        found.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{len(violation['nodes'])}×: {'; '.join(targets)}]"
        )
    return found


def check_accessible(page: Any, name: str, problems: list[str]) -> None:
    """CONV-7: the page at each viewport of VIEWPORTS; what axe finds goes to ``problems``
    as ``name@viewport: violation``. The page is left at the desktop size."""
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        problems.extend(f"{name}@{label}: {line}" for line in axe_violations(page))
    page.set_viewport_size(VIEWPORTS["desktop"])


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


SEEDED_BY_MIGRATIONS = (
    ("core.migrations.0001_roles", "create_roles"),
    ("plans.migrations.0002_catalogue", "load"),
    ("servicedesk.migrations.0002_seed_entitlements", "seed"),
    ("servicedesk.migrations.0009_seed_brand_privileges", "seed"),
)


def seed_small_demo(customers: int = 150) -> None:
    """The demo province, small, seeded as `make run` seeds it: in the UI's default
    language (zh-hans), so the texts it stores read in Chinese."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    from tests.db import reload_data_migration

    # A transactional test's flush empties what data migrations filled (idempotent seeds).
    for module, function in SEEDED_BY_MIGRATIONS:
        reload_data_migration(module, function)
    with translation.override("zh-hans"):
        call_command("seed_demo", customers=customers, stdout=StringIO())
