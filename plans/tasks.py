"""Celery adapters: take a period, call the service, safe to run twice (CONV-5)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from plans.services import plans_make_effective


@shared_task(name="plans.make_effective", acks_late=True)
def plans_make_effective_task(on: str) -> dict[str, int]:
    """PLAN-6: scheduled plan changes due on or before ``on`` (YYYY-MM-DD) take effect."""
    return plans_make_effective(on=date.fromisoformat(on))
