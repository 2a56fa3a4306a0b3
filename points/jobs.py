"""points' jobs of the programme's calendar (with their schedules), for the runner in
core/jobs.py, which imports this module on first use. Each takes the period as the command
of docs/interfaces.md does and returns the counts the JobRun keeps.

Both are chunked by primary-key range (CONV-5): the chunks run in parallel on the workers,
each in its own transaction together with its "done" mark, and the final step (``finish``)
runs once every chunk is done. Every chunk of one job run writes to that run's one open
``PointsRun`` (made by ``prepare``, before the chunks are planned), so the ledger's entries
of a run — resumed after a dead worker or not — carry one run id.

``expiry_reminders`` (POINTS-6 / NOTICE-1) is not registered here: it writes to the SMS
outbox of servicedesk, which points may not import; ``points.selectors.expiring_by_customer``
gives its rows.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.dates import parse_month
from core.jobs import JobWork, PeriodKind, Schedule, chunked_job
from points.services.accrual import (
    accrual_bounds,
    accrual_close,
    accrual_run_open,
    accrue_range,
)
from points.services.expiry import (
    expire_range,
    expiry_bounds,
    expiry_check,
    expiry_close,
    expiry_run_open,
)

# --- accrue_points YYYY-MM (POINTS-1..4): chunks of customer ids ------------------------------


def _accrual_open(work: JobWork) -> None:
    accrual_run_open(month=parse_month(work.period), job_run_id=work.run_id)


def _accrual_finish(work: JobWork, counts: dict[str, Any]) -> dict[str, Any]:
    run = accrual_run_open(month=parse_month(work.period), job_run_id=work.run_id)
    return {**accrual_close(run, counts).counts, "chunks": counts.get("chunks", 0)}


@chunked_job(
    "accrue_points",
    period_kind=PeriodKind.MONTH,
    title=_("Accrue the month's points"),
    rules=("POINTS-1", "POINTS-4"),
    schedule=Schedule(hour=1, minute=30, day_of_month="MONTHLY_CLOSE_DAY"),
    period_offset=-1,
    bounds=lambda period: accrual_bounds(parse_month(period)),
    prepare=_accrual_open,
    finish=_accrual_finish,
)
def accrue_points(work: JobWork) -> dict[str, Any]:
    """POINTS-1..4 for the month's bills of the customers ``lo <= id < hi``."""
    run = accrual_run_open(month=parse_month(work.period), job_run_id=work.run_id)
    return accrue_range(run, lo=work.lo, hi=work.hi)


# --- expire_points YEAR (POINTS-6): chunks of lot ids ------------------------------------------


def _expiry_prepare(work: JobWork) -> None:
    expiry_check(year=int(work.period))  # not before the clearing day: nothing is done
    expiry_run_open(year=int(work.period), job_run_id=work.run_id)


def _expiry_finish(work: JobWork, counts: dict[str, Any]) -> dict[str, Any]:
    run = expiry_run_open(year=int(work.period), job_run_id=work.run_id)
    return {**expiry_close(run).counts, "chunks": counts.get("chunks", 0)}


@chunked_job(  # POINTS-6: `expire_points YEAR` on 31 December YEAR, late in the day.
    "expire_points",
    period_kind=PeriodKind.YEAR,
    title=_("Points expiry"),
    rules=("POINTS-6",),
    schedule=Schedule(hour=23, minute=30, day_of_month="POINTS_EXPIRY_DAY", month_of_year=12),
    bounds=lambda period: expiry_bounds(int(period)),
    prepare=_expiry_prepare,
    finish=_expiry_finish,
)
def expire_points(work: JobWork) -> dict[str, Any]:
    """POINTS-6 on the clearing day of December for the due lots ``lo <= id < hi``."""
    run = expiry_run_open(year=int(work.period), job_run_id=work.run_id)
    return expire_range(run, lo=work.lo, hi=work.hi)
