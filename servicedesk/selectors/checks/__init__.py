"""The entitlement check of a request: yes with the terms, or no with the reason.

Read-only: the request form shows it before the clerk submits (a preview), and
``service_request_create`` runs it again inside its transaction before reserving a unit.

One module per subject:

- base.py: the ``Check`` itself, the entitlement rows that apply and their quota (SERVICE-2);
- benefits.py: lounges, SIM replacement, anti-harassment, roaming pack, complaints (SERVICE-2),
  brand privileges (SERVICE-12) and a club event's sign-up (SERVICE-13);
- arrears.py: emergency reactivation (SERVICE-3), late-fee waiver (SERVICE-4) and the
  holiday opt-out (SERVICE-5);
- suspension.py: delayed suspension (SERVICE-10);
- dispatch.py: ``request_check``, the check of a request of any kind.

Import from here: ``from servicedesk.selectors.checks import request_check``.
"""

from servicedesk.selectors.checks.arrears import (
    check_emergency_reactivation,
    check_holiday_opt_out,
    check_late_fee_waiver,
    current_suspension,
    late_fee_rates,
    reactivation_options,
    segment_reactivation_times,
)
from servicedesk.selectors.checks.base import (
    CENT,
    Check,
    Option,
    counter_used,
    entitlements_for,
    period_start,
)
from servicedesk.selectors.checks.benefits import (
    check_brand_privilege,
    check_club_signup,
    check_complaint,
    check_lounge_visit,
    check_roaming_pack,
    check_simple_benefit,
)
from servicedesk.selectors.checks.dispatch import request_check
from servicedesk.selectors.checks.suspension import (
    check_delayed_suspension,
    delayed_suspension_eligible,
)

__all__ = [
    "CENT",
    "Check",
    "Option",
    "check_brand_privilege",
    "check_club_signup",
    "check_complaint",
    "check_delayed_suspension",
    "check_emergency_reactivation",
    "check_holiday_opt_out",
    "check_late_fee_waiver",
    "check_lounge_visit",
    "check_roaming_pack",
    "check_simple_benefit",
    "counter_used",
    "current_suspension",
    "delayed_suspension_eligible",
    "entitlements_for",
    "late_fee_rates",
    "period_start",
    "reactivation_options",
    "request_check",
    "segment_reactivation_times",
]
