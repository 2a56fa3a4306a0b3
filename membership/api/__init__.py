"""membership's API: one module per topic, registered on the router in config/api.py."""

from typing import Any

from rest_framework.routers import DefaultRouter

from membership.api import credit, customers


def register(router: DefaultRouter) -> None:
    customers.register(router)
    credit.register(router)


# Non-viewset API paths (names are reversed as "api:<name>").
extra_urlpatterns: list[Any] = [*customers.extra_urlpatterns, *credit.extra_urlpatterns]
