"""The checks of requests about bills and arrears: the late-fee waiver (SERVICE-4),
emergency reactivation (SERVICE-3) and the holiday no-suspension opt-out (SERVICE-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import add_months, month_start
from core.programme import programme
from membership.models import Customer, Level, Status, StatusChange, SuspensionReason
from servicedesk.models import (
    COUNTER_EMERGENCY_REACTIVATION,
    COUNTER_HOLIDAY_OPT_OUT,
    OPEN_STATUSES,
    Privilege,
    RequestKind,
    RequestStatus,
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


# SERVICE-3: a reactivation counts as granted while open, in progress or done; a refused or
# cancelled one gives its allowance back (as a counted unit is returned, D-DESK-4).
GRANTED_STATUSES = (RequestStatus.OPEN, RequestStatus.IN_PROGRESS, RequestStatus.DONE)


@dataclass(frozen=True)
class Suspension:
    """SERVICE-3 (D-DESK-13): the line's current arrears suspension, as far as emergency
    reactivation is concerned: the reactivations granted in it, oldest first."""

    tracked: bool  # the line is suspended for arrears (else nothing counts)
    granted: tuple[ServiceRequest, ...] = ()

    @property
    def privilege(self) -> str:
        """The privilege this suspension was reactivated under ("" before any)."""
        return self.granted[0].privilege if self.granted else ""


def suspended_for_arrears(customer: Customer) -> bool:
    return (
        customer.status == Status.SUSPENDED
        and customer.suspension_reason == SuspensionReason.ARREARS
    )


def current_suspension(customer: Customer) -> Suspension:
    """SERVICE-3 (D-DESK-13): the reactivations granted since the line's latest move into
    suspended (two queries; none for a line not suspended for arrears). A suspension with
    no recorded move counts every reactivation the line ever had."""
    if not suspended_for_arrears(customer):
        return Suspension(tracked=False)
    since = (
        StatusChange.objects.filter(customer=customer, to_status=Status.SUSPENDED)
        .order_by("-changed_at", "-id")
        .values_list("changed_at", flat=True)
        .first()
    )
    granted = ServiceRequest.objects.filter(
        customer=customer,
        kind=RequestKind.EMERGENCY_REACTIVATION,
        status__in=GRANTED_STATUSES,
    )
    if since is not None:
        granted = granted.filter(created_at__gte=since)
    return Suspension(
        tracked=True,
        granted=tuple(
            granted.order_by("created_at", "id").only("privilege", "hours", "created_at")
        ),
    )


def _suspension_note(suspension: Suspension, privilege: str) -> str | None:
    """SERVICE-3: why ``privilege`` cannot serve this suspension (None: it may). The
    privileges do not add up: one reactivation for one arrears suspension, by the best
    single privilege (REACTIVATION_TIMES_PER_SUSPENSION, 1 as the source says, is the
    number a suspension allows, whatever the privilege)."""
    times = int(programme("REACTIVATION_TIMES_PER_SUSPENSION"))
    if suspension.tracked and len(suspension.granted) >= times:
        return _("this arrears suspension was reactivated already")
    if suspension.privilege and suspension.privilege != privilege:
        return _("this suspension was reactivated under the %(privilege)s; they do not add up") % {
            "privilege": Privilege(suspension.privilege).label.lower()
        }
    return None


def _per_suspension_option(
    suspension: Suspension, *, privilege: str, label: str, hours: int
) -> Option:
    """SERVICE-3 (D-DESK-13): the level and the credit-star privileges, which count only per
    arrears suspension (REACTIVATION_TIMES_PER_SUSPENSION, for every privilege)."""
    times = int(programme("REACTIVATION_TIMES_PER_SUSPENSION"))
    blocked = _suspension_note(suspension, privilege)
    if blocked is not None:
        return Option(privilege=privilege, label=label, hours=hours, available=False, note=blocked)
    if not suspension.tracked:
        note = _("%(times)d per arrears suspension") % {"times": times}
        return Option(privilege=privilege, label=label, hours=hours, available=times > 0, note=note)
    left = max(0, times - len(suspension.granted))
    note = _("%(left)d of %(times)d left in this suspension") % {"left": left, "times": times}
    return Option(privilege=privilege, label=label, hours=hours, available=left > 0, note=note)


def reactivation_options(
    standing: Standing, *, used: int | None = None, suspension: Suspension | None = None
) -> list[Option]:
    """SERVICE-3: every privilege that could reactivate the line, with its hours and whether
    it is available. ``used``: this month's segment reactivations, when the caller has read
    the counter already; ``suspension``: the current arrears suspension, when read already."""
    if suspension is None:
        suspension = current_suspension(standing.customer)
    options: list[Option] = []
    level_hours = programme("REACTIVATION_LEVEL_HOURS")
    level = standing.level
    if standing.gotone and level is not None and level in level_hours:
        options.append(
            _per_suspension_option(
                suspension,
                privilege=Privilege.LEVEL,
                label=_("Level privilege (%(level)s)") % {"level": Level(level).label},
                hours=level_hours[level],
            )
        )
    times = segment_reactivation_times(standing)
    if times:
        if used is None:
            used = counter_used(standing, COUNTER_EMERGENCY_REACTIVATION, month_start(standing.on))
        blocked = _suspension_note(suspension, Privilege.SEGMENT)
        options.append(
            Option(
                privilege=Privilege.SEGMENT,
                label=_("Segment privilege (%(times)d a month)") % {"times": times},
                hours=programme("REACTIVATION_SEGMENT_HOURS"),
                available=blocked is None and used < times,
                note=blocked
                or _("%(left)d of %(times)d left this month")
                % {"left": max(0, times - used), "times": times},
            )
        )
    # SERVICE-11 credit reactivation 信用开机 (with SERVICE-3): the source names it without
    # its terms; none is offered unless an operator configures the hours by stars
    # (REACTIVATION_CREDIT_HOURS, empty by default, D-DESK-13). It is one more candidate
    # of the same reactivation, never one on top: once per arrears suspension, the best
    # single privilege applying (check_emergency_reactivation).
    credit_hours = {int(k): v for k, v in programme("REACTIVATION_CREDIT_HOURS").items()}
    if standing.stars is not None and standing.stars in credit_hours:
        options.append(
            _per_suspension_option(
                suspension,
                privilege=Privilege.CREDIT,
                label=_("Credit-star privilege (%(stars)d stars)") % {"stars": standing.stars},
                hours=credit_hours[standing.stars],
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
    """SERVICE-3: arrears of this or last month only; the best single privilege still
    available applies, and a suspension is served by one privilege only (D-DESK-13)."""
    check = Check(kind=RequestKind.EMERGENCY_REACTIVATION, allowed=True)
    customer = standing.customer
    suspension = current_suspension(customer)
    check.options = reactivation_options(standing, suspension=suspension)
    arrears = data.get("arrears_month")
    if arrears is not None:
        arrears = month_start(arrears)
        check.values["arrears_month"] = arrears
    if not suspension.tracked:
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
        _refuse_reactivation(check, suspension)
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


def _refuse_reactivation(check: Check, suspension: Suspension) -> None:
    """SERVICE-3: why no privilege is left, in the clerk's words and as a code."""
    check.allowed = False
    if not check.options:  # the mass market (大众客户): no level, segment or stars that give one
        check.code = "no_reactivation_privilege"
        check.reason = _(
            "The customer is in the mass market, which has no emergency reactivation "
            "privilege: it is for GoTone lines, VIP and snapshot mid-high-end customers and "
            "customers spending 50 yuan or more a month (SERVICE-3)."
        )
        return
    if suspension.granted:
        first = suspension.granted[0]
        check.code = "reactivation_used_this_suspension"
        check.reason = _(
            "The line was already reactivated in this arrears suspension (%(hours)s hours, "
            "%(privilege)s, on %(day)s): that privilege allows %(times)d per suspension, and "
            "the others do not add to it (SERVICE-3). A new arrears suspension opens a new "
            "allowance."
        ) % {
            "hours": first.hours,
            "privilege": Privilege(first.privilege).label.lower(),
            "day": timezone.localdate(first.created_at).isoformat(),
            "times": int(programme("REACTIVATION_TIMES_PER_SUSPENSION")),
        }
        return
    check.code = "no_reactivation_privilege"
    check.reason = _("The customer has no emergency reactivation privilege left: %(why)s.") % {
        "why": "; ".join(f"{o.label}: {o.note}" for o in check.options)
    }


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
