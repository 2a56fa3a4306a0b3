"""The REST API under /api/: one router every app registers its viewsets on."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from core.api_views import ApiNotFound
from keyaccounts import api as keyaccounts_api
from membership import api as membership_api
from plans import api as plans_api
from points import api as points_api
from servicedesk import api as servicedesk_api

router = DefaultRouter()
for module in (membership_api, keyaccounts_api, plans_api, points_api, servicedesk_api):
    module.register(router)

# Endpoints that are not viewsets; each app lists its own in ``extra_urlpatterns``.
urlpatterns = [
    *router.urls,
    *membership_api.extra_urlpatterns,
    *keyaccounts_api.extra_urlpatterns,
    *plans_api.extra_urlpatterns,
    *points_api.extra_urlpatterns,
    *servicedesk_api.extra_urlpatterns,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path under /api/ that ends with a slash answers the API's JSON 404.
    re_path(r"^.*/$", ApiNotFound.as_view()),
]
