"""What membership declares about itself: its URLs, navigation, tiles, workspaces and
programme settings (core/manifests.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ANY_STAFF, COUNTER, SUPERVISORS
from core.manifests import (
    declare_access,
    declare_count_labels,
    declare_navigation,
    declare_permissions,
    declare_settings,
    declare_tile,
    declare_workspace,
)
from core.roles import CLERK, MANAGER, SUPERVISOR

declare_access(
    {
        # Customers, levels, rating.
        "membership:lookup": COUNTER,
        "membership:customer_card": ANY_STAFF,
        # CUST-10: checking an ID number is the counter's act.
        "membership:customer_identity_check": COUNTER,
        "membership:rating_runs": SUPERVISORS,
        "membership:rating_preview": SUPERVISORS,
        "membership:rating_commit": SUPERVISORS,
        "membership:rating_changes": SUPERVISORS,
        "api:customer-list": ANY_STAFF,
        "api:customer-detail": ANY_STAFF,
        # Life cycle and credit (D-CUST-7: a cross-region move is a supervisor's act).
        "membership:customer_status": COUNTER,
        "membership:customer_transfer": COUNTER,
        "membership:customer_number": COUNTER,
        "membership:customer_move": SUPERVISORS,
        "membership:customer_credit": ANY_STAFF,
        "api:customer-credit": ANY_STAFF,
        # CUST-11: the member timeline, seen like the card.
        "membership:customer_timeline": ANY_STAFF,
        # Billing feeds (CUST-9): uploading a feed is a supervisor's act.
        "membership:import_upload": SUPERVISORS,
        "membership:import_run_detail": SUPERVISORS,
        "membership:import_run_again": SUPERVISORS,
        "membership:import_run_apply": SUPERVISORS,
        "membership:import_run_progress": SUPERVISORS,
        # CUST-5 / KPI-1: the snapshot lists 拍照中高端 are taken by supervisors.
        "membership:snapshot_list": SUPERVISORS,
        "membership:snapshot_take": SUPERVISORS,
        "membership:snapshot_members_csv": SUPERVISORS,
    }
)

declare_workspace(CLERK, "membership:lookup")
declare_navigation("membership:lookup", _("Counter"), order=10)
declare_tile(
    "membership:rating_runs",
    _("Annual rating"),
    _("Preview and commit the rating; history of runs."),
    order=20,
)
declare_tile(
    "membership:import_upload",
    _("Billing feeds"),
    _("Import customers, bills and usage."),
    order=70,
)
declare_tile(
    "membership:snapshot_list",
    _("Snapshot lists"),
    _("Take the snapshot of mid-high-end customers that KPI-1 retention is measured against."),
    order=25,
)
declare_settings(
    {
        # TIER-3: annual score thresholds (diamond from the source, the rest Defaults).
        "ANNUAL_THRESHOLDS": {
            "diamond": 4000,
            "platinum": 3000,
            "gold": 2000,
            "silver": 1000,
            "guest": 500,
        },
        # TIER-3: tenure score by whole years of tenure on 31 December.
        "TENURE_SCORE": ((10, 300), (3, 200), (1, 100)),
        # TIER-4: the annual rating runs on this day of January.
        "ANNUAL_RATING_DAY": 15,
        # TIER-11 / TIER-3: which level policy rates customers: "gotone_annual" or
        # "rolling_average".
        "RATING_POLICY": "gotone_annual",
        # TIER-11: rolling-average thresholds on the mean bill of the last 6 months (mobile
        # lines).
        "ROLLING_THRESHOLDS": {"diamond": 450, "gold": 300, "silver": 150},
        "ROLLING_MONTHS": 6,
        "ROLLING_VALID_MONTHS": 12,
        "ROLLING_END_DAY": 8,
        # CREDIT-3: months in the average spend window; CREDIT-4: months of suspensions
        # counted.
        "CREDIT_SPEND_MONTHS": 6,
        "CREDIT_SUSPENSION_MONTHS": 12,
        "CREDIT_SUSPENSION_PENALTY": 100,
        # CUST-5: an existing customer spending at least this much a month (mean of the last
        # SEGMENT_SPEND_MONTHS bills) is a "≥ 50 yuan" customer.
        "SEGMENT_SPEND_THRESHOLD": 50,
        "SEGMENT_SPEND_MONTHS": 3,
        # CUST-5 / D-CUST-12: a new snapshot list holds the active lines without a full VIP
        # level whose mean bill of the last SNAPSHOT_SPEND_MONTHS full months reaches
        # SNAPSHOT_ORDINARY_SPEND yuan; important from SNAPSHOT_IMPORTANT_SPEND yuan.
        "SNAPSHOT_ORDINARY_SPEND": 100,
        "SNAPSHOT_IMPORTANT_SPEND": 300,
        "SNAPSHOT_SPEND_MONTHS": 3,
        # CUST-9 / D-IMPORT-6: hours a dry run that passed keeps its file for "Import this
        # file".
        "IMPORT_CHECKED_FILE_HOURS": 24,
        # D-CUST-9: the counter's search box — a name is a prefix of at least this many
        # characters, and at most this many customers are listed for it.
        "NAME_SEARCH_MIN_CHARS": 2,
        "NAME_SEARCH_MAX_RESULTS": 100,
        # D-CUST-9: how many recent customers the lookup page lists per user.
        "RECENT_CUSTOMERS": 10,
        # CUST-10 / D-CUST-10: mismatches of the ID number check per customer and day
        # after which further checks that day are refused.
        "IDENTITY_CHECK_MAX_MISMATCHES": 5,
        # CUST-11 / D-CUST-11: entries per page of the member timeline, and how many of the
        # newest the customer card shows.
        "TIMELINE_PAGE_SIZE": 25,
        "TIMELINE_CARD_ENTRIES": 5,
    }
)

declare_permissions(
    {
        CLERK: ("membership.view_customer", "membership.view_bill"),
        MANAGER: ("membership.view_customer",),
        SUPERVISOR: (
            "membership.view_customer",
            "membership.change_customer",
            "membership.view_bill",
            "membership.view_identitycheck",  # CUST-10: the audit of identity checks
        ),
    }
)

# What the counts of each job run mean (the job pages show them in words).
declare_count_labels(
    "rate_credit",
    {
        "month": _("month"),
        "rated": _("lines rated"),
        "changed": _("ratings changed"),
        "removed": _("ratings removed"),
        "stars": _("lines per star rating"),
        "stars.5": _("5 stars:"),
        "stars.4": _("4 stars:"),
        "stars.3": _("3 stars:"),
        "stars.2": _("2 stars:"),
        "stars.1": _("1 star:"),
        "stars.0": _("no star:"),
        "chunks": _("chunks"),
    },
)
declare_count_labels(
    "rate_annual_preview",
    {
        "rated": _("lines rated"),
        "per_level": _("lines per level"),
        "per_level.diamond": _("diamond:"),
        "per_level.platinum": _("platinum:"),
        "per_level.gold": _("gold:"),
        "per_level.silver": _("silver:"),
        "per_level.guest": _("guest:"),
        "per_level.none": _("not VIP:"),
        "upgrades": _("upgrades"),
        "downgrades": _("downgrades"),
        "valid_from": _("grants valid from"),
        "valid_until": _("grants valid until"),
    },
)
declare_count_labels("import_files_cleanup", {"deleted": _("files deleted")})
