"""The one translation of a service's DomainError into the API's answer (docs/style.md:
services raise DomainError; the API says it in HTTP).

- ``code="forbidden"``: 403 ``{"detail"}``;
- ``code="conflict"``: 409 ``{"detail"}`` (the object changed meanwhile);
- any other code (a rule refused, the input does not fit): 400 ``{"detail", "code"}``.

core/api_schema.py documents these bodies (D-API-1).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError

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
