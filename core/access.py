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
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.errors import Forbidden
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
    "core:supervisor_home": SUPERVISORS,
    # core: the jobs page (the programme's calendar; runs, progress, run again).
    "core:job_runs": SUPERVISORS,
    "core:job_run_start": SUPERVISORS,
    "core:job_run_detail": SUPERVISORS,
    "core:job_run_again": SUPERVISORS,
    "core:job_run_resume": SUPERVISORS,
    "core:job_run_progress": SUPERVISORS,
    # membership (customers, levels, rating, credit, groups) — add entries below.
    "membership:lookup": COUNTER,
    "membership:customer_card": ANY_STAFF,
    "membership:rating_runs": SUPERVISORS,
    "membership:rating_preview": SUPERVISORS,
    "membership:rating_commit": SUPERVISORS,
    "api:customer-list": ANY_STAFF,
    "api:customer-detail": ANY_STAFF,
    # membership life cycle and credit (D-CUST-7: a cross-region move is a supervisor's act).
    "membership:customer_status": COUNTER,
    "membership:customer_transfer": COUNTER,
    "membership:customer_number": COUNTER,
    "membership:customer_move": SUPERVISORS,
    "membership:customer_credit": ANY_STAFF,
    "api:customer-credit": ANY_STAFF,
    # membership billing feeds (CUST-9): uploading a feed is a supervisor's act.
    "membership:import_upload": SUPERVISORS,
    "membership:import_run_detail": SUPERVISORS,
    "membership:import_run_again": SUPERVISORS,
    "membership:import_run_apply": SUPERVISORS,
    "membership:import_run_progress": SUPERVISORS,
    # membership groups (GROUP-1..4), upgrades (TIER-7), KPI-1. Which group a user may
    # see is object-level: membership/access_groups.py (managers: their own; supervisors: all).
    "membership:manager_workspace": ACCOUNTS,
    "membership:group_list": ACCOUNTS,
    "membership:group_create": SUPERVISORS,
    "membership:group_detail": ACCOUNTS,
    "membership:group_update": SUPERVISORS,
    "membership:group_change_class": SUPERVISORS,
    "membership:group_contacts": ACCOUNTS,
    "membership:group_contact_create": ACCOUNTS,
    "membership:group_member_add": ACCOUNTS,
    "membership:group_member_remove": ACCOUNTS,
    "membership:key_person_create": ACCOUNTS,
    "membership:key_person_detail": ACCOUNTS,
    "membership:key_person_update": ACCOUNTS,
    "membership:key_person_remove": ACCOUNTS,
    "membership:key_person_contact_create": ACCOUNTS,
    "membership:upgrade_create": ACCOUNTS,
    "membership:upgrade_list": ACCOUNTS,
    "membership:upgrade_inbox": SUPERVISORS,
    "membership:upgrade_detail": ACCOUNTS,
    "membership:upgrade_approve": SUPERVISORS,
    "membership:upgrade_reject": SUPERVISORS,
    "membership:upgrade_withdraw": ACCOUNTS,
    "membership:kpi_report": SUPERVISORS,
    "membership:kpi_store": SUPERVISORS,
    "api:group-list": ACCOUNTS,
    "api:group-detail": ACCOUNTS,
    "api:key-person-list": ACCOUNTS,
    "api:key-person-detail": ACCOUNTS,
    "api:contact-log-list": ACCOUNTS,
    "api:contact-log-detail": ACCOUNTS,
    "api:upgrade-request-list": ACCOUNTS,
    "api:upgrade-request-detail": ACCOUNTS,
    "api:upgrade-request-approve": SUPERVISORS,
    "api:upgrade-request-reject": SUPERVISORS,
    "api:upgrade-request-withdraw": ACCOUNTS,
    # plans — add entries below.
    "plans:catalogue": ANY_STAFF,
    "plans:customer_plans": ANY_STAFF,
    "plans:advice": ANY_STAFF,
    "plans:order": COUNTER,
    "plans:order_cancel": COUNTER,
    "api:plan-list": ANY_STAFF,
    "api:plan-detail": ANY_STAFF,
    # list for everybody; creating needs a counter role (customer_for_user write check)
    "api:plan-order-list": ANY_STAFF,
    "api:plan-order-detail": ANY_STAFF,
    "api:plan-order-cancel": COUNTER,
    "api:plan-advice": ANY_STAFF,
    # points — add entries below. Everybody views a customer's points; clerks and
    # supervisors act (the write check of points/access.py backs the API's POSTs).
    "points:account": ANY_STAFF,
    "points:redeem": COUNTER,
    "points:redemption_cancel": COUNTER,
    "points:redemption_fulfil": COUNTER,
    "points:transfer": COUNTER,
    "points:recipients": COUNTER,
    "points:recipient_remove": COUNTER,
    "points:overview": SUPERVISORS,
    "api:points-account": ANY_STAFF,
    "api:points-account-entries": ANY_STAFF,
    "api:points-reward-list": ANY_STAFF,
    "api:points-reward-detail": ANY_STAFF,
    "api:points-redemption-list": ANY_STAFF,
    "api:points-redemption-detail": ANY_STAFF,
    "api:points-redemption-cancel": COUNTER,
    "api:points-redemption-fulfil": COUNTER,
    "api:points-transfer-list": ANY_STAFF,
    "api:points-transfer-detail": ANY_STAFF,
    # servicedesk — add entries below.
    "servicedesk:desk_home": COUNTER,
    "servicedesk:desk_card": COUNTER,
    "servicedesk:request_create": COUNTER,
    "servicedesk:request_list": COUNTER,
    "servicedesk:request_detail": COUNTER,
    "servicedesk:request_transition": COUNTER,
    "servicedesk:hall_list": COUNTER,
    "servicedesk:hall_desk": COUNTER,
    "servicedesk:ticket_issue": COUNTER,
    "servicedesk:ticket_call_next": COUNTER,
    "servicedesk:ticket_action": COUNTER,
    "servicedesk:hall_board": COUNTER,
    "servicedesk:hall_board_data": COUNTER,
    "servicedesk:service_levels": SUPERVISORS,
    # list for everybody; registering (POST) needs a counter role, checked by the view (D-API-2)
    "api:service-request-list": ANY_STAFF,
    "api:service-request-detail": ANY_STAFF,
    "api:ticket-list": ANY_STAFF,
    "api:ticket-detail": ANY_STAFF,
    "api:entitlement-list": ANY_STAFF,
    "api:entitlement-detail": ANY_STAFF,
    "api:fee-waivers": ANY_STAFF,
    # API and its documentation; each app's endpoints are listed with the app above.
    "api:api-root": ANY_STAFF,
    "api:schema": ANY_STAFF,
    "api:docs": ANY_STAFF,
    # The Django admin: supervisors (catalogues, entitlements, beat schedule).
    "admin:*": SUPERVISORS,
}


def access_table() -> str:
    """URL_ACCESS as the Markdown table of docs/access.md (``manage.py access_table``; the
    access-matrix test fails when the document and this table differ)."""
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
