"""SERVICE-2: the checks of the benefits the entitlement table gives: lounges, SIM
replacement, anti-harassment, the roaming pack and the complaint fast track; SERVICE-12: the
brand privileges (hotel discount, member day, magazine, New Year card, invoice mailing) and
SERVICE-13: the club-event entitlement of a sign-up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from membership.models import Level
from servicedesk.models import (
    GOTONE_AUDIENCE,
    Benefit,
    Entitlement,
    Location,
    LoungeType,
    Privilege,
    RequestKind,
    Scope,
)
from servicedesk.selectors.checks.base import (
    Check,
    _best,
    _counted,
    _not_entitled,
    entitlements_for,
)
from servicedesk.selectors.standing import Standing


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
        check.code = "not_entitled"
        return check
    if location == Location.IN_PROVINCE:
        candidates = [r for r in rows if r.scope == Scope.IN_PROVINCE and r.free] or [
            r for r in rows if r.scope == Scope.NATIONAL
        ]
    else:
        candidates = [r for r in rows if r.scope == Scope.NATIONAL]
    row = _best(candidates)
    if row is None:
        check.allowed, check.code = False, "not_entitled"
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
        check.code = "not_entitled"
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
        check.code = "not_entitled"
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


def _brand_terms(benefit: str, row: Entitlement, on: date) -> str:
    """SERVICE-12: what the customer gets of a brand privilege, in words."""
    if benefit == Benefit.HOTEL_DISCOUNT:
        if row.allowance:
            return _("%(percent)d%% off at partner hotels.") % {"percent": row.allowance}
        return _("The partner hotels' discount.")
    if benefit == Benefit.MEMBER_DAY:
        return _("The member day 星动日 offer.")
    if benefit == Benefit.MAGAZINE:
        return _(
            "Free subscription for %(year)d, semi-monthly (%(issues)d issues), sent by the "
            "publisher."
        ) % {"year": on.year, "issues": row.allowance or 24}
    if benefit == Benefit.NEW_YEAR_CARD:
        return _("A New Year card, mailed by the branch.")
    if benefit == Benefit.INVOICE_MAILING:
        return _("Invoices mailed free of charge.")
    return _("Free of charge.")


def check_brand_privilege(
    standing: Standing, kind: str, benefit: str, table: list[Entitlement]
) -> Check:
    """SERVICE-12: a brand privilege, like any row of the table (SERVICE-2): refused without
    a row for the customer's level (full grants only, D-DESK-2) or beyond its quota."""
    check = Check(kind=kind, allowed=True)
    row = _best(entitlements_for(standing, benefit, table=table))
    if row is None:
        check.allowed, check.reason = False, _not_entitled(standing, benefit)
        check.code = "not_entitled"
        return check
    check.privilege = Privilege.LEVEL
    _counted(check, standing, row)
    if not check.allowed:
        return check
    if benefit in (Benefit.MAGAZINE, Benefit.NEW_YEAR_CARD):
        check.values = {"year": standing.on.year}
    terms = _brand_terms(benefit, row, standing.on)
    if check.quota is not None:
        terms = _("%(terms)s %(left)d of %(quota)d %(period)s left after this one.") % {
            "terms": terms,
            "left": (check.left or 0) - 1,
            "quota": check.quota,
            "period": row.get_period_display(),
        }
    check.terms = terms
    return check


def check_club_signup(
    standing: Standing,
    *,
    event_levels: list[str],
    event_day: date,
    table: list[Entitlement],
) -> Check:
    """SERVICE-13: may the customer sign up for an event of ``event_day`` open to
    ``event_levels``? The club-event row of their level (full grants, D-DESK-2), the event's
    levels, and the row's quota counted in the period of the event's day."""
    check = Check(kind="club_event", allowed=True)
    benefit = Benefit.CLUB_EVENT
    row = _best(entitlements_for(standing, benefit, table=table))
    if row is None:
        check.allowed, check.reason = False, _not_entitled(standing, benefit)
        check.code = "not_entitled"
        return check
    if standing.level not in event_levels:
        check.allowed, check.code = False, "level_not_invited"
        check.reason = _("This event is for %(levels)s customers; the customer is %(level)s.") % {
            "levels": ", ".join(str(Level(level).label) for level in event_levels),
            "level": Level(standing.level or Level.GUEST).label,
        }
        return check
    check.privilege = Privilege.LEVEL
    _counted(check, standing, row, start_on=event_day)
    if check.allowed:
        check.terms = (
            _("Club event (no yearly limit).")
            if check.quota is None
            else _("Club event; %(left)d of %(quota)d %(period)s left after this one.")
            % {
                "left": (check.left or 0) - 1,
                "quota": check.quota,
                "period": row.get_period_display(),
            }
        )
    return check
