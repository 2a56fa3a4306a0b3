"""`sync_beat`: write the job calendar's beat schedule into the database (idempotent).

Also runs after every ``migrate``; see core/job_beat.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.job_beat import beat_sync


class Command(BaseCommand):
    help = "Create or update the django-celery-beat entries of every scheduled job."

    def handle(self, *args: Any, **options: Any) -> None:
        done = beat_sync()
        self.stdout.write(
            f"beat: created {done['created']}, updated {done['updated']}, "
            f"unchanged {done['unchanged']}, removed {done['removed']}"
        )
