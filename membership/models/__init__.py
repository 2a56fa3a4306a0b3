"""membership models, one module per topic; import them from here."""

from membership.models.customers import (
    Bill,
    Brand,
    CreditRating,
    Customer,
    CustomerEvent,
    SnapshotList,
    SnapshotMember,
    Status,
    StatusChange,
    SuspensionReason,
    Usage,
    UsageCategory,
)
from membership.models.identity import IdentityCheck, IdentityResult
from membership.models.imports import ImportFeed, ImportRun, ImportRunEvent
from membership.models.levels import (
    LEVEL_RANK,
    RANK_LEVEL,
    GrantEvent,
    GrantSource,
    Level,
    LevelGrant,
    RatingRun,
)

__all__ = [
    "LEVEL_RANK",
    "RANK_LEVEL",
    "Bill",
    "Brand",
    "CreditRating",
    "Customer",
    "CustomerEvent",
    "GrantEvent",
    "GrantSource",
    "IdentityCheck",
    "IdentityResult",
    "ImportFeed",
    "ImportRun",
    "ImportRunEvent",
    "Level",
    "LevelGrant",
    "RatingRun",
    "SnapshotList",
    "SnapshotMember",
    "Status",
    "StatusChange",
    "SuspensionReason",
    "Usage",
    "UsageCategory",
]
