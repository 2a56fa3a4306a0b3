"""What core declares about itself: its URLs, navigation, tiles, workspace and settings
(core/manifests.py; every other app declares its own in its manifest.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ANY_STAFF, PUBLIC, SUPERVISORS
from core.manifests import (
    declare_access,
    declare_navigation,
    declare_permissions,
    declare_settings,
    declare_tile,
    declare_workspace,
)
from core.roles import SUPERVISOR

declare_access(
    {
        # Open to everybody.
        "login": PUBLIC,
        "logout": PUBLIC,
        "health": PUBLIC,
        "set_language": PUBLIC,
        # Every staff member: sent on to the workspace of their role.
        "home": ANY_STAFF,
        # Workspaces.
        "core:supervisor_home": SUPERVISORS,
        # The jobs page (the programme's calendar; runs, progress, run again).
        "core:job_runs": SUPERVISORS,
        "core:job_run_start": SUPERVISORS,
        "core:job_run_detail": SUPERVISORS,
        "core:job_run_again": SUPERVISORS,
        "core:job_run_resume": SUPERVISORS,
        "core:job_run_progress": SUPERVISORS,
        # The API's root and documentation; each app declares its own endpoints.
        "api:api-root": ANY_STAFF,
        "api:schema": ANY_STAFF,
        "api:docs": ANY_STAFF,
        # The Django admin: supervisors (catalogues, entitlements, beat schedule).
        "admin:*": SUPERVISORS,
    }
)

declare_workspace(SUPERVISOR, "core:supervisor_home")
declare_navigation("core:supervisor_home", _("Supervision"), order=70)
declare_navigation("api:api-root", _("API"), order=80)
declare_navigation("admin:index", _("Admin"), order=90)
declare_tile(
    "core:job_runs",
    _("Jobs"),
    _("The programme's calendar: every run, its progress, run a failed one again."),
    order=30,
)
declare_tile("admin:index", _("Admin"), _("Entitlements, catalogues, the beat schedule."), order=90)

declare_settings(
    {
        # The programme's job calendar (Asia/Shanghai, CONV-4): the monthly close after the
        # bills are in (accrual, credit, plan levels, KPI-1) runs on this day of the month.
        "MONTHLY_CLOSE_DAY": 5,
        # CONV-5: customers (primary-key values) per chunk of a chunked job.
        "JOB_CHUNK_SIZE": 5000,
        # CONV-5: a running whole job (it reports no progress until it ends), a pending one, or
        # a feed import with no sign of life for this long is marked interrupted (never
        # started); longer than CELERY_TASK_TIME_LIMIT, which ends such a task at the latest
        # (D-CORE-7).
        "JOB_STALE_MINUTES": 60,
        # CONV-5 (D-CORE-7): a running chunked job with no chunk done for this long is
        # stalled: the sweeper sends its missing chunks again and the jobs page offers
        # "resume". Longer than JOB_CHUNK_TIME_LIMIT (settings, 180 s), so no chunk it sends
        # again is still running.
        "JOB_CHUNK_STALE_MINUTES": 4,
        # CONV-5 (D-CORE-7): seconds between two runs of the sweeper (the beat schedule).
        "JOB_SWEEP_SECONDS": 60,
    }
)

# The beat schedule and job runs in the admin (runs and re-runs go through /jobs/).
declare_permissions(
    {
        SUPERVISOR: (
            "django_celery_beat.view_periodictask",
            "django_celery_beat.change_periodictask",
            "django_celery_beat.view_crontabschedule",
            "django_celery_beat.add_crontabschedule",
            "django_celery_beat.change_crontabschedule",
            "core.view_jobrun",
            "core.view_jobrunevent",
            "core.view_jobchunk",
        ),
    }
)
