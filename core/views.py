from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.access import NO_ROLE_MESSAGE
from core.roles import CLERK, MANAGER, SUPERVISOR, primary_role

WORKSPACES = {
    SUPERVISOR: "core:supervisor_home",
    MANAGER: "core:manager_home",
    CLERK: "core:clerk_home",
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
        raise PermissionDenied(NO_ROLE_MESSAGE)
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


def clerk_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/workspace_clerk.html")


def manager_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/workspace_manager.html")


def supervisor_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/workspace_supervisor.html")
