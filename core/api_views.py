"""The API's answer to a URL under /api/ that no endpoint matches (decision D-API-1).

Without it such a URL (``/api/plans/0.5/``, ``/api/groups/abc/x/``) fell through to the
site's HTML 404 page, while the schema promises JSON. ``ApiNotFound`` is the last pattern of
the API's URLconf (config/api.py), for every method: staff get the API's 404,
``{"detail": ...}``; anyone else the 403 the API root would give them, so an anonymous
caller cannot tell a real endpoint from a made-up one. Only paths that end with a slash
reach it: ``/api/plans`` still gets CommonMiddleware's redirect to ``/api/plans/``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import RoleMatrixPermission, may_open


class AsTheApiRoot(BasePermission):
    """Whoever may open the API root (``api:api-root`` in core/access.py)."""

    message = RoleMatrixPermission.message

    def has_permission(self, request: Any, view: Any) -> bool:
        return may_open(request.user, "api:api-root")


@extend_schema(exclude=True)
class ApiNotFound(APIView):
    permission_classes = [AsTheApiRoot]

    def not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound

    get = post = put = patch = delete = head = options = not_found

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise NotFound
