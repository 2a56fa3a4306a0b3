"""grant_birthday_minutes [--date YYYY-MM-DD]: SERVICE-9 for that day's birthdays
(docs/interfaces.md, project's own).

The calendar job ``grant_birthday_minutes`` (servicedesk/jobs.py) run here, as the JobRun
(grant_birthday_minutes, YYYY-MM-DD) the daily schedule uses (CONV-5); run again, it adds
nothing already given ("0 new").
"""

from __future__ import annotations

from typing import Any

from core.job_commands import DayJobCommand
from servicedesk.services.birthday_minutes import grant_summary


class Command(DayJobCommand):
    help = (
        "SERVICE-9: give the birthday minutes, valid that day, to the active lines whose "
        "birthday is --date (default today) and whose entitlements include them; once per "
        "customer and year. Safe to run twice."
    )
    job_name = "grant_birthday_minutes"

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return grant_summary(counts)
