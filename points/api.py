"""API endpoints of the points app, registered on the one router in config/api.py."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""


# Non-viewset API paths (names are reversed as "api:<name>").
extra_urlpatterns: list = []
