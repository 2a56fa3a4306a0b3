from typing import Any

from django.urls import path

from points import views

app_name = "points"

urlpatterns: list[Any] = [
    path("overview/", views.overview_view, name="overview"),
    path("overview/liability.csv", views.liability_csv, name="liability_csv"),
    path("overview/valuation/", views.valuation_view, name="valuation"),
    path("customer/<str:msisdn>/", views.account, name="account"),
    path("customer/<str:msisdn>/redemptions/", views.redemption_list, name="redemptions"),
    path("customer/<str:msisdn>/redeem/", views.redeem, name="redeem"),
    path(
        "customer/<str:msisdn>/redemptions/<int:pk>/cancel/",
        views.redemption_cancel_view,
        name="redemption_cancel",
    ),
    path(
        "customer/<str:msisdn>/redemptions/<int:pk>/fulfil/",
        views.redemption_fulfil_view,
        name="redemption_fulfil",
    ),
    path("customer/<str:msisdn>/transfer/", views.transfer, name="transfer"),
    path("customer/<str:msisdn>/recipients/", views.recipients, name="recipients"),
    path(
        "customer/<str:msisdn>/recipients/<int:pk>/remove/",
        views.recipient_remove,
        name="recipient_remove",
    ),
]
