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
    Channel,
    FirstMonthOption,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)

__all__ = [
    "PENDING",
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
