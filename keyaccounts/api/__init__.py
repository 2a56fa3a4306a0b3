"""keyaccounts' API: one module per topic, registered on the router in config/api.py. The
URL names are those they had in membership (``api:group-list``, …)."""

from typing import Any

from rest_framework.routers import DefaultRouter

from keyaccounts.api import contact_logs, groups, key_persons, upgrades


def register(router: DefaultRouter) -> None:
    groups.register(router)
    key_persons.register(router)
    contact_logs.register(router)
    upgrades.register(router)


# Non-viewset API paths (names are reversed as "api:<name>"): none.
extra_urlpatterns: list[Any] = []
