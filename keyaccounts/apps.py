from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyaccountsConfig(AppConfig):
    """The account managers' world on top of membership: group customers, key persons,
    members, the contact log and care calendar, VIP upgrade requests and KPI-1. Imports
    membership and core only (docs/architecture.md); its tables keep their ``membership_``
    names (decisions.md D-HOUSE-1)."""

    name = "keyaccounts"
    verbose_name = _("Key accounts")
