"""Which role may open which URL: declared once, here, and enforced for every view.

``URL_ACCESS`` maps a URL name (``namespace:name``, or ``namespace:*`` for a whole
namespace) to the roles allowed to open it, or to ``PUBLIC``. A URL with no entry is
refused to everybody (and fails the matrix test in tests/test_access_matrix.py).
Superusers may open everything. Plain views are checked by ``RoleAccessMiddleware``;
API views by ``RoleMatrixPermission``, so token-authenticated calls are checked too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.roles import CLERK, MANAGER, SUPERVISOR, roles_of

NO_ROLE_MESSAGE = _("This account has no staff role; ask a supervisor to assign one.")

PUBLIC: frozenset[str] = frozenset({"<public>"})
ANY_STAFF: frozenset[str] = frozenset({CLERK, MANAGER, SUPERVISOR})
COUNTER: frozenset[str] = frozenset({CLERK, SUPERVISOR})
ACCOUNTS: frozenset[str] = frozenset({MANAGER, SUPERVISOR})
SUPERVISORS: frozenset[str] = frozenset({SUPERVISOR})

URL_ACCESS: dict[str, frozenset[str]] = {
    # Open to everybody.
    "login": PUBLIC,
    "logout": PUBLIC,
    "health": PUBLIC,
    "set_language": PUBLIC,
    # Every staff member.
    "home": ANY_STAFF,
    # Workspaces.
    "core:clerk_home": COUNTER,
    "core:manager_home": ACCOUNTS,
    "core:supervisor_home": SUPERVISORS,
    # membership (customers, levels, rating, credit, groups) — add entries below.
    # plans — add entries below.
    # points — add entries below.
    # servicedesk — add entries below.
    # API and its documentation; each app's endpoints are listed with the app above.
    "api:api-root": ANY_STAFF,
    "api:schema": ANY_STAFF,
    "api:docs": ANY_STAFF,
    # The Django admin: supervisors (catalogues, entitlements, beat schedule).
    "admin:*": SUPERVISORS,
}


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
                raise PermissionDenied(NO_ROLE_MESSAGE)
            raise PermissionDenied(_("Your role does not give access to this page."))
        return None


class RoleMatrixPermission(BasePermission):
    """DRF side of URL_ACCESS: staff only, and only the roles the matrix names."""

    message = "Your role may not use this endpoint."

    def has_permission(self, request: Any, view: Any) -> bool:
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if rule_for(view_name) is PUBLIC:
            return True
        return may_open(request.user, view_name)
