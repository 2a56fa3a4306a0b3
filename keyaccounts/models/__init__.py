"""keyaccounts models (GROUP-1..4, TIER-7, KPI-1, SERVICE-8, SERVICE-14); import them from here.

The tables keep the names they had in membership (``membership_groupcustomer``, …): see
decisions.md D-HOUSE-1.
"""

from keyaccounts.models.gifts import BirthdayGift, GiftContactBy, GiftDeliveredBy, GiftStatus
from keyaccounts.models.groups import (
    CareOccasion,
    ContactChannel,
    ContactLog,
    GroupClass,
    GroupCustomer,
    GroupMember,
    KeyPerson,
    KeyPersonRank,
    KeyPersonRole,
    KpiDimension,
    KpiFigure,
    UpgradeRequest,
    UpgradeRequestEvent,
    UpgradeStatus,
)
from keyaccounts.models.notices import NoticeKind, NoticeSeen
from keyaccounts.models.personal import PersonalManager

__all__ = [
    "BirthdayGift",
    "CareOccasion",
    "ContactChannel",
    "ContactLog",
    "GiftContactBy",
    "GiftDeliveredBy",
    "GiftStatus",
    "GroupClass",
    "GroupCustomer",
    "GroupMember",
    "KeyPerson",
    "KeyPersonRank",
    "KeyPersonRole",
    "KpiDimension",
    "KpiFigure",
    "NoticeKind",
    "NoticeSeen",
    "PersonalManager",
    "UpgradeRequest",
    "UpgradeRequestEvent",
    "UpgradeStatus",
]
