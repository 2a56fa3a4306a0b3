"""The cast of personas every test can ask for, by role; and the test clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def instant(value: str | date | datetime) -> datetime:
    """An instant from `2026-11-25`, `2026-11-25 10:00`, `2027-01-01T00:01+00:00` or a
    date/datetime; a date or a naive time is read in the programme's zone (Asia/Shanghai).
    Returned in UTC, so travelling there never changes the process's time zone."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, 10, 0, tzinfo=SHANGHAI)
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC)


_SESSION_TRAVEL: list[Any] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "now(when): run the test with the clock frozen (ticking) at `when`, an ISO date or "
        "datetime read in Asia/Shanghai unless it names its offset",
    )
    # The date sweep moves the whole process, collection included, to GOTONE_TEST_NOW.
    if when := os.environ.get("GOTONE_TEST_NOW"):
        traveller = time_machine.travel(instant(when), tick=True)
        traveller.start()
        _SESSION_TRAVEL.append(traveller)


def pytest_unconfigure(config: pytest.Config) -> None:
    while _SESSION_TRAVEL:
        _SESSION_TRAVEL.pop().stop()


@pytest.fixture(autouse=True)
def _clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """The test clock. A test that depends on the day says so with `@pytest.mark.now(...)`;
    every other test runs at the machine's time, or at GOTONE_TEST_NOW when it is set (the
    date sweep, `make test-dates`, sets it for the whole suite). The clock ticks from there,
    restarting at that instant for each test."""
    marker = request.node.get_closest_marker("now")
    when = marker.args[0] if marker else os.environ.get("GOTONE_TEST_NOW")
    if not when:
        yield
        return
    with time_machine.travel(instant(when), tick=True):
        yield


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Tests assert messages in their English source form: the UI defaults to zh-hans, so
    the suite runs in English unless a test asks for Chinese (override_settings)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def clerk(db: Any) -> Any:
    return UserFactory(username="clerk", role="counter_clerk")


@pytest.fixture
def account_manager(db: Any) -> Any:
    return UserFactory(username="manager", role="account_manager")


@pytest.fixture
def other_account_manager(db: Any) -> Any:
    return UserFactory(username="manager2", role="account_manager")


@pytest.fixture
def supervisor(db: Any) -> Any:
    return UserFactory(username="supervisor", role="supervisor")


@pytest.fixture
def outsider(db: Any) -> Any:
    """Logged in, but holds no staff role."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db: Any) -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def personas(
    clerk: Any, account_manager: Any, supervisor: Any, outsider: Any, superuser: Any
) -> dict[str, Any]:
    return {
        "anonymous": None,
        "counter_clerk": clerk,
        "account_manager": account_manager,
        "supervisor": supervisor,
        "outsider": outsider,
        "superuser": superuser,
    }
