from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    """Lot-based points ledger. Stands on membership; never imports plans."""

    name = "points"
    verbose_name = _("Points")

    def ready(self) -> None:
        from core.dashboard import register_figure
        from membership.extensions import (
            TIMELINE_POINTS,
            register_api_block,
            register_card_panel,
            register_timeline_source,
        )
        from membership.models import Customer
        from membership.signals import customer_status_changed
        from points.dashboard import points_figure
        from points.panels import card_panel_context
        from points.selectors import customer_api_block
        from points.services.clearing import on_customer_status_changed
        from points.timeline import points_timeline

        # POINTS-10: cancellation clears the balance, in the status change's transaction.
        customer_status_changed.connect(
            on_customer_status_changed, sender=Customer, dispatch_uid="points.clear_on_cancel"
        )
        register_api_block("points", customer_api_block)
        register_card_panel(
            key="points",
            template="points/partials/card_panel.html",
            context=card_panel_context,
            order=30,
        )
        # CUST-11: points movements on the member timeline.
        register_timeline_source(key="points", kinds=(TIMELINE_POINTS,), entries=points_timeline)

        # The supervisor's home: points outstanding and expiring this year (issue 17).
        register_figure(
            key="points",
            template="points/figures/points_outstanding.html",
            url_name="points:overview",
            context=points_figure,
            order=40,
        )
