"""What points declares about itself: its URLs, tile and programme settings
(core/manifests.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ANY_STAFF, COUNTER, SUPERVISORS
from core.manifests import (
    declare_access,
    declare_count_labels,
    declare_permissions,
    declare_settings,
    declare_tile,
)
from core.roles import SUPERVISOR

# Everybody views a customer's points; clerks and supervisors act (the write check of
# points/access.py backs the API's POSTs).
declare_access(
    {
        "points:account": ANY_STAFF,
        "points:redemptions": ANY_STAFF,
        "points:redeem": COUNTER,
        "points:redemption_cancel": COUNTER,
        "points:redemption_fulfil": COUNTER,
        "points:transfer": COUNTER,
        "points:recipients": COUNTER,
        "points:recipient_remove": COUNTER,
        "points:overview": SUPERVISORS,
        # FIN-1: the liability's CSV export and the valuation rate, supervisors only.
        "points:liability_csv": SUPERVISORS,
        "points:valuation": SUPERVISORS,
        "api:points-account": ANY_STAFF,
        "api:points-account-entries": ANY_STAFF,
        "api:points-reward-list": ANY_STAFF,
        "api:points-reward-detail": ANY_STAFF,
        "api:points-redemption-list": ANY_STAFF,
        "api:points-redemption-detail": ANY_STAFF,
        "api:points-redemption-cancel": COUNTER,
        "api:points-redemption-fulfil": COUNTER,
        "api:points-transfer-list": ANY_STAFF,
        "api:points-transfer-detail": ANY_STAFF,
    }
)

declare_tile(
    "points:overview",
    _("Points"),
    _("Points outstanding, expiring next December, redeemed per month."),
    order=60,
)

declare_settings(
    {
        # POINTS-2: brand reward (gotone only) in percent of the month's consumption points,
        # by the effective level on the month's last day; "other" = any other gotone line.
        "POINTS_BRAND_REWARD_PERCENT": {
            "diamond": 100,
            "platinum": 90,
            "gold": 80,
            "silver": 50,
            "other": 20,
        },
        # POINTS-2: tenure reward (all brands) in percent, by whole months of tenure on the
        # month's last day: (minimum months, percent), highest first.
        "POINTS_TENURE_REWARD_PERCENT": ((60, 30), (24, 20), (12, 10)),
        # POINTS-3: easyown lines accrue from this month when registered before it (source:
        # 2012-01).
        "POINTS_EASYOWN_START": "2012-01-01",
        # POINTS-6: points earned in year Y stay valid until 31 December of Y + this many
        # years.
        "POINTS_VALID_YEARS": 2,
        # POINTS-6: points expiry on this day of December; the reminder on this day of
        # November.
        "POINTS_EXPIRY_DAY": 31,
        "POINTS_EXPIRY_REMINDER_DAY": 1,
        # POINTS-8: transfer limits (from the operator's published help).
        "POINTS_TRANSFER_MIN_TENURE_MONTHS": 6,
        "POINTS_TRANSFER_MAX_RECIPIENTS": 8,
        "POINTS_TRANSFER_MONTHLY_OUT": 20000,
        "POINTS_TRANSFER_MONTHLY_IN": 20000,
        # POINTS-4: customers per transaction in the set-based accrual and expiry batches.
        "POINTS_BATCH_CUSTOMERS": 20000,
    }
)

# Supervisors edit the reward catalogue (POINTS-7) and can see the ledger.
declare_permissions(
    {
        SUPERVISOR: (
            "points.view_rewarditem",
            "points.add_rewarditem",
            "points.change_rewarditem",
            "points.view_redemption",
            "points.view_pointsrun",
        ),
    }
)

# What the counts of each job run mean (the job pages show them in words).
declare_count_labels(
    "accrue_points",
    {
        "bills": _("bills read"),
        "customers": _("customers"),
        "accrual": _("consumption points entries"),
        "reward_brand": _("brand reward entries"),
        "reward_tenure": _("tenure reward entries"),
        "corrections": _("corrections"),
        "short": _("short of points (lots already spent)"),
        "entries": _("ledger entries written"),
        "points": _("points"),
        "chunks": _("chunks"),
    },
)
declare_count_labels("expiry_reminders", {"reminders": _("reminder SMS queued")})
declare_count_labels(
    "expire_points",
    {
        "lots": _("lots cleared"),
        "customers": _("customers"),
        "points": _("points cleared"),
        "up_to_year": _("lots earned up to the year"),
        "chunks": _("chunks"),
    },
)
