"""plans models, one module per topic; import them from here."""

from plans.models.catalogue import (
    Availability,
    BundledService,
    DesignatedStore,
    FamilyAvailability,
    Plan,
    PlanFamily,
)
from plans.models.subscriptions import (
    PENDING,
    TRANSITIONS,
    Channel,
    FirstMonthOption,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)

__all__ = [
    "PENDING",
    "TRANSITIONS",
    "Availability",
    "BundledService",
    "Channel",
    "DesignatedStore",
    "FamilyAvailability",
    "FirstMonthOption",
    "Plan",
    "PlanFamily",
    "Subscription",
    "SubscriptionEvent",
    "SubscriptionStatus",
]
