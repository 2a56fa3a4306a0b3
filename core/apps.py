from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The basement: staff roles, URL access, shared building blocks. Imports no domain app."""

    name = "core"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
        from core.manifests import discover

        # Every app's manifest.py: its URL access, navigation, tiles and settings.
        discover()
        from core.dashboard import job_health, register_figure

        # The supervisor's home: the health of the batch jobs (other apps add theirs).
        register_figure(
            key="jobs",
            template="core/figures/job_health.html",
            url_name="core:job_runs",
            context=job_health,
            order=90,
        )
        from core.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")

        from core.job_beat import sync_beat_after_migrate

        # The job calendar's beat schedule, once per migrate (sender: this app).
        post_migrate.connect(sync_beat_after_migrate, sender=self, dispatch_uid="core.sync_beat")
