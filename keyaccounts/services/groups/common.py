"""What the group services share: today's date in the programme's time zone."""

from __future__ import annotations

from datetime import date

from core import clock


def local_today() -> date:
    """Today in the programme's time zone (Asia/Shanghai, CONV-4)."""
    return clock.today()
