"""The programme's configurable parameters: every number RULES.md marks as a Default.

Each value can be overridden in settings (``GOTONE = {"ANNUAL_THRESHOLDS": {...}}``) without
touching code; nothing else in the code base writes these numbers as literals.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # TIER-3: annual score thresholds (diamond from the source, the rest Defaults).
    "ANNUAL_THRESHOLDS": {
        "diamond": 4000,
        "platinum": 3000,
        "gold": 2000,
        "silver": 1000,
        "guest": 500,
    },
    # TIER-3: tenure score by whole years of tenure on 31 December.
    "TENURE_SCORE": ((10, 300), (3, 200), (1, 100)),
    # TIER-4: the annual rating runs on this day of January.
    "ANNUAL_RATING_DAY": 15,
    # TIER-11 / TIER-3: which level policy rates customers: "gotone_annual" or "rolling_average".
    "RATING_POLICY": "gotone_annual",
    # TIER-11: rolling-average thresholds on the mean bill of the last 6 months (mobile lines).
    "ROLLING_THRESHOLDS": {"diamond": 450, "gold": 300, "silver": 150},
    "ROLLING_MONTHS": 6,
    "ROLLING_VALID_MONTHS": 12,
    "ROLLING_END_DAY": 8,
    # TIER-5: True = the older rule (level from the month after the plan is chosen, ending the
    # month after a change or leaving); False = immediate, as the newer source says.
    "PLAN_LEVEL_NEXT_MONTH": False,
    # CREDIT-3: months in the average spend window; CREDIT-4: months of suspensions counted.
    "CREDIT_SPEND_MONTHS": 6,
    "CREDIT_SUSPENSION_MONTHS": 12,
    "CREDIT_SUSPENSION_PENALTY": 100,
    # CUST-5: an existing customer spending at least this much a month (mean of the last
    # SEGMENT_SPEND_MONTHS bills) is a "≥ 50 yuan" customer.
    "SEGMENT_SPEND_THRESHOLD": 50,
    "SEGMENT_SPEND_MONTHS": 3,
}


def programme(name: str) -> Any:
    """A programme parameter: the settings override if any, else the Default above."""
    overrides: dict[str, Any] = getattr(settings, "GOTONE", {})
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
