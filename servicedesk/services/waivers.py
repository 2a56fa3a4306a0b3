"""SERVICE-6: the birthday waiver job, set-based and safe to run twice (CONV-5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.programme import programme
from core.sql import insert_select
from membership.models import Brand, Customer, Status, Usage, UsageCategory
from membership.selectors.birthdays import birthday_filter  # SERVICE-6, shared with SERVICE-14
from servicedesk.models import BirthdayWaiver, BirthdayWaiverCorrection
from servicedesk.services.notices import notice_birthday_final_amounts, notice_birthday_waivers

# SERVICE-6: the domestic basic communication fees; not hmt, international, premium,
# call forwarding or other.
WAIVED_CATEGORIES = (
    UsageCategory.DOMESTIC_VOICE,
    UsageCategory.DOMESTIC_DATA,
    UsageCategory.DOMESTIC_SMS,
)


MONEY = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class BirthdayRun:
    day: date
    created: int  # waivers recorded by this run
    total: int  # waivers of the day after the run
    zero: int  # of which with nothing to waive (no SMS)
    amount: Decimal  # waived on the day, in yuan
    notices: int  # SMS queued by this run: next-day ones and final amounts
    usage_present: bool
    corrections: int = 0  # waivers of the lookback window topped up by this run (D-DESK-12)
    topped_up: Decimal = Decimal("0.00")  # what those corrections added, in yuan
    final_notices: int = 0  # of the SMS, those with a final amount (D-DESK-12)

    def as_counts(self) -> dict[str, Any]:
        """The counts the JobRun (run_birthday_waivers, day) keeps (CONV-5)."""
        return {
            "created": self.created,
            "total": self.total,
            "zero": self.zero,
            "amount": str(self.amount),
            "sms": self.notices,
            "usage_present": self.usage_present,
            "corrections": self.corrections,
            "topped_up": str(self.topped_up),
            "final_sms": self.final_notices,
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
    if counts.get("corrections", 0):  # D-DESK-12: only when late usage was topped up
        text += f"; {counts['corrections']} topped up for late usage, +{counts['topped_up']} yuan"
    if not counts.get("usage_present", True):
        text += "; note: no usage is imported for that day yet"
    return text


def lookback_days() -> int:
    """D-DESK-12: how many days after the birthday its late usage is still waived."""
    return max(int(programme("BIRTHDAY_WAIVER_LOOKBACK_DAYS")), 0)


def waivable(customer: Any, day: Any) -> Coalesce:
    """SERVICE-6: the domestic basic fees of ``customer`` on ``day`` (expressions, e.g.
    OuterRefs), rounded to the fen in SQL so that SQLite's float sums compare exactly."""
    fees = (
        Usage.objects.filter(customer=customer, date=day, category__in=WAIVED_CATEGORIES)
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Round(Subquery(fees, output_field=MONEY), 2, output_field=MONEY),
        Value(Decimal("0.00")),
        output_field=MONEY,
    )


def _top_up(*, day: date, first: date) -> tuple[int, Decimal]:
    """D-DESK-12: the waivers of ``first`` … ``day`` whose day's fees grew since they were
    worked out (usage the feed delivered late) get a correction for the difference, and
    their amount becomes the new total. Two statements: an INSERT … SELECT books the
    corrections, an UPDATE moves each waiver to the amount after of its correction not
    applied yet (the one whose amount before is the waiver's amount). Never
    less: a day's fees that shrank (a re-imported usage row) leave the waiver as it is.

    Returns how many corrections were booked and what they added, in yuan."""
    before = BirthdayWaiverCorrection.objects.aggregate(last=Max("id"))["last"] or 0
    window = BirthdayWaiver.objects.filter(date__gte=first, date__lte=day)
    late = (
        window.annotate(waivable=waivable(OuterRef("customer_id"), OuterRef("date")))
        .annotate(added=Round(F("waivable") - F("amount"), 2, output_field=MONEY))
        .filter(added__gt=0)
        .order_by()
    )
    booked = insert_select(
        BirthdayWaiverCorrection,
        {
            "waiver": F("id"),
            "amount": F("added"),
            "amount_before": F("amount"),
            "amount_after": F("waivable"),
            "run_day": Value(day),
            "created_at": Value(clock.now()),
        },
        late,
    )
    tip = BirthdayWaiverCorrection.objects.filter(
        waiver=OuterRef("pk"), amount_before=OuterRef("amount")
    )
    window.filter(Exists(tip)).update(
        amount=Subquery(tip.values("amount_after")[:1], output_field=MONEY)
    )
    if not booked:
        return 0, Decimal("0.00")
    added = BirthdayWaiverCorrection.objects.filter(
        id__gt=before, run_day=day, waiver__date__gte=first
    ).aggregate(added=Sum("amount"))["added"]
    return booked, _yuan(added)


@transaction.atomic
def birthday_waivers_run(*, day: date) -> BirthdayRun:
    """SERVICE-6 for the birthdays of ``day``: waive that day's domestic basic fees for
    active gotone lines, once per customer a year, and queue the next day's SMS; top up the
    waivers of the BIRTHDAY_WAIVER_LOOKBACK_DAYS days before with the usage that arrived
    late; for the waivers whose lookback this run closes, one more SMS with the final
    amount where a top-up changed it (D-DESK-12).

    One INSERT … SELECT for the waivers, one for the corrections and an UPDATE for their
    amounts, one INSERT … SELECT for each kind of SMS, in one transaction; a second run
    finds everything recorded and adds nothing. ``day`` must be over.
    """
    if day >= clock.today():
        raise DomainError(
            _("Birthday waivers run for a day that is over; %(day)s is not.")
            % {"day": day.isoformat()}
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
            "amount": waivable(OuterRef("id"), day),
            "created_at": Value(clock.now()),
        },
        source,
    )
    lookback = lookback_days()
    first = day - timedelta(days=lookback)
    corrections, topped_up = _top_up(day=day, first=first)
    notices = notice_birthday_waivers(day=day)  # the next day, with the amount known now
    # The lookback of a birthday D is over once the run for D + lookback is done: that run
    # (or a later run by hand of a day whose lookback covers D) sends D's final amount.
    closed = min(day, clock.today() - timedelta(days=lookback + 1))
    finals = notice_birthday_final_amounts(first=first, last=closed) if closed >= first else 0
    totals = BirthdayWaiver.objects.filter(date=day).aggregate(
        total=Count("id"), zero=Count("id", filter=Q(amount=0)), amount=Sum("amount")
    )
    return BirthdayRun(
        day=day,
        created=created,
        total=totals["total"],
        zero=totals["zero"],
        amount=_yuan(totals["amount"]),
        notices=notices + finals,
        usage_present=Usage.objects.filter(date=day).exists(),
        corrections=corrections,
        topped_up=topped_up,
        final_notices=finals,
    )


def _yuan(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))
