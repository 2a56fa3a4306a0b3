"""The programme's clock (core.clock) and the test clock that moves it (conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.conf import settings

from conftest import instant
from core import clock


@pytest.mark.now("2026-12-31T16:01+00:00")
def test_today_is_the_day_in_shanghai_not_in_utc() -> None:
    # 16:01 UTC on 31 December is 00:01 on 1 January in Asia/Shanghai
    assert clock.today() == date(2027, 1, 1)
    assert clock.this_month() == date(2027, 1, 1)
    assert clock.now().astimezone(UTC).date() == date(2026, 12, 31)


@pytest.mark.now("2028-02-29 12:00")
def test_a_marked_test_runs_at_its_instant() -> None:
    assert clock.today() == date(2028, 2, 29)
    assert clock.now() >= datetime(2028, 2, 29, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2027-01-01", datetime(2027, 1, 1, 2, 0, tzinfo=UTC)),  # 10:00 in Shanghai
        ("2027-01-01 00:01", datetime(2026, 12, 31, 16, 1, tzinfo=UTC)),
        ("2027-01-01T00:01+00:00", datetime(2027, 1, 1, 0, 1, tzinfo=UTC)),
        (date(2026, 11, 25), datetime(2026, 11, 25, 2, 0, tzinfo=UTC)),
    ],
)
def test_the_test_clock_reads_naive_instants_in_shanghai(
    given: str | date, expected: datetime
) -> None:
    assert instant(given) == expected


def test_the_product_reads_the_time_from_core_clock_only() -> None:
    """D-6: no product module asks Django or the standard library for the time directly."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    forbidden = re.compile(
        r"timezone\.(now|localdate|localtime)\(\)|\bdate\.today\(\)|\bdatetime\.(now|utcnow|today)\("
    )
    offenders = []
    for app in ("config", *(app for app in settings.INSTALLED_APPS if (root / app).is_dir())):
        for path in (root / app).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/tests/" in relative or "/migrations/" in relative or relative == "core/clock.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if forbidden.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
