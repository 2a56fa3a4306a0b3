from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    """Top floor: privileges, service requests, queue, waivers, notices. May import all."""

    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from core.dashboard import register_figure
        from membership.extensions import (
            TIMELINE_REQUEST,
            register_card_panel,
            register_search_resolver,
            register_timeline_source,
        )
        from membership.signals import rating_committed
        from servicedesk.dashboard import queue_today
        from servicedesk.panels import card_panel_context
        from servicedesk.selectors.queue import TICKET_NUMBER_PATTERN, ticket_customer_ids
        from servicedesk.services.notices import notice_rating_run
        from servicedesk.timeline import servicedesk_timeline

        register_card_panel(
            key="servicedesk",
            template="servicedesk/partials/card_panel.html",
            context=card_panel_context,
            order=30,
        )

        # The supervisor's home: today's queues per hall, breaches by class (SERVICE-1).
        register_figure(
            key="queues",
            template="servicedesk/figures/queue_today.html",
            url_name="servicedesk:service_levels",
            context=queue_today,
            order=25,
        )

        # D-CUST-9: the counter's search box finds a customer by today's ticket number.
        register_search_resolver(
            key="ticket", pattern=TICKET_NUMBER_PATTERN, resolve=ticket_customer_ids
        )

        # CUST-11: requests, visits and waivers on the member timeline.
        register_timeline_source(
            key="servicedesk", kinds=(TIMELINE_REQUEST,), entries=servicedesk_timeline
        )

        def tell_new_levels(sender: object, run: object, **kwargs: object) -> None:
            notice_rating_run(rating_run=run)  # type: ignore[arg-type]  # NOTICE-1

        rating_committed.connect(
            tell_new_levels, dispatch_uid="servicedesk.notice_rating_run", weak=False
        )
