"""What membership declares about itself: its URLs, navigation, tiles, workspaces and
programme settings (core/manifests.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ACCOUNTS, ANY_STAFF, COUNTER, SUPERVISORS
from core.manifests import (
    declare_access,
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
        "membership:rating_runs": SUPERVISORS,
        "membership:rating_preview": SUPERVISORS,
        "membership:rating_commit": SUPERVISORS,
        "api:customer-list": ANY_STAFF,
        "api:customer-detail": ANY_STAFF,
        # Life cycle and credit (D-CUST-7: a cross-region move is a supervisor's act).
        "membership:customer_status": COUNTER,
        "membership:customer_transfer": COUNTER,
        "membership:customer_number": COUNTER,
        "membership:customer_move": SUPERVISORS,
        "membership:customer_credit": ANY_STAFF,
        "api:customer-credit": ANY_STAFF,
        # Billing feeds (CUST-9): uploading a feed is a supervisor's act.
        "membership:import_upload": SUPERVISORS,
        "membership:import_run_detail": SUPERVISORS,
        "membership:import_run_again": SUPERVISORS,
        "membership:import_run_apply": SUPERVISORS,
        "membership:import_run_progress": SUPERVISORS,
        # --- the account managers' world (GROUP-1..4, TIER-7, KPI-1) ---
        # Which group a user may see is object-level: membership/access_groups.py
        # (managers: their own; supervisors: all).
        "membership:manager_workspace": ACCOUNTS,
        "membership:group_list": ACCOUNTS,
        "membership:group_create": SUPERVISORS,
        "membership:group_detail": ACCOUNTS,
        "membership:group_update": SUPERVISORS,
        "membership:group_change_class": SUPERVISORS,
        "membership:group_contacts": ACCOUNTS,
        "membership:group_contact_create": ACCOUNTS,
        "membership:group_member_add": ACCOUNTS,
        "membership:group_member_remove": ACCOUNTS,
        "membership:key_person_create": ACCOUNTS,
        "membership:key_person_detail": ACCOUNTS,
        "membership:key_person_update": ACCOUNTS,
        "membership:key_person_remove": ACCOUNTS,
        "membership:key_person_contact_create": ACCOUNTS,
        "membership:upgrade_create": ACCOUNTS,
        "membership:upgrade_list": ACCOUNTS,
        "membership:upgrade_inbox": SUPERVISORS,
        "membership:upgrade_detail": ACCOUNTS,
        "membership:upgrade_approve": SUPERVISORS,
        "membership:upgrade_reject": SUPERVISORS,
        "membership:upgrade_withdraw": ACCOUNTS,
        "membership:kpi_report": SUPERVISORS,
        "membership:kpi_store": SUPERVISORS,
        "api:group-list": ACCOUNTS,
        "api:group-detail": ACCOUNTS,
        "api:key-person-list": ACCOUNTS,
        "api:key-person-detail": ACCOUNTS,
        "api:contact-log-list": ACCOUNTS,
        "api:contact-log-detail": ACCOUNTS,
        "api:upgrade-request-list": ACCOUNTS,
        "api:upgrade-request-detail": ACCOUNTS,
        "api:upgrade-request-approve": SUPERVISORS,
        "api:upgrade-request-reject": SUPERVISORS,
        "api:upgrade-request-withdraw": ACCOUNTS,
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
# --- the account managers' world ---
declare_workspace(MANAGER, "membership:manager_workspace")
declare_navigation("membership:manager_workspace", _("Accounts"), order=40)
declare_navigation("membership:upgrade_inbox", _("Approvals"), order=50)
declare_navigation("membership:kpi_report", _("KPI"), order=60)
declare_tile(
    "membership:upgrade_inbox",
    _("Approvals"),
    _("VIP upgrade requests waiting for a decision."),
    order=10,
)
declare_tile(
    "membership:kpi_report",
    _("KPI"),
    _("Mid-high-end customers and snapshot retention by region and manager."),
    order=50,
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
        # CUST-9 / D-IMPORT-6: hours a dry run that passed keeps its file for "Import this
        # file".
        "IMPORT_CHECKED_FILE_HOURS": 24,
        # --- the account managers' world (GROUP-3/4, TIER-7) ---
        # GROUP-3: contacts 联系人 per group ("one or two"; one more with an IT centre).
        "GROUP_CONTACTS_MAX": 2,
        # GROUP-4: "no contact for N days" flags a key person; N by group class.
        "NO_CONTACT_DAYS": {"A": 30, "B": 60, "C": 60, "D": 60},
        # GROUP-4 care calendar lead times (days before the birthday / holiday it shows up).
        "CARE_BIRTHDAY_DAYS_AHEAD": 7,
        "CARE_BIRTHDAY_GIFT_DAYS_BEFORE": 3,  # SERVICE-2: the gift 3 days before the birthday
        "CARE_GREETING_DAYS_AHEAD": 7,
        "CARE_FOLLOW_UP_DAYS_AHEAD": 3,
        # TIER-7: a request pending more than this many working days is overdue.
        "UPGRADE_DECISION_WORKING_DAYS": 3,
    }
)

declare_permissions(
    {
        CLERK: ("membership.view_customer", "membership.view_bill"),
        MANAGER: (
            "membership.view_customer",
            # --- the account managers' world: the pages and API do the writing, through
            # the services ---
            "membership.view_groupcustomer",
            "membership.view_keyperson",
            "membership.view_groupmember",
            "membership.view_contactlog",
            "membership.view_upgraderequest",
        ),
        SUPERVISOR: (
            "membership.view_customer",
            "membership.change_customer",
            "membership.view_bill",
            # --- the account managers' world: view only in the admin; a class, role or rank
            # changed there would bypass the TIER-6 re-grant, so changes go through the group
            # pages ---
            "membership.view_groupcustomer",
            "membership.view_keyperson",
            "membership.view_groupmember",
            "membership.view_contactlog",
            "membership.view_upgraderequest",
            "membership.view_upgraderequestevent",
            "membership.view_kpifigure",
        ),
    }
)
