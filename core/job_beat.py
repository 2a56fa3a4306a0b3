"""The beat schedule in the database (django-celery-beat), written from the job calendar.

``beat_sync()`` makes one PeriodicTask per scheduled job (``jobs.<name>``, no argument: the
task computes its period when it fires), the sweeper, and the apps' periodic sends
(``register_periodic``), and removes the entries of jobs
that left the calendar. It is idempotent and runs after every ``migrate`` (post_migrate),
so a fresh install has the schedule; ``manage.py sync_beat`` runs it by hand. The days come
from core/programme.py (settings ``GOTONE``), so the declaration wins over an edit of the
crontab in the admin; the admin's "enabled" switch is left as the supervisor set it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q

from core.jobs import all_jobs, all_periodic
from core.programme import programme

PREFIX = "job: "
PERIODIC_PREFIX = "periodic: "
SWEEPER_NAME = "jobs: resume stalled runs"
SWEEPER_TASK = "core.sweep_job_runs"


def beat_tables_exist(using: str = "default") -> bool:
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask._meta.db_table in connections[using].introspection.table_names()


@transaction.atomic
def beat_sync() -> dict[str, int]:
    """Create or update the PeriodicTask rows of the calendar; returns what it did."""
    from django_celery_beat.models import (
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
    )

    done = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
    wanted: dict[str, dict[str, Any]] = {}
    for job in all_jobs():
        schedule = job.spec.schedule
        if schedule is None:
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            **schedule.crontab(), timezone=settings.TIME_ZONE
        )
        rules = ", ".join(job.spec.rules)
        wanted[PREFIX + job.name] = {
            "task": f"jobs.{job.name}",
            "crontab": crontab,
            "interval": None,
            "description": (
                f"{job.name} ({rules}) for the period due when it fires; written by sync_beat "
                "from the job calendar in each app's jobs.py (days in settings GOTONE)."
            ),
        }
    # D-CORE-7: often enough that a chunk lost with its worker is sent again within minutes.
    every, _created = IntervalSchedule.objects.get_or_create(
        every=int(programme("JOB_SWEEP_SECONDS")), period=IntervalSchedule.SECONDS
    )
    wanted[SWEEPER_NAME] = {
        "task": SWEEPER_TASK,
        "crontab": None,
        "interval": every,
        "description": "CONV-5: resume stalled chunked runs, flag interrupted ones.",
    }
    # The apps' periodic sends (register_periodic in their jobs.py), e.g. D-TRUST-13's.
    for periodic in all_periodic():
        interval, _created = IntervalSchedule.objects.get_or_create(
            every=periodic.seconds, period=IntervalSchedule.SECONDS
        )
        wanted[PERIODIC_PREFIX + periodic.name] = {
            "task": periodic.task,
            "crontab": None,
            "interval": interval,
            "description": periodic.description,
        }
    for name, fields in wanted.items():
        entry = PeriodicTask.objects.filter(name=name).first()
        if entry is None:
            PeriodicTask.objects.create(name=name, args="[]", kwargs="{}", **fields)
            done["created"] += 1
            continue
        fields = {**fields, "args": "[]", "kwargs": "{}"}
        changed = [key for key, value in fields.items() if getattr(entry, key) != value]
        if changed:
            for key in changed:
                setattr(entry, key, fields[key])
            entry.save()  # save(), not update(): beat notices the change through it
            done["updated"] += 1
        else:
            done["unchanged"] += 1
    ours = Q(name__startswith=PREFIX) | Q(name__startswith=PERIODIC_PREFIX)
    stale = PeriodicTask.objects.filter(ours).exclude(name__in=list(wanted))
    for entry in stale:
        entry.delete()
        done["removed"] += 1
    return done


def sync_beat_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: keep the schedule in step with the calendar on every deploy."""
    if beat_tables_exist(using):
        beat_sync()
