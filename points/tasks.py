"""Celery adapters of the points jobs: same arguments as the commands, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from membership.dates import parse_month
from points.services import accrual_summary, expiry_summary, points_accrue, points_expire


@shared_task(name="points.accrue_points", acks_late=True)
def accrue_points(month: str) -> str:
    """POINTS-1..4 for ``month`` (YYYY-MM); idempotent per (customer, month)."""
    return accrual_summary(points_accrue(month=parse_month(month)))


@shared_task(name="points.expire_points", acks_late=True)
def expire_points(year: int | str) -> str:
    """POINTS-6 on 31 December ``year``; a second run clears nothing more."""
    return expiry_summary(points_expire(year=int(year)))
