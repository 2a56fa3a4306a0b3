"""SERVICE-9: who gets the birthday minutes 生日50分钟 on a day, and whether a manager may add
them by hand (D-DESK-15)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from core.programme import programme
from membership.models import Brand, Customer, LevelGrant, Status
from membership.selectors.levels import grants_valid_on
from servicedesk.models import (
    GOTONE_AUDIENCE,
    Benefit,
    BirthdayMinutes,
    Entitlement,
    MinutesSource,
)
from servicedesk.selectors.checks.base import entitlements_for
from servicedesk.selectors.standing import Standing
from servicedesk.services.waivers import birthday_filter


def birthday_minutes_due(day: date) -> QuerySet[Customer]:
    """SERVICE-9 in SQL: the active lines whose birthday is ``day`` (29 February ones on 28
    February of other years, as SERVICE-6) and whose entitlements give birthday minutes,
    annotated with ``birthday_minutes``: the most generous ``allowance`` of the ``birthday``
    rows of their level (full grants only, TIER-7 / D-DESK-2) or, on a gotone line, of
    every gotone line. Rows of the entitlements table, so supervisors' edits apply."""
    level = Subquery(
        LevelGrant.objects.filter(grants_valid_on(day), customer_id=OuterRef("pk"), limited=False)
        .order_by("-rank")
        .values("level")[:1]
    )
    minutes = Subquery(
        Entitlement.objects.filter(benefit=Benefit.BIRTHDAY, allowance__gt=0)
        .filter(Q(audience=OuterRef("birthday_level")) | Q(audience=OuterRef("birthday_gotone")))
        .order_by("-allowance")
        .values("allowance")[:1]
    )
    return (
        Customer.objects.filter(birthday_filter(day), status=Status.ACTIVE)
        .annotate(
            birthday_level=level,
            birthday_gotone=Case(
                When(brand=Brand.GOTONE, then=Value(GOTONE_AUDIENCE)), default=Value("")
            ),
        )
        .annotate(birthday_minutes=minutes)
        .filter(birthday_minutes__gt=0)
        .order_by()
    )


def birthday_minutes_allowance(standing: Standing) -> int | None:
    """SERVICE-9 for one customer: the minutes their entitlement rows give on the birthday
    (the same rows as ``birthday_minutes_due``), None when none does."""
    rows = [row.allowance for row in entitlements_for(standing, Benefit.BIRTHDAY) if row.allowance]
    return max(rows, default=None)


def is_birthday(birth_date: date | None, day: date) -> bool:
    """SERVICE-6/9: whether ``day`` is the birthday (29 February ones on 28 February of
    other years), as ``birthday_filter`` says in SQL."""
    if birth_date is None:
        return False
    if (birth_date.month, birth_date.day) == (day.month, day.day):
        return True
    return (
        (birth_date.month, birth_date.day) == (2, 29)
        and (day.month, day.day) == (2, 28)
        and not calendar.isleap(day.year)
    )


def makeup_days() -> int:
    """D-DESK-15: days after the birthday a manager may still add the minutes by hand."""
    return max(int(programme("BIRTHDAY_MINUTES_MAKEUP_DAYS")), 0)


@dataclass(frozen=True)
class MakeupCheck:
    """SERVICE-9: may the minutes be added by hand today, and which package it makes up for."""

    allowed: bool
    reason: str = ""
    code: str = ""
    automatic: BirthdayMinutes | None = None
    manual: BirthdayMinutes | None = None

    @property
    def minutes(self) -> int | None:
        return self.automatic.minutes if self.automatic else None


def birthday_makeup_check(customer: Customer, on: date) -> MakeupCheck:
    """SERVICE-9 (D-DESK-15): a manual package is valid the day it is added (``on``), makes
    up for an automatic one given on a birthday in the BIRTHDAY_MINUTES_MAKEUP_DAYS days
    before (or that day), with its minutes, at most once for that birthday's year; the
    line must be active. One query: the customer's packages of that window and year."""
    first = on - timedelta(days=makeup_days())
    rows = list(
        BirthdayMinutes.objects.filter(customer=customer, valid_on__gte=first - timedelta(366))
        .select_related("granted_by")
        .order_by("-valid_on", "source")
    )
    automatic = next(
        (r for r in rows if r.source == MinutesSource.AUTOMATIC and first <= r.valid_on <= on),
        None,
    )
    if customer.status != Status.ACTIVE:
        return MakeupCheck(
            allowed=False,
            code="line_not_active",
            reason=_("The line is not active: birthday minutes cannot be added to it."),
            automatic=automatic,
        )
    if automatic is None:
        return MakeupCheck(
            allowed=False,
            code="no_automatic_birthday_minutes",
            reason=_(
                "No birthday minutes were given automatically on a birthday in the last "
                "%(days)d days: a manager adds them by hand only to make up for that package "
                "(SERVICE-9)."
            )
            % {"days": makeup_days()},
        )
    manual = next(
        (r for r in rows if r.source == MinutesSource.MANUAL and r.year == automatic.year), None
    )
    if manual is not None:
        return MakeupCheck(
            allowed=False,
            code="birthday_minutes_already_added",
            reason=_(
                "The birthday minutes of %(year)d were already added by hand on %(day)s; "
                "once a year (SERVICE-9)."
            )
            % {"year": automatic.year, "day": manual.valid_on.isoformat()},
            automatic=automatic,
            manual=manual,
        )
    return MakeupCheck(allowed=True, automatic=automatic)


def birthday_minutes_of_year(customer: Customer, year: int) -> list[BirthdayMinutes]:
    """SERVICE-9: the customer's packages of one birthday year, automatic first."""
    return list(
        BirthdayMinutes.objects.filter(customer=customer, year=year).order_by("source", "valid_on")
    )
