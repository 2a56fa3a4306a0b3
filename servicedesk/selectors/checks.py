"""The entitlement check of a request: yes with the terms, or no with the reason.

Read-only: the request form shows it before the clerk submits (a preview), and
``service_request_create`` runs it again inside its transaction before reserving a unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.programme import programme
from membership.dates import add_months, month_start
from membership.models import Level, Status, SuspensionReason
from servicedesk.models import (
    COUNTER_EMERGENCY_REACTIVATION,
    COUNTER_HOLIDAY_OPT_OUT,
    GOTONE_AUDIENCE,
    OPEN_STATUSES,
    Benefit,
    Entitlement,
    Location,
    LoungeType,
    Period,
    Privilege,
    RequestKind,
    Scope,
    ServiceRequest,
    UsageCounter,
)
from servicedesk.selectors.holidays import holiday_periods
from servicedesk.selectors.standing import Standing

CENT = Decimal("0.01")


@dataclass
class Option:
    """SERVICE-3: one privilege that could reactivate the line, shown to the clerk."""

    privilege: str
    label: str
    hours: int
    available: bool
    note: str = ""


@dataclass
class Check:
    kind: str
    allowed: bool
    reason: str = ""  # why not, in words a clerk can read out
    terms: str = ""  # what the customer gets, in words
    benefit: str = ""  # the counter a unit is reserved on ("" = not counted)
    period_start: date | None = None
    quota: int | None = None  # None: not counted
    used: int = 0
    privilege: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # stored on the request
    options: list[Option] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return self.allowed and bool(self.benefit) and self.quota is not None

    @property
    def left(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.used)


def period_start(period: str, on: date) -> date | None:
    if period == Period.YEAR:
        return date(on.year, 1, 1)
    if period == Period.MONTH:
        return month_start(on)
    return None


def counter_used(standing: Standing, benefit: str, start: date | None) -> int:
    if start is None:
        return 0
    counter = (
        UsageCounter.objects.filter(customer=standing.customer, benefit=benefit, period_start=start)
        .values("reserved", "consumed")
        .first()
    )
    return counter["reserved"] + counter["consumed"] if counter else 0


def entitlements_for(
    standing: Standing, benefit: str, *, table: list[Entitlement] | None = None
) -> list[Entitlement]:
    """SERVICE-2: the rows of ``benefit`` that apply to the customer (their level's rows
    and, on a gotone line, the every-gotone rows), TIER-7 honoured."""
    level = standing.level_for(benefit)
    audiences = {level} if level else set()
    if standing.gotone:
        audiences.add(GOTONE_AUDIENCE)
    rows = table if table is not None else Entitlement.objects.filter(benefit=benefit)
    return [row for row in rows if row.benefit == benefit and row.audience in audiences]


def _best(rows: list[Entitlement]) -> Entitlement | None:
    """The most generous row (unlimited beats any quota)."""
    return max(rows, key=lambda r: (r.free, r.quota is None, r.quota or 0), default=None)


def _not_entitled(standing: Standing, benefit: str) -> str:
    name = Benefit(benefit).label
    if standing.only_limited:
        return _(
            "%(benefit)s is not included: the customer's level comes from an approved "
            "upgrade, which gives airport VIP service and the green channel only (TIER-7)."
        ) % {"benefit": name}
    level = standing.level_for(benefit)
    if level is None:
        return _("%(benefit)s is a VIP privilege and the customer holds no level.") % {
            "benefit": name
        }
    return _("%(benefit)s is not included in the %(level)s level.") % {
        "benefit": name,
        "level": Level(level).label,
    }


def _counted(
    check: Check, standing: Standing, row: Entitlement, *, start_on: date | None = None
) -> Check:
    """Apply ``row``'s quota to ``check`` (SERVICE-2: refused beyond the quota)."""
    if row.quota is None:
        return check
    start = period_start(row.period, start_on or standing.on)
    used = counter_used(standing, row.benefit, start)
    check.benefit, check.period_start, check.quota, check.used = row.benefit, start, row.quota, used
    if used >= row.quota:
        check.allowed = False
        check.reason = _(
            "%(benefit)s: all %(quota)d of %(period)s are used (%(used)d used or reserved)."
        ) % {
            "benefit": Benefit(row.benefit).label,
            "quota": row.quota,
            "period": _("this year") if row.period == Period.YEAR else _("this month"),
            "used": used,
        }
    return check


def check_lounge_visit(standing: Standing, data: dict[str, Any], table: list[Entitlement]) -> Check:
    """SERVICE-2 lounges; airport lounges honour limited grants (TIER-7)."""
    lounge = data.get("lounge_type") or LoungeType.AIRPORT
    location = data.get("location") or Location.IN_PROVINCE
    benefit = Benefit.AIRPORT_LOUNGE if lounge == LoungeType.AIRPORT else Benefit.RAILWAY_LOUNGE
    check = Check(
        kind=RequestKind.LOUNGE_VISIT,
        allowed=True,
        values={"lounge_type": lounge, "location": location},
    )
    rows = entitlements_for(standing, benefit, table=table)
    if not rows:
        check.allowed, check.reason = False, _not_entitled(standing, benefit)
        return check
    if location == Location.IN_PROVINCE:
        candidates = [r for r in rows if r.scope == Scope.IN_PROVINCE and r.free] or [
            r for r in rows if r.scope == Scope.NATIONAL
        ]
    else:
        candidates = [r for r in rows if r.scope == Scope.NATIONAL]
    row = _best(candidates)
    if row is None:
        check.allowed = False
        check.reason = _(
            "%(benefit)s at the %(level)s level is for lounges in the home province only."
        ) % {
            "benefit": Benefit(benefit).label,
            "level": Level(standing.level_for(benefit) or Level.GUEST).label,
        }
        return check
    check.privilege = Privilege.LEVEL
    if not row.free:
        check.terms = _("Entry without a free visit (not counted against the quota).")
        return check
    _counted(check, standing, row)
    if check.allowed:
        if check.quota is None:
            check.terms = _("Free visit (unlimited).")
        else:
            check.terms = _("Free visit; %(left)d of %(quota)d left after this one.") % {
                "left": (check.left or 0) - 1,
                "quota": check.quota,
            }
    return check


def check_simple_benefit(
    standing: Standing, kind: str, benefit: str, table: list[Entitlement]
) -> Check:
    """SERVICE-2 benefits that need only the row: SIM replacement, anti-harassment."""
    check = Check(kind=kind, allowed=True)
    row = _best(entitlements_for(standing, benefit, table=table))
    if row is None:
        check.allowed, check.reason = False, _not_entitled(standing, benefit)
        return check
    check.privilege = Privilege.GOTONE if row.audience == GOTONE_AUDIENCE else Privilege.LEVEL
    _counted(check, standing, row)
    if check.allowed:
        check.terms = (
            _("Free of charge (unlimited).")
            if check.quota is None
            else _("Free of charge; %(left)d of %(quota)d left after this one.")
            % {"left": (check.left or 0) - 1, "quota": check.quota}
        )
    return check


def check_roaming_pack(standing: Standing, table: list[Entitlement]) -> Check:
    """SERVICE-2: once a year, days by level, valid for ``valid_days`` from the claim."""
    check = Check(kind=RequestKind.ROAMING_PACK, allowed=True)
    row = _best(entitlements_for(standing, Benefit.ROAMING_PACK, table=table))
    if row is None:
        check.allowed, check.reason = False, _not_entitled(standing, Benefit.ROAMING_PACK)
        return check
    check.privilege = Privilege.LEVEL
    _counted(check, standing, row)
    if check.allowed:
        valid_days = row.valid_days or 0
        until = standing.on + timedelta(days=valid_days - 1) if valid_days else None
        check.values = {
            "days": row.allowance,
            "valid_from": standing.on,
            "valid_until": until,
        }
        check.terms = _("%(days)s days of roaming, valid from %(start)s to %(end)s.") % {
            "days": row.allowance or 0,
            "start": standing.on.isoformat(),
            "end": until.isoformat() if until else "—",
        }
    return check


def check_complaint(standing: Standing, table: list[Entitlement]) -> Check:
    """SERVICE-2: every complaint is registered; gotone lines get the fast track."""
    rows = entitlements_for(standing, Benefit.COMPLAINT_FAST_TRACK, table=table)
    fast = bool(rows)
    return Check(
        kind=RequestKind.COMPLAINT,
        allowed=True,
        privilege=Privilege.GOTONE if fast else "",
        values={"fast_track": fast},
        terms=_("Fast track 快速处理.") if fast else _("Normal handling."),
    )


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


def reactivation_options(standing: Standing) -> list[Option]:
    """SERVICE-3: every privilege that could reactivate the line, with its hours."""
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
        check.allowed = False
        check.reason = _("The line is not suspended for arrears; nothing to reactivate.")
        return check
    if arrears is None:
        check.allowed, check.reason = False, _("Give the month the arrears are from.")
        return check
    this_month = month_start(standing.on)
    if arrears > this_month:
        check.allowed, check.reason = False, _("The arrears month cannot be in the future.")
        return check
    if arrears < add_months(this_month, -1):
        check.allowed = False
        check.reason = _(
            "Arrears from %(month)s are older than last month: emergency reactivation covers "
            "arrears of the current or the previous month only (SERVICE-3)."
        ) % {"month": arrears.strftime("%Y-%m")}
        return check
    if ServiceRequest.objects.filter(
        customer=customer, kind=RequestKind.EMERGENCY_REACTIVATION, status__in=OPEN_STATUSES
    ).exists():
        check.allowed = False
        check.reason = _("An emergency reactivation is already open; they do not stack.")
        return check
    available = [option for option in check.options if option.available]
    if not available:
        check.allowed = False
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
        check.allowed = False
        check.reason = _("The customer has already opted out for %(year)d.") % {"year": year}
        return check
    names = ", ".join(str(period["label"]) for period in holiday_periods(year))
    check.terms = _(
        "From %(year)d's holidays on, the line can be suspended for arrears as on any day "
        "(%(names)s)."
    ) % {"year": year, "names": names}
    return check


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
    if kind == RequestKind.LATE_FEE_WAIVER:
        return check_late_fee_waiver(standing, data)
    if kind == RequestKind.EMERGENCY_REACTIVATION:
        return check_emergency_reactivation(standing, data)
    if kind == RequestKind.HOLIDAY_OPT_OUT:
        return check_holiday_opt_out(standing, data)
    return Check(kind=kind, allowed=False, reason=_("Unknown kind of request."))
