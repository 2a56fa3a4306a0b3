"""What keyaccounts declares about itself: its URLs, navigation, tiles, the account
managers' workspace, the permissions on its models and its programme settings
(core/manifests.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ACCOUNTS, SUPERVISORS
from core.manifests import (
    declare_access,
    declare_count_labels,
    declare_navigation,
    declare_permissions,
    declare_settings,
    declare_tile,
    declare_workspace,
)
from core.roles import MANAGER, SUPERVISOR

declare_access(
    {
        # Groups, key persons, contacts, care calendar (GROUP-1..4), upgrades (TIER-7),
        # KPI-1. Which group a user may see is object-level: keyaccounts/access.py
        # (managers: their own; supervisors: all).
        "keyaccounts:manager_workspace": ACCOUNTS,
        # D-GROUP-11: notifications are a manager's own (a supervisor's list is empty).
        "keyaccounts:notices": ACCOUNTS,
        "keyaccounts:notice_read": ACCOUNTS,
        "keyaccounts:notice_read_all": ACCOUNTS,
        "keyaccounts:group_list": ACCOUNTS,
        "keyaccounts:group_create": SUPERVISORS,
        "keyaccounts:group_detail": ACCOUNTS,
        "keyaccounts:group_update": SUPERVISORS,
        "keyaccounts:group_change_class": SUPERVISORS,
        "keyaccounts:group_contacts": ACCOUNTS,
        "keyaccounts:group_contact_create": ACCOUNTS,
        "keyaccounts:group_member_add": ACCOUNTS,
        "keyaccounts:group_member_remove": ACCOUNTS,
        "keyaccounts:key_person_create": ACCOUNTS,
        "keyaccounts:key_person_detail": ACCOUNTS,
        "keyaccounts:key_person_update": ACCOUNTS,
        "keyaccounts:key_person_remove": ACCOUNTS,
        "keyaccounts:key_person_contact_create": ACCOUNTS,
        "keyaccounts:upgrade_create": ACCOUNTS,
        "keyaccounts:upgrade_list": ACCOUNTS,
        "keyaccounts:upgrade_inbox": SUPERVISORS,
        "keyaccounts:upgrade_detail": ACCOUNTS,
        "keyaccounts:upgrade_approve": SUPERVISORS,
        "keyaccounts:upgrade_reject": SUPERVISORS,
        "keyaccounts:upgrade_withdraw": ACCOUNTS,
        "keyaccounts:kpi_report": SUPERVISORS,
        "keyaccounts:kpi_store": SUPERVISORS,
        # SERVICE-8: personal account managers; managers see their own personal customers
        # on their workspace (keyaccounts/access.py).
        "keyaccounts:vip_portfolio": SUPERVISORS,
        "keyaccounts:vip_assign": SUPERVISORS,
        "keyaccounts:vip_rebalance": SUPERVISORS,
        "keyaccounts:vip_end": SUPERVISORS,
        # SERVICE-14: birthday gifts; a manager sees their personal customers' gifts only
        # (keyaccounts/access.py), the list and its export are the supervisors'.
        "keyaccounts:vip_gifts": SUPERVISORS,
        "keyaccounts:vip_gifts_csv": SUPERVISORS,
        "keyaccounts:vip_gift_detail": ACCOUNTS,
        "keyaccounts:vip_gift_step": ACCOUNTS,
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

declare_workspace(MANAGER, "keyaccounts:manager_workspace")
declare_navigation("keyaccounts:manager_workspace", _("Accounts"), order=40)
declare_navigation("keyaccounts:upgrade_inbox", _("Approvals"), order=50)
declare_navigation("keyaccounts:kpi_report", _("KPI"), order=60)
declare_tile(
    "keyaccounts:upgrade_inbox",
    _("Approvals"),
    _("VIP upgrade requests waiting for a decision."),
    order=10,
)
declare_tile(
    "keyaccounts:kpi_report",
    _("KPI"),
    _("Mid-high-end customers and snapshot retention by region and manager."),
    order=50,
)

declare_settings(
    {
        # GROUP-3: contacts 联系人 per group ("one or two"; one more with an IT centre).
        "GROUP_CONTACTS_MAX": 2,
        # GROUP-4: "no contact for N days" flags a key person; N by group class.
        "NO_CONTACT_DAYS": {"A": 30, "B": 60, "C": 60, "D": 60},
        # GROUP-4 care calendar lead times (days before the birthday / holiday it shows up).
        "CARE_BIRTHDAY_DAYS_AHEAD": 7,
        # GROUP-4 and SERVICE-14: the gift 3 days before the birthday (the source's number).
        "CARE_BIRTHDAY_GIFT_DAYS_BEFORE": 3,
        "CARE_GREETING_DAYS_AHEAD": 7,
        "CARE_FOLLOW_UP_DAYS_AHEAD": 3,
        # TIER-7: a request pending more than this many working days is overdue.
        "UPGRADE_DECISION_WORKING_DAYS": 3,
        # D-GROUP-11: a decided upgrade request stays among the requester's unread
        # notifications for this many days (ours; the source gives no number).
        "NOTICE_DECIDED_DAYS": 30,
    }
)

declare_permissions(
    {
        # The pages and API do the writing, through the services.
        MANAGER: (
            "keyaccounts.view_groupcustomer",
            "keyaccounts.view_keyperson",
            "keyaccounts.view_groupmember",
            "keyaccounts.view_contactlog",
            "keyaccounts.view_upgraderequest",
        ),
        # View only in the admin: a class, role or rank changed there would bypass the
        # TIER-6 re-grant, so changes go through the group pages.
        SUPERVISOR: (
            "keyaccounts.view_groupcustomer",
            "keyaccounts.view_keyperson",
            "keyaccounts.view_groupmember",
            "keyaccounts.view_contactlog",
            "keyaccounts.view_upgraderequest",
            "keyaccounts.view_upgraderequestevent",
            "keyaccounts.view_kpifigure",
        ),
    }
)

# What the counts of each job run mean (the job pages show them in words).
declare_count_labels(
    "kpi_snapshot",
    {
        "month": _("month"),
        "created": _("figures created"),
        "updated": _("figures updated"),
        "unchanged": _("figures unchanged"),
        "removed": _("figures removed"),
    },
)
declare_count_labels(
    "birthday_reminders",
    {"birthdays": _("birthdays"), "per_manager": _("per account manager (user number)")},
)
declare_count_labels("holiday_greetings", {"greetings": _("greetings queued")})
declare_count_labels("overdue_approvals", {"overdue": _("overdue approvals")})
declare_count_labels("vip_birthday_gifts", {"day": _("day"), "opened": _("birthday gifts opened")})
