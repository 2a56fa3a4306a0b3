"""Real services the suite can use: skip with a reason when absent, fail under CI=true."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def unavailable(reason: str) -> None:
    """Skip the test, or fail it in CI where every service must be there."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str:
    """The Redis to use: REDIS_URL, else the local default; skips/fails when unreachable."""
    import redis

    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {url} ({exc})")
    return url


def chromium_path() -> str:
    """Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides."""
    candidates = [os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    unavailable("Chromium is not installed (Debian package `chromium`)")
    raise AssertionError("unreachable")


def artifacts_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
