"""The entitlement check (``Check``) and what every check uses: the entitlement rows that
apply to the customer and the quota counted on them (SERVICE-2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.dates import month_start
from membership.models import Level
from servicedesk.models import GOTONE_AUDIENCE, Benefit, Entitlement, Period, UsageCounter
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
    code: str = ""  # why not, machine-readable (the API's 409 ``code``); "" while allowed
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
        check.allowed, check.code = False, "quota_used"
        check.reason = _(
            "%(benefit)s: all %(quota)d of %(period)s are used (%(used)d used or reserved)."
        ) % {
            "benefit": Benefit(row.benefit).label,
            "quota": row.quota,
            "period": _("this year") if row.period == Period.YEAR else _("this month"),
            "used": used,
        }
    return check
