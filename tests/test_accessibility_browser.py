"""CONV-7: the main pages of each role pass axe-core (no serious or critical violation), in
Chinese, at 1280×800 and on a 10-inch tablet held upright (800×1280).

Debian's Chromium through Playwright (tests/browser.py); axe-core is the copy bundled by the
PyPI package axe-playwright-python (the dev extra), injected into the page: no network.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.demo import DEMO_PASSWORD
from tests.browser import check_accessible, log_in
from tests.demo_pages import DemoPages
from tests.services import artifacts_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_conv_7_the_main_pages_of_every_role_pass_axe(
    live_server: Any, demo: DemoPages, demo_page: Any
) -> None:
    """CONV-7: every page of each role's day: labels on every input, contrast, names of
    buttons and links, landmarks, … as axe-core checks them, at both viewports; the failure
    lists every violation."""
    page = demo_page
    problems: list[str] = []
    screens = artifacts_dir() / "screens" / "a11y"
    screens.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/accounts/login/")
    check_accessible(page, "login", problems)
    for username, pages in demo.pages.items():
        page.context.clear_cookies()
        log_in(page, live_server.url, username, DEMO_PASSWORD)
        for name, path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, f"{username} {name} {path}: {response.status}"
            check_accessible(page, f"{username}/{name}", problems)
            page.set_viewport_size({"width": 800, "height": 1280})
            page.screenshot(path=str(screens / f"{username}_{name}_tablet.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 800})
    assert not problems, "axe-core found:\n" + "\n".join(problems)


FOCUS_STYLE = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return [e.tagName, s.outlineStyle, s.outlineWidth]; }"""


def test_conv_7_the_keyboard_focus_is_always_visible(
    live_server: Any, demo: DemoPages, demo_page: Any
) -> None:
    """CONV-7: tabbing through the clerk's customer card, every element that takes the focus
    draws an outline (not the browser's default left to chance)."""
    page = demo_page
    log_in(page, live_server.url, "clerk", DEMO_PASSWORD)
    page.goto(f"{live_server.url}{dict(demo.pages['clerk'])['customer_card']}")
    for _ in range(12):
        page.keyboard.press("Tab")
        tag, style, width = page.evaluate(FOCUS_STYLE)
        if tag == "BODY":
            continue
        assert style != "none", f"{tag} takes the focus without an outline"
        assert width != "0px", f"{tag} takes the focus without an outline"
