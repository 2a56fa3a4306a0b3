from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    """Top floor: privileges, service requests, queue, waivers, notices. May import all."""

    name = "servicedesk"
    verbose_name = _("Service desk")
