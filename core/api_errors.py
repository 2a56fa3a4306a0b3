"""The one translation of a service's DomainError into the API's answer (docs/style.md:
services raise DomainError; the API says it in HTTP).

- ``code="forbidden"``: 403 ``{"detail"}``;
- ``code="conflict"``: 409 ``{"detail"}`` (the object changed meanwhile);
- any other code (a rule refused, the input does not fit): 400 ``{"detail", "code"}``.

``exception_handler`` is DRF's ``EXCEPTION_HANDLER`` (config/settings/base.py): an API view
calls its service and lets a DomainError go; the answer is made here, once.
core/api_schema.py documents these bodies (D-API-1).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The object changed meanwhile.")
    default_code = "conflict"


def api_domain_error(exc: DomainError) -> APIException:
    """The exception to raise ``from exc`` for a service's refusal."""
    if exc.code == "forbidden":
        return PermissionDenied(exc.message)
    if exc.code == "conflict":
        return Conflict(exc.message)
    return ValidationError({"detail": exc.message, "code": exc.code})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with a service's DomainError answered as ``api_domain_error`` says."""
    if isinstance(exc, DomainError):
        exc = api_domain_error(exc)
    return drf_exception_handler(exc, context)
