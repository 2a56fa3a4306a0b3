"""run_birthday_waivers --date YYYY-MM-DD: SERVICE-6 for that day's birthdays (docs/interfaces.md).

The calendar job ``run_birthday_waivers`` (servicedesk/jobs.py) run here, as the JobRun
(run_birthday_waivers, YYYY-MM-DD) the daily schedule uses (CONV-5, core/job_commands.py);
run again, it adds nothing already recorded and prints its own counts ("0 new").
"""

from __future__ import annotations

from typing import Any

from core.job_commands import DayJobCommand
from servicedesk.services.waivers import waivers_summary


class Command(DayJobCommand):
    help = (
        "SERVICE-6: waive the domestic basic fees of the birthday for active GoTone lines "
        "whose birthday is --date (default yesterday) and queue the next day's SMS; top up "
        "the waivers of the BIRTHDAY_WAIVER_LOOKBACK_DAYS days before with late usage, and "
        "tell the final amount of those whose lookback ends if it changed. Safe to run twice."
    )
    job_name = "run_birthday_waivers"

    default_offset = -1  # CONV-4: yesterday in the programme's calendar, as the schedule picks
    default_help = "YYYY-MM-DD (default: yesterday)"

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return waivers_summary(period, counts)
