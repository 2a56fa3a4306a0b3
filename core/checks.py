"""System checks of the deployment's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.database, deploy=True)
def database_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The production settings without DATABASE_URL: fine for `check --deploy`, not to run."""
    if settings.DATABASES.get("default", {}).get("ENGINE") != "django.db.backends.dummy":
        return []
    return [
        Warning(
            "DATABASE_URL is not set: the site cannot reach its database.",
            hint="Set DATABASE_URL=postgres://user:password@host:5432/name before starting it.",
            id="gotone.W001",
        )
    ]
