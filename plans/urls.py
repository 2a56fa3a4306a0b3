from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="catalogue"),
    path("customer/<str:msisdn>/", views.customer_plans, name="customer_plans"),
    path("customer/<str:msisdn>/order/", views.plan_order, name="order"),
    path("customer/<str:msisdn>/advice/", views.advice, name="advice"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
]
