"""Fixtures of the cross-app tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.workers import Workers, workers_pool


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    """Real Celery workers on the test database (tests/workers.py); skips without Redis or
    PostgreSQL, fails under CI=true."""
    yield from workers_pool(tmp_path)
