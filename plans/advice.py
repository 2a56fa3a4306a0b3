"""PLAN-7 plan advice: what each plan open to a customer would have cost them a month, on
the usage of their last full months (billing feed, CUST-9), cheapest first.

Method (D-PLANS-6). The billing feed gives yuan per day and category, not minutes or
megabytes, so the monthly average is converted at the standard rates the source uses to
value usage against a plan fee (programme PLAN_ADVICE_VOICE_RATE, PLAN_ADVICE_DATA_RATE_PER_KB):

    minutes  = domestic_voice yuan ÷ voice rate        (whole minutes, half up)
    data KB  = domestic_data yuan ÷ data rate per KB   (whole KB, half up)
    cost     = monthly fee
             + max(0, minutes − included minutes) × the plan's voice overage rate
             + max(0, data KB − included MB × 1024) × the plan's data overage rate per KB
             + everything a plan does not cover, as billed (PLAN-3: SMS, Hong Kong/Macau/
               Taiwan, international, premium-rate, call forwarding, other)

Every amount is rounded to the fen (half up).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Sum

from core.dates import add_months, month_start
from core.programme import programme
from membership.models import Bill, Customer, Usage, UsageCategory
from plans.models import Availability, Plan
from plans.selectors import (
    availability_map,
    current_subscription,
    is_new_customer,
    plan_catalogue,
)

CENT = Decimal("0.01")
KB_PER_MB = 1024
# PLAN-3: the included minutes and data cover these; everything else is paid as billed.
COVERED = (UsageCategory.DOMESTIC_VOICE, UsageCategory.DOMESTIC_DATA)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class UsageProfile:
    """A customer's average month over the advice window."""

    first_month: date
    last_month: date
    months: int  # months of the window counted (those on or after the join month)
    voice_yuan: Decimal
    data_yuan: Decimal
    uncovered: dict[str, Decimal]  # category → yuan a month, as billed
    voice_rate: Decimal
    data_rate_per_kb: Decimal
    minutes: int
    data_kb: int
    average_bill: Decimal | None
    has_usage: bool

    @property
    def uncovered_total(self) -> Decimal:
        return _money(sum(self.uncovered.values(), Decimal("0")))

    @property
    def uncovered_lines(self) -> list[tuple[str, Decimal]]:
        """(category label, yuan a month), for the screen."""
        return [(str(UsageCategory(cat).label), amount) for cat, amount in self.uncovered.items()]

    @property
    def data_mb(self) -> Decimal:
        return (Decimal(self.data_kb) / KB_PER_MB).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class PlanEstimate:
    """PLAN-7: one plan's estimated monthly cost, with every term of the sum."""

    plan: Plan
    availability: str
    fee: Decimal
    minutes_over: int
    voice_overage: Decimal
    data_kb_over: int
    data_overage: Decimal
    uncovered: Decimal
    total: Decimal
    current: bool = False

    @property
    def included_kb(self) -> int:
        return self.plan.included_data_mb * KB_PER_MB


@dataclass(frozen=True)
class Advice:
    customer: Customer
    on: date
    profile: UsageProfile
    estimates: list[PlanEstimate] = field(default_factory=list)
    new_customer: bool = False


def usage_profile(customer: Customer, on: date) -> UsageProfile:
    """The average month of the last PLAN_ADVICE_MONTHS full months before ``on``'s month.

    Months before the customer joined are not counted (a customer who joined last month
    is averaged over one month); at least one month is always counted.
    """
    window = int(programme("PLAN_ADVICE_MONTHS"))
    end = month_start(on)  # exclusive
    start = add_months(end, -window)
    joined = month_start(customer.joined_on)
    counted = max(1, min(window, (end.year - joined.year) * 12 + end.month - joined.month))
    sums = dict(
        Usage.objects.filter(customer=customer, date__gte=start, date__lt=end)
        .values("category")
        .annotate(total=Sum("amount"))
        .values_list("category", "total")
    )
    per_month = {cat: _money(Decimal(total) / counted) for cat, total in sums.items()}
    voice_rate = Decimal(str(programme("PLAN_ADVICE_VOICE_RATE")))
    data_rate = Decimal(str(programme("PLAN_ADVICE_DATA_RATE_PER_KB")))
    voice = per_month.get(UsageCategory.DOMESTIC_VOICE, Decimal("0.00"))
    data = per_month.get(UsageCategory.DOMESTIC_DATA, Decimal("0.00"))
    uncovered = {
        cat: per_month[cat] for cat in UsageCategory.values if cat not in COVERED and cat in sums
    }
    bill = Bill.objects.filter(customer=customer, month__gte=start, month__lt=end).aggregate(
        avg=Avg("total")
    )["avg"]
    return UsageProfile(
        first_month=start,
        last_month=add_months(end, -1),
        months=counted,
        voice_yuan=voice,
        data_yuan=data,
        uncovered=uncovered,
        voice_rate=voice_rate,
        data_rate_per_kb=data_rate,
        minutes=_whole(voice / voice_rate),
        data_kb=_whole(data / data_rate),
        average_bill=_money(Decimal(bill)) if bill is not None else None,
        has_usage=bool(sums),
    )


def plan_estimate(
    plan: Plan, profile: UsageProfile, *, availability: str = Availability.OPEN
) -> PlanEstimate:
    """PLAN-7: the monthly cost of ``plan`` for the usage in ``profile``."""
    minutes_over = max(0, profile.minutes - plan.included_minutes)
    data_kb_over = max(0, profile.data_kb - plan.included_data_mb * KB_PER_MB)
    fee = _money(plan.monthly_fee)
    voice_overage = _money(minutes_over * plan.voice_overage_rate)
    data_overage = _money(data_kb_over * plan.data_overage_rate_per_kb)
    uncovered = profile.uncovered_total
    return PlanEstimate(
        plan=plan,
        availability=availability,
        fee=fee,
        minutes_over=minutes_over,
        voice_overage=voice_overage,
        data_kb_over=data_kb_over,
        data_overage=data_overage,
        uncovered=uncovered,
        total=fee + voice_overage + data_overage + uncovered,
    )


def plan_advice(*, customer: Customer, on: date) -> Advice:
    """PLAN-7: every offered plan not closed in the customer's city, cheapest first."""
    profile = usage_profile(customer, on)
    states = availability_map(customer.city)
    current = current_subscription(customer)
    estimates = [
        plan_estimate(plan, profile, availability=states.get(plan.family_id, Availability.OPEN))
        for plan in plan_catalogue(offered_only=True)
        if states.get(plan.family_id, Availability.OPEN) != Availability.CLOSED
    ]
    if current is not None:
        estimates = [replace(e, current=e.plan.pk == current.plan_id) for e in estimates]
    estimates.sort(key=lambda e: (e.total, e.fee, e.plan.code))
    return Advice(
        customer=customer,
        on=on,
        profile=profile,
        estimates=estimates,
        new_customer=is_new_customer(customer, on),
    )
