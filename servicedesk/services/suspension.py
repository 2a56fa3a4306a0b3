"""SERVICE-5/10: billing's daily no-suspension list, from the one selector that answers
"may this line be suspended for arrears today" (D-DESK-16)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from servicedesk.exports import export_csv
from servicedesk.selectors.holidays import REASON_HOLIDAY, no_suspension_list

EXPORT_HEADER = ("msisdn", "reason", "until")


def no_suspension_file(day: date) -> str:
    return f"no_suspension_{day.isoformat()}.csv"


def no_suspension_export(*, day: date) -> dict[str, Any]:
    """SERVICE-5/10: ``no_suspension_YYYY-MM-DD.csv``, one row per line billing may not
    suspend for arrears on ``day`` (``no_suspension_list``: one query, streamed)."""
    counts = {"holiday": 0, "delayed_suspension": 0}

    def rows() -> Any:
        for msisdn, reason, until in (
            no_suspension_list(day).values_list("msisdn", "reason", "until").iterator(5000)
        ):
            counts[reason] += 1
            yield msisdn, reason, until.isoformat()

    written = export_csv(no_suspension_file(day), EXPORT_HEADER, rows())
    return {
        "day": day.isoformat(),
        "rows": written,
        REASON_HOLIDAY: counts["holiday"],
        "delayed_suspension": counts["delayed_suspension"],
        "file": no_suspension_file(day),
    }


def no_suspension_summary(counts: Mapping[str, Any]) -> str:
    return (
        f"no-suspension list {counts['day']}: {counts['rows']} lines "
        f"({counts['holiday']} holiday, {counts['delayed_suspension']} delayed suspension) "
        f"in {counts['file']}"
    )
