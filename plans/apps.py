from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Tariff catalogue and subscriptions. Stands on membership; never imports points."""

    name = "plans"
    verbose_name = _("Tariff plans")

    def ready(self) -> None:
        from membership.extensions import (
            TIMELINE_PLAN,
            register_card_panel,
            register_timeline_source,
        )
        from membership.signals import customer_left_gotone, customer_status_changed
        from plans.receivers import (
            customer_panel_context,
            on_customer_left_gotone,
            on_customer_status_changed,
        )
        from plans.timeline import plans_timeline

        register_card_panel(
            key="plans",
            template="plans/partials/customer_panel.html",
            context=customer_panel_context,
            order=30,
        )
        # CUST-11: plan orders and their moves on the member timeline.
        register_timeline_source(key="plans", kinds=(TIMELINE_PLAN,), entries=plans_timeline)
        customer_status_changed.connect(
            on_customer_status_changed, dispatch_uid="plans.on_customer_status_changed"
        )
        customer_left_gotone.connect(
            on_customer_left_gotone, dispatch_uid="plans.on_customer_left_gotone"
        )
