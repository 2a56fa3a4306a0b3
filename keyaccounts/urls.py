"""The pages of the account managers' world under /customers/groups/: the workspace, group
customers, members, key persons, the contact log and care calendar (GROUP-1..4), upgrade
requests (TIER-7) and KPI-1. Included in config/urls.py at the prefix ``customers/`` before
membership's URLconf, whose ``<str:msisdn>/`` would otherwise read "groups" as a number.
"""

from typing import Any

from django.urls import path

from keyaccounts.views import (
    gifts,
    group_contacts,
    group_members,
    groups,
    key_persons,
    kpi,
    notices,
    personal,
    upgrades,
    workspace,
)

app_name = "keyaccounts"

urlpatterns: list[Any] = [
    path("groups/workspace/", workspace.manager_workspace, name="manager_workspace"),
    # D-GROUP-11: the account manager's notifications.
    path("groups/notices/", notices.notices, name="notices"),
    path("groups/notices/read/", notices.notice_read, name="notice_read"),
    path("groups/notices/read-all/", notices.notice_read_all, name="notice_read_all"),
    # SERVICE-8: personal account managers of VIP customers (supervisors).
    path("groups/vip/", personal.vip_portfolio, name="vip_portfolio"),
    path("groups/vip/assign/", personal.vip_assign, name="vip_assign"),
    path("groups/vip/rebalance/", personal.vip_rebalance, name="vip_rebalance"),
    path("groups/vip/end/", personal.vip_end, name="vip_end"),
    # SERVICE-14: birthday gifts of VIP customers.
    path("groups/vip/gifts/", gifts.vip_gifts, name="vip_gifts"),
    path("groups/vip/gifts/export.csv", gifts.vip_gifts_csv, name="vip_gifts_csv"),
    path("groups/vip/gifts/<int:gift_id>/", gifts.vip_gift_detail, name="vip_gift_detail"),
    path("groups/vip/gifts/<int:gift_id>/<slug:step>/", gifts.vip_gift_step, name="vip_gift_step"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", groups.group_update, name="group_update"),
    path("groups/<int:group_id>/class/", groups.group_change_class, name="group_change_class"),
    path("groups/<int:group_id>/contacts/", group_contacts.group_contacts, name="group_contacts"),
    path(
        "groups/<int:group_id>/contacts/new/",
        group_contacts.group_contact_create,
        name="group_contact_create",
    ),
    path(
        "groups/<int:group_id>/members/new/",
        group_members.group_member_add,
        name="group_member_add",
    ),
    path(
        "groups/<int:group_id>/members/<int:member_id>/remove/",
        group_members.group_member_remove,
        name="group_member_remove",
    ),
    path(
        "groups/<int:group_id>/key-persons/new/",
        key_persons.key_person_create,
        name="key_person_create",
    ),
    path(
        "groups/key-persons/<int:key_person_id>/",
        key_persons.key_person_detail,
        name="key_person_detail",
    ),
    path(
        "groups/key-persons/<int:key_person_id>/edit/",
        key_persons.key_person_update,
        name="key_person_update",
    ),
    path(
        "groups/key-persons/<int:key_person_id>/remove/",
        key_persons.key_person_remove,
        name="key_person_remove",
    ),
    path(
        "groups/key-persons/<int:key_person_id>/contacts/new/",
        group_contacts.key_person_contact_create,
        name="key_person_contact_create",
    ),
    path(
        "groups/key-persons/<int:key_person_id>/upgrade/",
        upgrades.upgrade_create,
        name="upgrade_create",
    ),
    path("groups/upgrades/", upgrades.upgrade_list, name="upgrade_list"),
    path("groups/upgrades/inbox/", upgrades.upgrade_inbox, name="upgrade_inbox"),
    path("groups/upgrades/<int:request_id>/", upgrades.upgrade_detail, name="upgrade_detail"),
    path(
        "groups/upgrades/<int:request_id>/approve/",
        upgrades.upgrade_approve,
        name="upgrade_approve",
    ),
    path(
        "groups/upgrades/<int:request_id>/reject/", upgrades.upgrade_reject, name="upgrade_reject"
    ),
    path(
        "groups/upgrades/<int:request_id>/withdraw/",
        upgrades.upgrade_withdraw,
        name="upgrade_withdraw",
    ),
    path("groups/kpi/", kpi.kpi_view, name="kpi_report"),
    path("groups/kpi/store/", kpi.kpi_store, name="kpi_store"),
]
