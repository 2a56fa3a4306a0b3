from typing import Any

from django.urls import path

from membership.views import credit, customers, imports, lifecycle, rating, snapshots, timeline

app_name = "membership"

urlpatterns: list[Any] = [
    path("", customers.lookup, name="lookup"),
    path("rating/", rating.rating_runs, name="rating_runs"),
    path("rating/preview/", rating.rating_preview, name="rating_preview"),
    path("rating/changes/", rating.rating_changes, name="rating_changes"),
    path("rating/commit/", rating.rating_commit, name="rating_commit"),
    # CUST-5 / KPI-1: the snapshot lists 拍照中高端
    path("snapshots/", snapshots.snapshot_list, name="snapshot_list"),
    path("snapshots/take/", snapshots.snapshot_take, name="snapshot_take"),
    path(
        "snapshots/<int:pk>/members.csv",
        snapshots.snapshot_members_csv,
        name="snapshot_members_csv",
    ),
    # billing feeds upload (CUST-9); before the catch-all "<msisdn>/"
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_run_detail, name="import_run_detail"),
    path("imports/<int:pk>/again/", imports.import_run_again, name="import_run_again"),
    path("imports/<int:pk>/import/", imports.import_run_apply_view, name="import_run_apply"),
    path("imports/<int:pk>/progress.json", imports.import_run_progress, name="import_run_progress"),
    # "groups/…" (the account managers' pages) is included before this URLconf at the same
    # prefix (config/urls.py), so that it is never read as a phone number.
    path("<str:msisdn>/", customers.customer_card, name="customer_card"),
    # life cycle (CUST-4/6/7) and credit stars (CREDIT-1..5)
    path("<str:msisdn>/status/", lifecycle.customer_status, name="customer_status"),
    path("<str:msisdn>/transfer/", lifecycle.customer_transfer, name="customer_transfer"),
    path("<str:msisdn>/number/", lifecycle.customer_number, name="customer_number"),
    path("<str:msisdn>/move/", lifecycle.customer_move, name="customer_move"),
    path("<str:msisdn>/credit/", credit.customer_credit, name="customer_credit"),
    # CUST-11: the member timeline
    path("<str:msisdn>/timeline/", timeline.customer_timeline, name="customer_timeline"),
    # CUST-10: the identity check at the counter
    path(
        "<str:msisdn>/identity-check/",
        customers.customer_identity_check,
        name="customer_identity_check",
    ),
]
