"""plans' job of the programme's calendar (core/jobs.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.dates import add_months, parse_month
from core.jobs import PeriodKind, Schedule, whole_job
from plans.services.effective import plans_make_effective


# Monthly, after the bills are in (MONTHLY_CLOSE_DAY, default the 5th), for last month; the
# close is staggered so its steps run in this order: plan levels, accrual, credit, KPI-1.
@whole_job(
    "plans_apply_changes",
    period_kind=PeriodKind.MONTH,
    title=_("Refresh plan-carried levels"),
    rules=("TIER-5", "PLAN-6"),
    schedule=Schedule(hour=1, minute=0, day_of_month="MONTHLY_CLOSE_DAY"),
    period_offset=-1,
)
def plans_apply_changes(period: str) -> dict[str, Any]:
    """PLAN-6 / TIER-5 for the monthly close of ``period`` (YYYY-MM): every change due by the
    1st of the following month takes effect (levels start on the effective date itself, so
    running on the close day loses nothing). Safe to run twice (CONV-5)."""
    return plans_make_effective(on=add_months(parse_month(period), 1))
