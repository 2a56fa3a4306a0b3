from typing import Any

from django.urls import path

from membership.views import (
    credit,
    customers,
    group_contacts,
    group_members,
    groups,
    imports,
    key_persons,
    kpi,
    lifecycle,
    rating,
    upgrades,
    workspace,
)

app_name = "membership"

group_urlpatterns: list[Any] = [
    path("groups/workspace/", workspace.manager_workspace, name="manager_workspace"),
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

urlpatterns: list[Any] = [
    path("", customers.lookup, name="lookup"),
    path("rating/", rating.rating_runs, name="rating_runs"),
    path("rating/preview/", rating.rating_preview, name="rating_preview"),
    path("rating/commit/", rating.rating_commit, name="rating_commit"),
    # billing feeds upload (CUST-9); before the catch-all "<msisdn>/"
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_run_detail, name="import_run_detail"),
    path("imports/<int:pk>/again/", imports.import_run_again, name="import_run_again"),
    path("imports/<int:pk>/import/", imports.import_run_apply_view, name="import_run_apply"),
    path("imports/<int:pk>/progress.json", imports.import_run_progress, name="import_run_progress"),
    # groups, key persons, contact log, care calendar (GROUP-1..4), upgrades (TIER-7), KPI-1;
    # before "<str:msisdn>/" so that "groups/…" is never read as a phone number.
    *group_urlpatterns,
    path("<str:msisdn>/", customers.customer_card, name="customer_card"),
    # life cycle (CUST-4/6/7) and credit stars (CREDIT-1..5)
    path("<str:msisdn>/status/", lifecycle.customer_status, name="customer_status"),
    path("<str:msisdn>/transfer/", lifecycle.customer_transfer, name="customer_transfer"),
    path("<str:msisdn>/number/", lifecycle.customer_number, name="customer_number"),
    path("<str:msisdn>/move/", lifecycle.customer_move, name="customer_move"),
    path("<str:msisdn>/credit/", credit.customer_credit, name="customer_credit"),
]
