"""``request_check``: the entitlement check of a request of any kind, by its kind."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from servicedesk.models import BRAND_PRIVILEGE_KINDS, Benefit, Entitlement, RequestKind
from servicedesk.selectors.checks.arrears import (
    check_emergency_reactivation,
    check_holiday_opt_out,
    check_late_fee_waiver,
)
from servicedesk.selectors.checks.base import Check
from servicedesk.selectors.checks.benefits import (
    check_brand_privilege,
    check_complaint,
    check_lounge_visit,
    check_roaming_pack,
    check_simple_benefit,
)
from servicedesk.selectors.checks.suspension import check_delayed_suspension
from servicedesk.selectors.standing import Standing


def request_check(standing: Standing, kind: str, data: dict[str, Any] | None = None) -> Check:
    """The entitlement check of a request of ``kind`` with the form's ``data``."""
    data = data or {}
    table = list(Entitlement.objects.all())
    if kind == RequestKind.LOUNGE_VISIT:
        return check_lounge_visit(standing, data, table)
    if kind == RequestKind.SIM_REPLACEMENT:
        return check_simple_benefit(standing, kind, Benefit.SIM_REPLACEMENT, table)
    if kind == RequestKind.ANTI_HARASSMENT:
        return check_simple_benefit(standing, kind, Benefit.ANTI_HARASSMENT, table)
    if kind == RequestKind.ROAMING_PACK:
        return check_roaming_pack(standing, table)
    if kind == RequestKind.COMPLAINT:
        return check_complaint(standing, table)
    if kind in BRAND_PRIVILEGE_KINDS:  # SERVICE-12
        return check_brand_privilege(standing, kind, BRAND_PRIVILEGE_KINDS[kind], table)
    if kind == RequestKind.LATE_FEE_WAIVER:
        return check_late_fee_waiver(standing, data)
    if kind == RequestKind.EMERGENCY_REACTIVATION:
        return check_emergency_reactivation(standing, data)
    if kind == RequestKind.HOLIDAY_OPT_OUT:
        return check_holiday_opt_out(standing, data)
    if kind == RequestKind.DELAYED_SUSPENSION:  # SERVICE-10
        return check_delayed_suspension(standing, data)
    return Check(
        kind=kind, allowed=False, reason=_("Unknown kind of request."), code="unknown_kind"
    )
