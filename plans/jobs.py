"""plans' job of the programme's calendar (core/job_calendar.py)."""

from __future__ import annotations

from typing import Any

from core.dates import add_months, parse_month
from core.jobs import whole_job
from plans.services.effective import plans_make_effective


@whole_job("plans_apply_changes")
def plans_apply_changes(period: str) -> dict[str, Any]:
    """PLAN-6 / TIER-5 for the monthly close of ``period`` (YYYY-MM): every change due by the
    1st of the following month takes effect (levels start on the effective date itself, so
    running on the close day loses nothing). Safe to run twice (CONV-5)."""
    return plans_make_effective(on=add_months(parse_month(period), 1))
