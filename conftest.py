"""The cast of personas every test can ask for, by role."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tests.factories import UserFactory


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
