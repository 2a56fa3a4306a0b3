"""membership's API: one module per topic, registered on the router in config/api.py."""

from typing import Any

from rest_framework.routers import DefaultRouter

from membership.api import contact_logs, credit, customers, groups, key_persons, upgrades


def register(router: DefaultRouter) -> None:
    customers.register(router)
    credit.register(router)
    groups.register(router)
    key_persons.register(router)
    contact_logs.register(router)
    upgrades.register(router)


# Non-viewset API paths (names are reversed as "api:<name>").
extra_urlpatterns: list[Any] = [*customers.extra_urlpatterns, *credit.extra_urlpatterns]
