from typing import Any

from django.contrib.auth.views import LoginView, LogoutView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core.access import NO_ROLE_MESSAGE, may_open
from core.errors import Forbidden
from core.roles import CLERK, MANAGER, SUPERVISOR, primary_role

WORKSPACES = {
    SUPERVISOR: "core:supervisor_home",
    MANAGER: "membership:manager_workspace",
    CLERK: "membership:lookup",
}


class StaffLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class StaffLogoutView(LogoutView):
    pass


def home(request: HttpRequest) -> HttpResponse:
    """Send each staff member to the workspace of their role."""
    role = primary_role(request.user)
    if role is None:
        raise Forbidden(NO_ROLE_MESSAGE)
    return redirect(WORKSPACES[role])


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers; no login needed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # pragma: no cover - exercised only when the database is down
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )


# The supervisor's workspace: one tile per area (URL names only: core imports no app).
SUPERVISOR_TILES: tuple[tuple[str, Any, Any], ...] = (
    ("membership:upgrade_inbox", _("Approvals"), _("VIP upgrade requests waiting for a decision.")),
    (
        "membership:rating_runs",
        _("Annual rating"),
        _("Preview and commit the rating; history of runs."),
    ),
    (
        "core:job_runs",
        _("Jobs"),
        _("The programme's calendar: every run, its progress, run a failed one again."),
    ),
    (
        "servicedesk:service_levels",
        _("Service levels"),
        _("Today's waits and breaches per hall, hotline figures."),
    ),
    (
        "membership:kpi_report",
        _("KPI"),
        _("Mid-high-end customers and snapshot retention by region and manager."),
    ),
    (
        "points:overview",
        _("Points"),
        _("Points outstanding, expiring next December, redeemed per month."),
    ),
    ("membership:import_upload", _("Billing feeds"), _("Import customers, bills and usage.")),
    ("plans:catalogue", _("Tariff plans"), _("The catalogue and where each family is offered.")),
    ("admin:index", _("Admin"), _("Entitlements, catalogues, the beat schedule.")),
)


def supervisor_home(request: HttpRequest) -> HttpResponse:
    tiles = [
        {"url": reverse(name), "title": title, "text": text}
        for name, title, text in SUPERVISOR_TILES
        if may_open(request.user, name)
    ]
    return render(request, "core/workspace_supervisor.html", {"tiles": tiles})
