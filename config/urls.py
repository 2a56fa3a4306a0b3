"""Root URLconf. Which role may open each named URL is declared in core/access.py."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from config import api
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("accounts/login/", core_views.StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.StaffLogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("core.urls")),
    # keyaccounts ("customers/groups/…") first: membership's "<str:msisdn>/" takes any segment.
    path("customers/", include("keyaccounts.urls")),
    path("customers/", include("membership.urls")),
    path("plans/", include("plans.urls")),
    path("points/", include("points.urls")),
    path("desk/", include("servicedesk.urls")),
    path("api/", include((api.urlpatterns, "api"), namespace="api")),
    path("admin/", admin.site.urls),
]

# The site's own error pages (core/error_pages.py).
handler400 = "core.error_pages.bad_request"
handler403 = "core.error_pages.permission_denied"
handler404 = "core.error_pages.page_not_found"
handler500 = "core.error_pages.server_error"
