from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    """Ground floor: customers, their billing feed, levels and grants. Imports no other app."""

    name = "membership"
    verbose_name = _("Membership")

    def ready(self) -> None:
        from core.dashboard import register_figure
        from membership.dashboard import level_distribution

        # The supervisor's home: levels after the last rating (core.dashboard).
        register_figure(
            key="levels",
            template="membership/figures/level_distribution.html",
            url_name="membership:rating_runs",
            context=level_distribution,
            order=10,
        )
