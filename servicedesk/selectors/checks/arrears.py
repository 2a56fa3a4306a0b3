"""The checks of requests about bills and arrears: the late-fee waiver (SERVICE-4),
emergency reactivation (SERVICE-3) and the holiday no-suspension opt-out (SERVICE-5)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.dates import add_months, month_start
from core.programme import programme
from membership.models import Level, Status, SuspensionReason
from servicedesk.models import (
    COUNTER_EMERGENCY_REACTIVATION,
    COUNTER_HOLIDAY_OPT_OUT,
    OPEN_STATUSES,
    Privilege,
    RequestKind,
    ServiceRequest,
)
from servicedesk.selectors.checks.base import CENT, Check, Option, counter_used
from servicedesk.selectors.holidays import holiday_periods
from servicedesk.selectors.standing import Standing


def late_fee_rates(standing: Standing) -> list[tuple[str, str, int]]:
    """SERVICE-4: every rate the customer qualifies for, as (key, label, percent)."""
    percent = programme("LATE_FEE_WAIVER_PERCENT")
    segment = standing.segment
    rates = [("mass_market", _("mass market"), percent["mass_market"])]
    if segment.gotone or segment.over_50:
        rates.append(("gotone_or_50", _("GoTone or ≥ 50 yuan a month"), percent["gotone_or_50"]))
    if segment.mid_high_end:
        rates.append(("mid_high_end", _("snapshot mid-high-end"), percent["mid_high_end"]))
    if segment.vip:
        rates.append(("vip", _("VIP"), percent["vip"]))
    return rates


def check_late_fee_waiver(standing: Standing, data: dict[str, Any]) -> Check:
    """SERVICE-4: the best applicable rate; the amount in yuan to 2 places (CONV-1)."""
    check = Check(kind=RequestKind.LATE_FEE_WAIVER, allowed=True)
    key, label, best = max(late_fee_rates(standing), key=lambda rate: rate[2])
    fee = data.get("late_fee")
    check.values = {"waiver_percent": best}
    if fee is None:
        check.terms = _("Waiver rate %(percent)d%% (%(why)s).") % {"percent": best, "why": label}
        return check
    fee = Decimal(fee).quantize(CENT)
    if fee <= 0:
        check.allowed, check.reason = False, _("The late fee must be more than 0 yuan.")
        check.code = "late_fee_not_positive"
        return check
    amount = (fee * best / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    check.privilege = Privilege.LEVEL if key == "vip" else Privilege.SEGMENT
    check.values.update({"late_fee": fee, "waived_amount": amount})
    check.terms = _("Waive %(percent)d%% (%(why)s): %(amount)s of %(fee)s yuan.") % {
        "percent": best,
        "why": label,
        "amount": amount,
        "fee": fee,
    }
    return check


def reactivation_options(standing: Standing, *, used: int | None = None) -> list[Option]:
    """SERVICE-3: every privilege that could reactivate the line, with its hours. ``used``:
    this month's segment reactivations, when the caller has read the counter already."""
    options: list[Option] = []
    level_hours = programme("REACTIVATION_LEVEL_HOURS")
    level = standing.level
    if standing.gotone and level is not None and level in level_hours:
        options.append(
            Option(
                privilege=Privilege.LEVEL,
                label=_("Level privilege (%(level)s)") % {"level": Level(level).label},
                hours=level_hours[level],
                available=True,
            )
        )
    times = segment_reactivation_times(standing)
    if times:
        if used is None:
            used = counter_used(standing, COUNTER_EMERGENCY_REACTIVATION, month_start(standing.on))
        options.append(
            Option(
                privilege=Privilege.SEGMENT,
                label=_("Segment privilege (%(times)d a month)") % {"times": times},
                hours=programme("REACTIVATION_SEGMENT_HOURS"),
                available=used < times,
                note=_("%(left)d of %(times)d left this month")
                % {"left": max(0, times - used), "times": times},
            )
        )
    credit_hours = {int(k): v for k, v in programme("REACTIVATION_CREDIT_HOURS").items()}
    if standing.stars is not None and standing.stars in credit_hours:
        options.append(
            Option(
                privilege=Privilege.CREDIT,
                label=_("Credit-star privilege (%(stars)d stars)") % {"stars": standing.stars},
                hours=credit_hours[standing.stars],
                available=True,
            )
        )
    return options


def segment_reactivation_times(standing: Standing) -> int:
    """SERVICE-3: VIP and snapshot mid-high-end 3 a month; gotone and ≥ 50 yuan once."""
    times = programme("REACTIVATION_SEGMENT_TIMES")
    segment = standing.segment
    if segment.vip or segment.mid_high_end:
        return int(times["vip_or_snapshot"])
    if segment.gotone or segment.over_50:
        return int(times["gotone_or_50"])
    return 0


def check_emergency_reactivation(standing: Standing, data: dict[str, Any]) -> Check:
    """SERVICE-3: arrears of this or last month only; the best single privilege applies."""
    check = Check(kind=RequestKind.EMERGENCY_REACTIVATION, allowed=True)
    customer = standing.customer
    check.options = reactivation_options(standing)
    arrears = data.get("arrears_month")
    if arrears is not None:
        arrears = month_start(arrears)
        check.values["arrears_month"] = arrears
    if not (
        customer.status == Status.SUSPENDED
        and customer.suspension_reason == SuspensionReason.ARREARS
    ):
        check.allowed, check.code = False, "not_suspended_for_arrears"
        check.reason = _("The line is not suspended for arrears; nothing to reactivate.")
        return check
    if arrears is None:
        check.allowed, check.reason = False, _("Give the month the arrears are from.")
        check.code = "arrears_month_missing"
        return check
    this_month = month_start(standing.on)
    if arrears > this_month:
        check.allowed, check.reason = False, _("The arrears month cannot be in the future.")
        check.code = "arrears_month_in_future"
        return check
    if arrears < add_months(this_month, -1):
        check.allowed, check.code = False, "arrears_too_old"
        check.reason = _(
            "Arrears from %(month)s are older than last month: emergency reactivation covers "
            "arrears of the current or the previous month only (SERVICE-3)."
        ) % {"month": arrears.strftime("%Y-%m")}
        return check
    if ServiceRequest.objects.filter(
        customer=customer, kind=RequestKind.EMERGENCY_REACTIVATION, status__in=OPEN_STATUSES
    ).exists():
        check.allowed, check.code = False, "reactivation_already_open"
        check.reason = _("An emergency reactivation is already open; they do not stack.")
        return check
    available = [option for option in check.options if option.available]
    if not available:
        check.allowed, check.code = False, "no_reactivation_privilege"
        check.reason = (
            _("The customer has no emergency reactivation privilege left: %(why)s.")
            % {"why": "; ".join(f"{o.label}: {o.note}" for o in check.options)}
            if check.options
            else _("The customer has no emergency reactivation privilege.")
        )
        return check
    # SERVICE-3: not stackable; the longest single one wins, an uncounted one on a tie.
    best = max(available, key=lambda o: (o.hours, o.privilege != Privilege.SEGMENT))
    check.privilege = best.privilege
    check.values["hours"] = best.hours
    if best.privilege == Privilege.SEGMENT:
        times = segment_reactivation_times(standing)
        check.benefit = COUNTER_EMERGENCY_REACTIVATION
        check.period_start = month_start(standing.on)
        check.quota = times
        check.used = counter_used(standing, COUNTER_EMERGENCY_REACTIVATION, check.period_start)
    check.terms = _("Reactivated for %(hours)d hours (%(why)s); privileges do not add up.") % {
        "hours": best.hours,
        "why": best.label,
    }
    return check


def check_holiday_opt_out(standing: Standing, data: dict[str, Any]) -> Check:
    """SERVICE-5: a customer may opt out of the holiday no-suspension, once for a year."""
    year = int(data.get("year") or standing.on.year)
    check = Check(kind=RequestKind.HOLIDAY_OPT_OUT, allowed=True, values={"year": year})
    if year not in (standing.on.year, standing.on.year + 1):
        check.allowed, check.reason = False, _("Opt out for this year or next year only.")
        check.code = "opt_out_year_not_allowed"
        return check
    start = date(year, 1, 1)
    used = counter_used(standing, COUNTER_HOLIDAY_OPT_OUT, start)
    check.benefit, check.period_start, check.quota, check.used = (
        COUNTER_HOLIDAY_OPT_OUT,
        start,
        1,
        used,
    )
    if used:
        check.allowed, check.code = False, "already_opted_out"
        check.reason = _("The customer has already opted out for %(year)d.") % {"year": year}
        return check
    names = ", ".join(str(period["label"]) for period in holiday_periods(year))
    check.terms = _(
        "From %(year)d's holidays on, the line can be suspended for arrears as on any day "
        "(%(names)s)."
    ) % {"year": year, "names": names}
    return check
