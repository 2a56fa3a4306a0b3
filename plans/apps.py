from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Tariff catalogue and subscriptions. Stands on membership; never imports points."""

    name = "plans"
    verbose_name = _("Tariff plans")
