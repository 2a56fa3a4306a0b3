"""SERVICE-6: the birthday waiver job, set-based and safe to run twice (CONV-5)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from membership.models import Brand, Customer, Status, Usage, UsageCategory
from servicedesk.models import BirthdayWaiver
from servicedesk.services.notices import notice_birthday_waivers
from servicedesk.sql import insert_select

# SERVICE-6: the domestic basic communication fees; not hmt, international, premium,
# call forwarding or other.
WAIVED_CATEGORIES = (
    UsageCategory.DOMESTIC_VOICE,
    UsageCategory.DOMESTIC_DATA,
    UsageCategory.DOMESTIC_SMS,
)


@dataclass(frozen=True)
class BirthdayRun:
    day: date
    created: int  # waivers recorded by this run
    total: int  # waivers of the day after the run
    zero: int  # of which with nothing to waive (no SMS)
    amount: Decimal  # waived on the day, in yuan
    notices: int  # SMS queued by this run
    usage_present: bool

    def as_counts(self) -> dict[str, Any]:
        """The counts the JobRun (run_birthday_waivers, day) keeps (CONV-5)."""
        return {
            "created": self.created,
            "total": self.total,
            "zero": self.zero,
            "amount": str(self.amount),
            "sms": self.notices,
            "usage_present": self.usage_present,
        }

    def summary(self) -> str:
        return waivers_summary(self.day.isoformat(), self.as_counts())


def waivers_summary(day: str, counts: Mapping[str, Any]) -> str:
    """The one-line summary of a run of SERVICE-6 for ``day`` (YYYY-MM-DD), from its counts
    (``BirthdayRun.as_counts``, as the JobRun keeps them)."""
    text = (
        f"birthday waivers {day}: {counts['created']} new, "
        f"{counts['total']} in all ({counts['zero']} zero), {counts['amount']} yuan waived, "
        f"{counts['sms']} SMS queued"
    )
    if not counts.get("usage_present", True):
        text += "; note: no usage is imported for that day yet"
    return text


def birthday_filter(day: date) -> Q:
    """SERVICE-6: birthdays on ``day``; 29 February ones on 28 February of other years."""
    condition = Q(birth_date__month=day.month, birth_date__day=day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        condition |= Q(birth_date__month=2, birth_date__day=29)
    return condition


@transaction.atomic
def birthday_waivers_run(*, day: date) -> BirthdayRun:
    """SERVICE-6 for the birthdays of ``day``: waive that day's domestic basic fees for
    active gotone lines, once per customer a year, and queue the next day's SMS.

    One INSERT … SELECT for the waivers, one for the SMS; a second run finds everything
    recorded and adds nothing. ``day`` must be over (its usage is complete the day after).
    """
    if day >= clock.today():
        raise DomainError(
            _("Birthday waivers run for a day that is over; %(day)s is not.")
            % {"day": day.isoformat()}
        )
    money = DecimalField(max_digits=12, decimal_places=2)
    waived = (
        Usage.objects.filter(customer=OuterRef("pk"), date=day, category__in=WAIVED_CATEGORIES)
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    source = (
        Customer.objects.filter(birthday_filter(day), brand=Brand.GOTONE, status=Status.ACTIVE)
        .filter(~Exists(BirthdayWaiver.objects.filter(customer=OuterRef("pk"), year=day.year)))
        .order_by()
    )
    created = insert_select(
        BirthdayWaiver,
        {
            "customer": F("id"),
            "date": Value(day),
            "year": Value(day.year),
            "amount": Coalesce(
                Subquery(waived, output_field=money), Value(Decimal("0.00")), output_field=money
            ),
            "created_at": Value(clock.now()),
        },
        source,
    )
    notices = notice_birthday_waivers(day=day)
    totals = BirthdayWaiver.objects.filter(date=day).aggregate(
        total=Count("id"), zero=Count("id", filter=Q(amount=0)), amount=Sum("amount")
    )
    return BirthdayRun(
        day=day,
        created=created,
        total=totals["total"],
        zero=totals["zero"],
        amount=Decimal(totals["amount"] or 0).quantize(Decimal("0.01")),
        notices=notices,
        usage_present=Usage.objects.filter(date=day).exists(),
    )
