from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    """Lot-based points ledger. Stands on membership; never imports plans."""

    name = "points"
    verbose_name = _("Points")
