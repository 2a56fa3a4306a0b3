from django.contrib.auth.views import LoginView, LogoutView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from core.access import NO_ROLE_MESSAGE, may_open
from core.dashboard import figures_for
from core.errors import Forbidden
from core.manifests import tiles, workspace_of
from core.roles import primary_role


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
    return redirect(workspace_of(role))  # declared by each app's manifest.py


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


def supervisor_home(request: HttpRequest) -> HttpResponse:
    shown = [
        {"url": reverse(tile.url_name), "title": tile.title, "text": tile.text}
        for tile in tiles()  # each app declares its tiles in its manifest.py
        if may_open(request.user, tile.url_name)
    ]
    return render(
        request,
        "core/workspace_supervisor.html",
        {"tiles": shown, "figures": figures_for(request)},  # each app's live figures
    )
