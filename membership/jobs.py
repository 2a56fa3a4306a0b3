"""membership's jobs of the programme's calendar (with their schedules), for the runner in
core/jobs.py, which imports this module on first use. Each takes the period as the command
of docs/interfaces.md does and returns the counts the JobRun keeps.

``rate_credit`` is chunked (CREDIT-5, CONV-5): each chunk rates one range of customer primary
keys (an idempotent upsert that writes only changed rows), and the final step, once every
chunk is done, removes the month's ratings no longer due and counts the stars. The others run
whole: their services are set-based over the whole table and take no primary-key range.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.dates import parse_month
from core.jobs import JobWork, PeriodKind, Schedule, chunked_job, register_periodic, whole_job
from membership.models import Customer
from membership.services.credit import credit_month_check, credit_rate_finish, credit_rate_range
from membership.services.imports import import_checked_files_expire
from membership.services.rating import GoToneAnnualPolicy


def rate_credit_prepare(work: JobWork) -> None:
    """Before any chunk is planned: a month that has not ended is refused (DomainError)."""
    credit_month_check(parse_month(work.period))


def rate_credit_finish(work: JobWork, counts: dict[str, Any]) -> dict[str, Any]:
    """CREDIT-5, once every chunk is done: remove the month's ratings no longer due, count
    the stars. ``counts`` are the chunks' summed counts; the run keeps the same counts as
    ``credit_rate_month`` returns (month, rated, changed, removed, stars)."""
    return credit_rate_finish(month=parse_month(work.period), changed=int(counts.get("changed", 0)))


@chunked_job(
    "rate_credit",
    period_kind=PeriodKind.MONTH,
    title=_("Rate credit stars"),
    rules=("CREDIT-5",),
    schedule=Schedule(hour=2, minute=30, day_of_month="MONTHLY_CLOSE_DAY"),
    period_offset=-1,
    model=Customer,
    prepare=rate_credit_prepare,
    finish=rate_credit_finish,
)
def rate_credit(work: JobWork) -> dict[str, Any]:
    """CREDIT-1..5 as of the month's last day (`rate_credit YYYY-MM`) for the customers
    ``work.lo <= pk < work.hi``; idempotent (CONV-5): a chunk done again changes nothing."""
    return credit_rate_range(month=parse_month(work.period), lo=work.lo, hi=work.hi)


@whole_job(  # TIER-4: a preview only; the commit waits for a supervisor.
    "rate_annual_preview",
    period_kind=PeriodKind.YEAR,
    title=_("Annual rating preview"),
    rules=("TIER-3", "TIER-4"),
    schedule=Schedule(hour=4, minute=0, day_of_month="ANNUAL_RATING_DAY", month_of_year=1),
    period_offset=-1,
)
def rate_annual_preview(period: str) -> dict[str, Any]:
    """TIER-4: the preview of the annual rating of YEAR (`rate_annual YEAR`); never commits."""
    return GoToneAnnualPolicy().preview(period=period, actor=None).as_counts()


@whole_job(  # CUST-9 / D-IMPORT-6: files kept by passed dry runs and never imported.
    "import_files_cleanup",
    period_kind=PeriodKind.DAY,
    title=_("Delete unused checked feed files"),
    rules=("CUST-9",),
    schedule=Schedule(hour=3, minute=45),
)
def import_files_cleanup(period: str) -> dict[str, Any]:
    """D-IMPORT-6: delete the files of passed dry runs nobody imported within the day."""
    return import_checked_files_expire()


# D-TRUST-13: a feed import queued while Redis was down (its task never reached the broker)
# is sent again within ten minutes of Redis coming back.
register_periodic(
    "imports: send queued runs again",
    task="membership.resend_queued_imports",
    seconds=600,
    description="D-TRUST-13: send again the task of feed imports queued and not started.",
)
