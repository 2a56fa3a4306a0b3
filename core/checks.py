"""System checks of the deployment's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from core.programme import programme


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


@register()
def job_recovery_timings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """D-CORE-7: the recovery timings only work in this order. A chunk's time limit below the
    sweeper's wait (or the sweeper sends again a chunk that may still run); every task's time
    limit below the broker's visibility timeout (or a late-ack task is delivered again while
    it runs) and below the wait for a whole run (or a live run is flagged interrupted)."""
    chunk_limit = int(settings.JOB_CHUNK_TIME_LIMIT)
    task_limit = int(settings.CELERY_TASK_TIME_LIMIT)
    visibility = int(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600))
    chunk_stale = float(programme("JOB_CHUNK_STALE_MINUTES")) * 60
    whole_stale = float(programme("JOB_STALE_MINUTES")) * 60
    hint = "See docs/decisions.md D-CORE-7 for how these settings fit together."
    found: list[CheckMessage] = []
    if chunk_stale <= chunk_limit:
        found.append(
            Warning(
                f"JOB_CHUNK_STALE_MINUTES ({chunk_stale:g} s) must exceed "
                f"JOB_CHUNK_TIME_LIMIT ({chunk_limit} s).",
                hint=hint,
                id="gotone.W002",
            )
        )
    if visibility <= max(task_limit, chunk_limit):
        found.append(
            Warning(
                f"CELERY_VISIBILITY_TIMEOUT ({visibility} s) must exceed the longest task time "
                f"limit ({max(task_limit, chunk_limit)} s).",
                hint=hint,
                id="gotone.W003",
            )
        )
    if whole_stale <= task_limit:
        found.append(
            Warning(
                f"JOB_STALE_MINUTES ({whole_stale:g} s) must exceed "
                f"CELERY_TASK_TIME_LIMIT ({task_limit} s).",
                hint=hint,
                id="gotone.W004",
            )
        )
    return found
