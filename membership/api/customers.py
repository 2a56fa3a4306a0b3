"""The customer API of INTERFACES.md."""

from typing import Any

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    pass


extra_urlpatterns: list[Any] = []
