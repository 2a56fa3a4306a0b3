from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyaccountsConfig(AppConfig):
    """The account managers' world on top of membership: group customers, key persons,
    members, the contact log and care calendar, VIP upgrade requests and KPI-1. Imports
    membership and core only (docs/architecture.md); its tables keep their ``membership_``
    names (decisions.md D-HOUSE-1)."""

    name = "keyaccounts"
    verbose_name = _("Key accounts")

    def ready(self) -> None:
        from core.dashboard import register_figure
        from keyaccounts.dashboard import kpi_retention, pending_approvals
        from keyaccounts.panels import card_panel_context, customer_api_block
        from membership.extensions import register_api_block, register_card_panel

        # SERVICE-8: the personal account manager on the customer and desk cards, and as
        # the added ``personal_manager`` block of the customer API (docs/interfaces.md).
        register_api_block("personal_manager", customer_api_block)
        register_card_panel(
            key="personal_manager",
            template="keyaccounts/partials/card_panel.html",
            context=card_panel_context,
            order=20,
        )
        # The supervisor's home (core.dashboard, D-GROUP-12): pending approvals and how
        # many are overdue (TIER-7); KPI-1 retention of the latest stored month.
        register_figure(
            key="approvals",
            template="keyaccounts/figures/pending_approvals.html",
            url_name="keyaccounts:upgrade_inbox",
            context=pending_approvals,
            order=20,
        )
        register_figure(
            key="kpi_retention",
            template="keyaccounts/figures/kpi_retention.html",
            url_name="keyaccounts:kpi_report",
            context=kpi_retention,
            order=30,
        )

        from keyaccounts.timeline import keyaccounts_timeline
        from membership.extensions import (
            TIMELINE_CONTACT,
            TIMELINE_REQUEST,
            register_timeline_source,
        )

        # CUST-11: contacts with a key person and their upgrade requests on the timeline.
        register_timeline_source(
            key="keyaccounts",
            kinds=(TIMELINE_CONTACT, TIMELINE_REQUEST),
            entries=keyaccounts_timeline,
        )
