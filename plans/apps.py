from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Tariff catalogue and subscriptions. Stands on membership; never imports points."""

    name = "plans"
    verbose_name = _("Tariff plans")

    def ready(self) -> None:
        from membership.extensions import register_card_panel
        from membership.signals import customer_left_gotone, customer_status_changed
        from plans.receivers import (
            customer_panel_context,
            on_customer_left_gotone,
            on_customer_status_changed,
        )

        register_card_panel(
            key="plans",
            template="plans/partials/customer_panel.html",
            context=customer_panel_context,
            order=30,
        )
        customer_status_changed.connect(
            on_customer_status_changed, dispatch_uid="plans.on_customer_status_changed"
        )
        customer_left_gotone.connect(
            on_customer_left_gotone, dispatch_uid="plans.on_customer_left_gotone"
        )
