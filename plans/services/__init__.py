"""Writes of the plans app: typed keyword-only services raising DomainError."""

from plans.services.effective import plans_make_effective
from plans.services.orders import (
    FirstMonthTerms,
    check_availability,
    effective_date_for,
    first_month_terms,
    subscription_cancel,
    subscription_end,
    subscription_make_effective,
    subscription_order,
    subscription_set_status,
    subscriptions_end_for_line,
)

__all__ = [
    "FirstMonthTerms",
    "check_availability",
    "effective_date_for",
    "first_month_terms",
    "plans_make_effective",
    "subscription_cancel",
    "subscription_end",
    "subscription_make_effective",
    "subscription_order",
    "subscription_set_status",
    "subscriptions_end_for_line",
]
