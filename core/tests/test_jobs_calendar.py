"""The programme's calendar: the period each scheduled run picks, the beat schedule in the
database, and the commands (run_job, sync_beat, and the job commands that record a run)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from celery import current_app
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from core.errors import DomainError
from core.job_beat import PERIODIC_PREFIX, PREFIX, SWEEPER_NAME, beat_sync
from core.job_calendar import PeriodKind, period_clean
from core.jobs import all_jobs, calendar, get_job
from core.models import JobRun
from core.tasks import CALENDAR_TASKS
from tests.factories import BillFactory, CustomerFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


# --- Periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (PeriodKind.YEAR, "25"),
        (PeriodKind.YEAR, "2025-01"),
        (PeriodKind.MONTH, "2026-13"),
        (PeriodKind.MONTH, "2026-1"),
        (PeriodKind.MONTH, "October"),
        (PeriodKind.DAY, "2026-02-30"),
        (PeriodKind.DAY, "2026-10"),
        (PeriodKind.DAY, ""),
    ],
)
def test_conv_5_a_period_not_of_the_jobs_kind_is_refused(kind: PeriodKind, value: str) -> None:
    with pytest.raises(DomainError):
        period_clean(kind, value)


def test_conv_5_a_period_of_the_jobs_kind_is_kept() -> None:
    assert period_clean(PeriodKind.YEAR, " 2025 ") == "2025"
    assert period_clean(PeriodKind.MONTH, "2026-11") == "2026-11"
    assert period_clean(PeriodKind.DAY, "2024-02-29") == "2024-02-29"


def _spec(name: str) -> Any:
    return next(spec for spec in calendar() if spec.name == name)


def test_points_4_the_monthly_close_on_5_december_accrues_november() -> None:
    now = datetime(2026, 12, 5, 1, 30, tzinfo=SHANGHAI)
    assert _spec("accrue_points").period_for(now) == "2026-11"
    assert _spec("rate_credit").period_for(now) == "2026-11"
    assert _spec("plans_apply_changes").period_for(now) == "2026-11"
    assert _spec("kpi_snapshot").period_for(now) == "2026-11"
    assert (
        _spec("accrue_points").period_for(datetime(2027, 1, 5, 1, 30, tzinfo=SHANGHAI)) == "2026-12"
    )


def test_credit_5_the_monthly_close_counts_the_day_in_shanghai_not_utc() -> None:
    # 1 December 00:30 in Shanghai is still 30 November in UTC: the close is for November.
    now = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert _spec("rate_credit").period_for(now) == "2026-11"


def test_tier_4_the_january_run_previews_the_previous_year() -> None:
    now = datetime(2027, 1, 15, 4, 0, tzinfo=SHANGHAI)
    assert _spec("rate_annual_preview").period_for(now) == "2026"


def test_points_6_the_expiry_and_its_reminder_are_for_the_current_year() -> None:
    assert (
        _spec("expire_points").period_for(datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI)) == "2026"
    )
    assert _spec("expiry_reminders").period_for(datetime(2026, 11, 1, 9, tzinfo=SHANGHAI)) == "2026"


def test_service_6_the_daily_waiver_run_is_for_yesterday_in_shanghai() -> None:
    # 1 March 00:30 in Shanghai (28 February 16:30 UTC): yesterday is 28 February.
    now = datetime(2026, 2, 28, 16, 30, tzinfo=UTC)
    assert _spec("run_birthday_waivers").period_for(now) == "2026-02-28"
    assert _spec("holiday_greetings").period_for(now) == "2026-03-01"
    assert _spec("outbox_retries").period_for(now) == "2026-03-01"


# --- The beat schedule -------------------------------------------------------------------------

EXPECTED_CRONTABS = {
    # job: (minute, hour, day_of_month, month_of_year)
    "plans_apply_changes": ("0", "1", "5", "*"),
    "accrue_points": ("30", "1", "5", "*"),
    "rate_credit": ("30", "2", "5", "*"),
    "kpi_snapshot": ("30", "3", "5", "*"),
    "rate_annual_preview": ("0", "4", "15", "1"),
    "expiry_reminders": ("0", "9", "1", "11"),
    "expire_points": ("30", "23", "31", "12"),
    "run_birthday_waivers": ("30", "0", "*", "*"),
    "grant_birthday_minutes": ("5", "0", "*", "*"),
    "export_birthday_minutes": ("15", "0", "*", "*"),
    "export_no_suspension": ("20", "0", "*", "*"),
    "birthday_reminders": ("0", "7", "*", "*"),
    "holiday_greetings": ("30", "7", "*", "*"),
    "overdue_approvals": ("0", "8", "*", "*"),
    "vip_birthday_gifts": ("30", "6", "*", "*"),  # SERVICE-14
    "import_files_cleanup": ("45", "3", "*", "*"),
    "outbox_retries": ("30", "9", "*", "*"),
}


def _crontabs() -> dict[str, tuple[str, ...]]:
    return {
        entry.name.removeprefix(PREFIX): (
            entry.crontab.minute,
            entry.crontab.hour,
            entry.crontab.day_of_month,
            entry.crontab.month_of_year,
        )
        for entry in PeriodicTask.objects.filter(name__startswith=PREFIX).select_related("crontab")
    }


def test_tier_4_every_calendar_job_has_its_beat_entry_with_the_right_crontab() -> None:
    # A fresh database has the schedule: post_migrate ran sync_beat when it was created.
    assert _crontabs() == EXPECTED_CRONTABS
    for entry in PeriodicTask.objects.filter(name__startswith=PREFIX).select_related("crontab"):
        job = entry.name.removeprefix(PREFIX)
        assert entry.task == f"jobs.{job}"
        assert (entry.args, entry.kwargs) == ("[]", "{}")  # the period is computed when it fires
        assert str(entry.crontab.timezone) == "Asia/Shanghai"
        assert entry.crontab.day_of_week == "*"
        assert entry.task in current_app.tasks  # a task the workers know
    sweeper = PeriodicTask.objects.get(name=SWEEPER_NAME)
    assert (sweeper.task, sweeper.interval.every, sweeper.interval.period) == (
        "core.sweep_job_runs",
        60,  # JOB_SWEEP_SECONDS (D-CORE-7)
        "seconds",
    )


def test_conv_5_the_apps_periodic_sends_are_in_beats_schedule() -> None:
    """D-TRUST-13: what waits in the database while Redis is down is sent every 10 minutes;
    the apps declare these sends (register_periodic) and sync_beat writes them."""
    periodic = {
        entry.name: (entry.task, entry.interval.every, entry.interval.period)
        for entry in PeriodicTask.objects.filter(name__startswith=PERIODIC_PREFIX)
    }
    assert periodic == {
        PERIODIC_PREFIX + "imports: send queued runs again": (
            "membership.resend_queued_imports",
            600,
            "seconds",
        ),
        PERIODIC_PREFIX + "outbox: send what is due": ("servicedesk.send_outbox", 600, "seconds"),
    }
    current_app.loader.import_default_modules()  # the apps' tasks.py, as a worker loads them
    assert all(task in current_app.tasks for task, _every, _period in periodic.values())


def test_tier_4_sync_beat_twice_changes_nothing() -> None:
    before = list(PeriodicTask.objects.order_by("name").values_list("name", "crontab_id", "task"))
    assert beat_sync() == {"created": 0, "updated": 0, "unchanged": 20, "removed": 0}
    out = StringIO()
    call_command("sync_beat", stdout=out)
    assert out.getvalue().strip() == "beat: created 0, updated 0, unchanged 20, removed 0"
    after = list(PeriodicTask.objects.order_by("name").values_list("name", "crontab_id", "task"))
    assert after == before


def test_tier_4_sync_beat_follows_the_programme_days_and_keeps_a_paused_entry_paused() -> None:
    PeriodicTask.objects.filter(name=PREFIX + "accrue_points").update(enabled=False)
    with override_settings(GOTONE={"MONTHLY_CLOSE_DAY": 7, "ANNUAL_RATING_DAY": 20}):
        done = beat_sync()
    assert done["updated"] == 5  # the four monthly jobs and the annual preview
    crontabs = _crontabs()
    assert crontabs["accrue_points"] == ("30", "1", "7", "*")
    assert crontabs["rate_annual_preview"] == ("0", "4", "20", "1")
    assert PeriodicTask.objects.get(name=PREFIX + "accrue_points").enabled is False


def test_tier_4_sync_beat_removes_the_entry_of_a_job_that_left_the_calendar() -> None:
    beat_sync()
    stale = PeriodicTask.objects.get(name=PREFIX + "rate_credit")
    PeriodicTask.objects.create(
        name=PREFIX + "retired_job", task="jobs.retired_job", crontab=stale.crontab
    )
    PeriodicTask.objects.create(name="somebody else's", task="core.ping", crontab=stale.crontab)
    assert beat_sync()["removed"] == 1
    assert not PeriodicTask.objects.filter(name=PREFIX + "retired_job").exists()
    assert PeriodicTask.objects.filter(name="somebody else's").exists()


def test_conv_5_a_scheduled_task_computes_its_period_and_records_a_scheduled_run() -> None:
    CALENDAR_TASKS["rate_credit"].delay()
    run = JobRun.objects.get(job="rate_credit")
    assert run.period == get_job("rate_credit").spec.period_for()
    assert (run.trigger, run.triggered_by, run.status) == ("schedule", None, "succeeded")


def test_conv_5_the_calendar_task_takes_the_commands_argument() -> None:
    result = CALENDAR_TASKS["rate_credit"].delay("2026-09").get()
    assert (result["period"], result["status"], result["action"]) == ("2026-09", "succeeded", "ran")


def test_conv_5_a_calendar_job_whose_app_is_not_there_fails_instead_of_pretending() -> None:
    missing = [job for job in all_jobs() if not job.available]
    for job in missing:
        result = CALENDAR_TASKS[job.name].delay().get()
        assert result["status"] == "failed"
        assert (
            f"not available yet: {job.spec.app} not installed"
            in JobRun.objects.get(job=job.name).error
        )


# --- Commands ----------------------------------------------------------------------------------


def test_conv_5_run_job_runs_once_and_says_so_the_second_time() -> None:
    out = StringIO()
    call_command("run_job", "rate_credit", "2026-09", stdout=out)
    call_command("run_job", "rate_credit", "2026-09", stdout=out)
    first, second = out.getvalue().strip().splitlines()
    assert first.startswith("rate_credit 2026-09:")
    assert "2026-09" in second
    assert JobRun.objects.get(job="rate_credit").attempts == 1


def test_conv_5_run_job_fails_with_the_error_of_the_run() -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("run_job", "rate_credit", "2026", stdout=StringIO())
    with pytest.raises(CommandError, match="no job called"):
        call_command("run_job", "nope", "2026", stdout=StringIO())
    with pytest.raises(CommandError, match="has not ended"):
        call_command("run_job", "rate_credit", "2999-01", stdout=StringIO())
    assert JobRun.objects.get().status == "failed"


def test_run_job_lists_every_job_with_its_schedule() -> None:
    out = StringIO()
    call_command("run_job", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    names = [spec.name for spec in calendar()]
    assert [line.split()[0] for line in lines[: len(names)]] == names
    assert any("not available yet" in line for line in lines) == any(
        not job.available for job in all_jobs()
    )


def test_credit_5_rate_credit_records_its_job_run_and_a_second_run_changes_nothing() -> None:
    customer = CustomerFactory(joined_on=date(2020, 1, 1))
    BillFactory(customer=customer, month=date(2026, 9, 1), total=Decimal("130.00"))
    out = StringIO()
    call_command("rate_credit", "2026-09", stdout=out)
    call_command("rate_credit", "2026-09", stdout=out)
    first, second = out.getvalue().strip().splitlines()
    assert "rated 1" in first
    assert "changed 1" in first
    assert "rated 1" in second
    assert "changed 0" in second
    assert second.split(";")[0] == first.split(";")[0]  # the same stars, in the same order
    run = JobRun.objects.get(job="rate_credit", period="2026-09")
    assert (run.status, run.trigger, run.attempts) == ("succeeded", "command", 2)
    assert run.counts["rated"] == 1


def test_tier_4_the_annual_preview_command_records_its_job_run_and_never_commits() -> None:
    customer = CustomerFactory(joined_on=date(2012, 1, 1))
    BillFactory(customer=customer, month=date(2025, 5, 1), total=Decimal("4000"))
    out = StringIO()
    call_command("rate_annual", "2025", stdout=out)
    call_command("rate_annual", "2025", stdout=out)
    first, second = out.getvalue().strip().splitlines()
    assert "diamond 1" in first
    assert second == first  # a fresh preview of the same data
    run = JobRun.objects.get(job="rate_annual_preview", period="2025")
    assert (run.status, run.counts["per_level"]["diamond"]) == ("succeeded", 1)
    from membership.models import LevelGrant, RatingRun

    assert not LevelGrant.objects.exists()  # TIER-4: a preview writes no grant
    assert not RatingRun.objects.filter(state="committed").exists()
