"""Celery tasks: adapters that take a date and call a service; each is safe to run twice."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from servicedesk.services.notices import notice_holiday_greetings
from servicedesk.services.outbox import outbox_send_due
from servicedesk.services.waivers import birthday_waivers_run


@shared_task(name="servicedesk.run_birthday_waivers")
def run_birthday_waivers(date_iso: str | None = None) -> str:
    """SERVICE-6 for ``date_iso`` (YYYY-MM-DD), yesterday by default (the daily run)."""
    day = date.fromisoformat(date_iso) if date_iso else timezone.localdate() - timedelta(days=1)
    return birthday_waivers_run(day=day).summary()


@shared_task(name="servicedesk.send_outbox", acks_late=True)
def send_outbox() -> dict[str, int]:
    """NOTICE-1: send what is due; every message is claimed, so two runs never collide."""
    return outbox_send_due()


@shared_task(name="servicedesk.holiday_greetings")
def holiday_greetings(date_iso: str | None = None) -> int:
    """GROUP-4 / NOTICE-1: greetings to key persons when ``date_iso`` (today) is a festival."""
    day = date.fromisoformat(date_iso) if date_iso else timezone.localdate()
    return notice_holiday_greetings(day=day)
