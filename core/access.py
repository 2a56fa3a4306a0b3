"""Which role may open which URL: declared by each app, enforced here for every view.

``URL_ACCESS`` maps a URL name (``namespace:name``, or ``namespace:*`` for a whole
namespace) to the roles allowed to open it, or to ``PUBLIC``; each app declares its own
entries in its ``manifest.py`` (``declare_access``, core/manifests.py). A URL with no entry is
refused to everybody (and fails the matrix test in tests/test_access_matrix.py).
Superusers may open everything. Plain views are checked by ``RoleAccessMiddleware``;
API views by ``RoleMatrixPermission``, so token-authenticated calls are checked too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.errors import Forbidden
from core.manifests import ACCESS, discover
from core.roles import CLERK, MANAGER, SUPERVISOR, roles_of

NO_ROLE_MESSAGE = _("This account has no staff role; ask a supervisor to assign one.")

PUBLIC: frozenset[str] = frozenset({"<public>"})
ANY_STAFF: frozenset[str] = frozenset({CLERK, MANAGER, SUPERVISOR})
COUNTER: frozenset[str] = frozenset({CLERK, SUPERVISOR})
ACCOUNTS: frozenset[str] = frozenset({MANAGER, SUPERVISOR})
SUPERVISORS: frozenset[str] = frozenset({SUPERVISOR})

# The matrix itself is declared by each app in its manifest.py (core/manifests.py): core's
# own URLs in core/manifest.py, every other app's beside its code. This is the same dict.
URL_ACCESS: dict[str, frozenset[str]] = ACCESS


def access_table() -> str:
    """URL_ACCESS as the Markdown table of docs/access.md (``manage.py access_table``; the
    access-matrix test fails when the document and this table differ)."""
    discover()
    columns = (CLERK, MANAGER, SUPERVISOR)
    lines = [
        "| URL name | counter clerk | account manager | supervisor |",
        "|---|---|---|---|",
    ]
    for name, roles in URL_ACCESS.items():
        cells = [
            "public" if roles is PUBLIC else ("yes" if role in roles else "–") for role in columns
        ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def rule_for(view_name: str) -> frozenset[str] | None:
    """The access entry of a URL name, exact first, then its namespace wildcard."""
    if view_name in URL_ACCESS:
        return URL_ACCESS[view_name]
    if ":" in view_name:
        namespace = view_name.rsplit(":", 1)[0]
        return URL_ACCESS.get(f"{namespace}:*")
    return None


def may_open(user: Any, view_name: str) -> bool:
    rule = rule_for(view_name)
    if rule is None:
        return False
    if rule is PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(roles_of(user) & rule)


def _is_api_view(view_func: Any) -> bool:
    from rest_framework.views import APIView  # late: DRF's settings import this module

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class RoleAccessMiddleware:
    """Applies URL_ACCESS to every non-API view: login redirect for anonymous, else 403."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if _is_api_view(view_func):
            return None  # RoleMatrixPermission decides, after DRF authentication.
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if rule_for(view_name) is PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_open(request.user, view_name):
            if not roles_of(request.user) and not request.user.is_superuser:
                raise Forbidden(NO_ROLE_MESSAGE)
            raise Forbidden(_("Your role does not give access to this page."))
        return None


class RoleMatrixPermission(BasePermission):
    """DRF side of URL_ACCESS: staff only, and only the roles the matrix names."""

    message = _("Your role may not use this endpoint.")

    def has_permission(self, request: Any, view: Any) -> bool:
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if rule_for(view_name) is PUBLIC:
            return True
        return may_open(request.user, view_name)
