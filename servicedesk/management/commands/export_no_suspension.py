"""export_no_suspension [--date YYYY-MM-DD]: SERVICE-5/10, billing's list of the lines it
may not suspend for arrears that day (docs/interfaces.md, project's own),
``EXPORT_ROOT/no_suspension_<date>.csv``.
"""

from __future__ import annotations

from typing import Any

from core.job_commands import DayJobCommand
from servicedesk.services.suspension import no_suspension_summary


class Command(DayJobCommand):
    help = (
        "SERVICE-5/10: write EXPORT_ROOT/no_suspension_<date>.csv (msisdn,reason,until): "
        "the lines not to suspend for arrears on --date (default today), because of a "
        "statutory holiday or a delayed suspension. Safe to run twice."
    )
    job_name = "export_no_suspension"

    def job_summary(self, period: str, counts: dict[str, Any]) -> str:
        return no_suspension_summary(counts)
