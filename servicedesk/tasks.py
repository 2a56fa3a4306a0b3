"""Celery task of the SMS outbox: sends what is due right after a message is queued.

The calendar's jobs of servicedesk (birthday waivers, holiday greetings, expiry reminders,
the daily outbox sweep) are the tasks ``jobs.<name>`` of core/tasks.py, which go through the
job runner and are recorded as runs (CONV-5).
"""

from __future__ import annotations

from celery import shared_task

from core.jobs import run_job
from servicedesk.services.outbox import outbox_send_due


@shared_task(name="servicedesk.send_outbox", acks_late=True)
def send_outbox() -> dict[str, int]:
    """NOTICE-1: send what is due; every message is claimed, so two runs never collide."""
    return outbox_send_due()


@shared_task(name="servicedesk.export_birthday_minutes")
def export_birthday_minutes(day: str) -> str:
    """SERVICE-9: billing's file of ``day`` written again after a package added by hand (the
    calendar job run again: its JobRun says when)."""
    outcome = run_job("export_birthday_minutes", day, rerun=True, inline=True)
    return outcome.action
