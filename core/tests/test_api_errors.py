"""core/api_errors.py: the one place a service's DomainError becomes the API's answer."""

from __future__ import annotations

import pytest
from django.conf import settings

from core.api_errors import exception_handler
from core.errors import DomainError


def test_drf_uses_the_one_handler() -> None:
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "core.api_errors.exception_handler"


@pytest.mark.parametrize(
    ("code", "status", "body"),
    [
        ("forbidden", 403, {"detail": "No."}),
        ("conflict", 409, {"detail": "No."}),
        ("too_many", 400, {"detail": "No.", "code": "too_many"}),
    ],
)
def test_a_domain_error_is_answered_by_its_code(code: str, status: int, body: dict) -> None:
    response = exception_handler(DomainError("No.", code=code), {})
    assert response is not None
    assert response.status_code == status
    assert {key: str(value) for key, value in response.data.items()} == body


def test_any_other_error_is_left_to_drf() -> None:
    assert exception_handler(ValueError("boom"), {}) is None
