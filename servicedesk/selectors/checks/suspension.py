"""The check of a delayed suspension 延迟停机 (SERVICE-10, D-DESK-16)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from core.dates import month_start
from core.programme import programme
from membership.models import Status
from servicedesk.models import COUNTER_DELAYED_SUSPENSION, Privilege, RequestKind
from servicedesk.selectors.checks.base import Check, counter_used
from servicedesk.selectors.holidays import DELAYED_SUSPENSION_GRANTED
from servicedesk.selectors.standing import Standing


def delayed_suspension_eligible(standing: Standing) -> str | None:
    """SERVICE-10 (source, 停开机特权): VIP (any level), snapshot mid-high-end and >= 50-yuan
    customers (CUST-5); not the gotone column alone, not the mass market. Returns the
    segment that qualifies (the best), or None."""
    segment = standing.segment
    if segment.vip:
        return "vip"
    if segment.mid_high_end:
        return "mid_high_end"
    if segment.over_50:
        return "over_50"
    return None


def delayed_suspension_days() -> int:
    return max(int(programme("DELAYED_SUSPENSION_DAYS")), 1)


def check_delayed_suspension(standing: Standing, data: dict[str, Any]) -> Check:
    """SERVICE-10: an active line of an eligible segment is kept from arrears suspension
    for DELAYED_SUSPENSION_DAYS days from today (today counted), at most
    DELAYED_SUSPENSION_TIMES_PER_MONTH times a calendar month (a usage counter), one at a
    time; a line already suspended, or not active, is refused (D-DESK-16)."""
    check = Check(kind=RequestKind.DELAYED_SUSPENSION, allowed=True)
    customer = standing.customer
    if customer.status == Status.SUSPENDED:
        check.allowed, check.code = False, "already_suspended"
        check.reason = _(
            "The line is already suspended: a delayed suspension only keeps an active line "
            "from being suspended for arrears. For a suspended line, see emergency "
            "reactivation (SERVICE-3)."
        )
        return check
    if customer.status != Status.ACTIVE:
        check.allowed, check.code = False, "line_not_active"
        check.reason = _("The line is not active: no delayed suspension.")
        return check
    why = delayed_suspension_eligible(standing)
    if why is None:
        check.allowed, check.code = False, "no_delayed_suspension_privilege"
        check.reason = _(
            "Delayed suspension is for VIP customers, snapshot mid-high-end customers and "
            "customers spending 50 yuan or more a month; this customer is none of them "
            "(SERVICE-10)."
        )
        return check
    on = standing.on
    running = (
        customer.service_requests.filter(
            kind=RequestKind.DELAYED_SUSPENSION,
            status__in=DELAYED_SUSPENSION_GRANTED,
            valid_until__gte=on,
        )
        .order_by("-valid_until")
        .values_list("valid_until", flat=True)
        .first()
    )
    if running is not None:
        check.allowed, check.code = False, "delayed_suspension_running"
        check.reason = _(
            "A delayed suspension already protects the line until %(day)s; they do not add up."
        ) % {"day": running.isoformat()}
        return check
    days = delayed_suspension_days()
    until = on + timedelta(days=days - 1)
    times = int(programme("DELAYED_SUSPENSION_TIMES_PER_MONTH"))
    start = month_start(on)
    used = counter_used(standing, COUNTER_DELAYED_SUSPENSION, start)
    check.benefit, check.period_start, check.quota, check.used = (
        COUNTER_DELAYED_SUSPENSION,
        start,
        times,
        used,
    )
    check.privilege = Privilege.LEVEL if why == "vip" else Privilege.SEGMENT
    check.values = {"days": days, "valid_from": on, "valid_until": until}
    if used >= times:
        check.allowed, check.code = False, "quota_used"
        check.reason = _(
            "Delayed suspension: all %(times)d of this month are used (%(used)d used or reserved)."
        ) % {"times": times, "used": used}
        return check
    labels = {
        "vip": _("VIP"),
        "mid_high_end": _("snapshot mid-high-end"),
        "over_50": _("≥ 50 yuan a month"),
    }
    check.terms = _(
        "Not suspended for arrears from %(start)s to %(until)s (%(days)d days, %(why)s)."
    ) % {"start": on.isoformat(), "until": until.isoformat(), "days": days, "why": labels[why]}
    return check
