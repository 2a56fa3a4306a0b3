from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    """Ground floor: customers, their billing feed, levels and grants. Imports no other app."""

    name = "membership"
    verbose_name = _("Membership")
