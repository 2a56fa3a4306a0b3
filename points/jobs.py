"""points' jobs of the programme's calendar (core/job_calendar.py), for the runner in
core/jobs.py, which imports this module on first use. Each takes the period as the command
of INTERFACES.md does and returns the counts the JobRun keeps.

Both run whole: their services are set-based and chunk by primary-key range internally,
one transaction per chunk, idempotent per (customer, month) and per lot (CONV-5).
``expiry_reminders`` (POINTS-6 / NOTICE-1) is not registered here: it writes to the SMS
outbox of servicedesk, which points may not import; ``points.selectors.expiring_by_customer``
gives its rows.
"""

from __future__ import annotations

from typing import Any

from core.jobs import whole_job
from membership.dates import parse_month
from points.services import points_accrue, points_expire


@whole_job("accrue_points")
def accrue_points(period: str) -> dict[str, Any]:
    """POINTS-1..4 for the month's bills (`accrue_points YYYY-MM`)."""
    return dict(points_accrue(month=parse_month(period)).counts)


@whole_job("expire_points")
def expire_points(period: str) -> dict[str, Any]:
    """POINTS-6 on the clearing day of December (`expire_points YEAR`)."""
    return dict(points_expire(year=int(period)).counts)
