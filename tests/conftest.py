"""Fixtures of the cross-app tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser_page, seed_small_demo
from tests.demo_pages import DemoPages, demo_pages
from tests.workers import Workers, workers_pool


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    """Real Celery workers on the test database (tests/workers.py); skips without Redis or
    PostgreSQL, fails under CI=true."""
    yield from workers_pool(tmp_path)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> DemoPages:
    """The demo province, small (tests/browser.py), and the pages of each role's day
    (tests/demo_pages.py); for browser tests against the live server."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    seed_small_demo()
    return demo_pages()


@pytest.fixture
def demo_page(demo: DemoPages) -> Iterator[Any]:
    """A Chromium page in Chinese (zh-CN) on the seeded demo; skips without a browser."""
    yield from browser_page(locale="zh-CN")
