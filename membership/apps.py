from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    """Ground floor: customers, their billing feed, levels and grants. Imports no other app."""

    name = "membership"
    verbose_name = _("Membership")

    def ready(self) -> None:
        from core.dashboard import register_figure
        from membership.dashboard import level_distribution
        from membership.extensions import (
            TIMELINE_LEVEL,
            TIMELINE_LINE,
            TIMELINE_STATUS,
            register_timeline_source,
        )
        from membership.selectors.timeline import membership_timeline

        # The supervisor's home: levels after the last rating (core.dashboard).
        register_figure(
            key="levels",
            template="membership/figures/level_distribution.html",
            url_name="membership:rating_runs",
            context=level_distribution,
            order=10,
        )
        # CUST-11: grants, status changes, ownership and number changes on the timeline.
        register_timeline_source(
            key="membership",
            kinds=(TIMELINE_LEVEL, TIMELINE_STATUS, TIMELINE_LINE),
            entries=membership_timeline,
        )
