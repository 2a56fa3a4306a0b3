"""API endpoints of the plans app, registered on the one router in config/api.py.

- ``/api/plans/``: the catalogue (filter by family, fee, level, order code);
- ``/api/plan-orders/``: list and create orders, ``POST …/{id}/cancel/``;
- ``/api/plan-advice/{msisdn}/``: PLAN-7 advice for a customer.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core import clock
from core.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_KEY_REUSED, idempotent_api
from membership.access import customer_for_user
from plans.access import subscription_for_user
from plans.advice import plan_advice
from plans.filters import OrderFilter, PlanFilter
from plans.models import DesignatedStore, Subscription
from plans.selectors import orders_list, plan_catalogue
from plans.serializers import (
    AdviceOutputSerializer,
    OrderCancelInputSerializer,
    OrderInputSerializer,
    OrderOutputSerializer,
    PlanOutputSerializer,
)
from plans.services import subscription_cancel, subscription_order


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """PLAN-1/2: the tariff catalogue."""

    serializer_class = PlanOutputSerializer
    filterset_class = PlanFilter

    def get_queryset(self) -> Any:
        return plan_catalogue()


class PlanOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Plan orders and subscriptions (PLAN-4..6). Creating and cancelling need a counter
    role (the customer access helper's write check)."""

    serializer_class = OrderOutputSerializer
    filterset_class = OrderFilter

    def get_queryset(self) -> Any:
        return orders_list().order_by("-id")

    def get_object(self) -> Subscription:
        return subscription_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=OrderInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: OrderOutputSerializer, 422: IDEMPOTENCY_KEY_REUSED},
    )
    @idempotent_api
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data_in = OrderInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        customer = customer_for_user(request.user, data["msisdn"], write=True)
        store = None
        if data["store"] is not None:
            store = DesignatedStore.objects.filter(pk=data["store"]).first()
            if store is None:
                raise ValidationError(
                    {"store": _("No designated store #%(pk)s.") % {"pk": data["store"]}}
                )
        subscription = subscription_order(
            customer=customer,
            plan=data["plan"],
            channel=data["channel"],
            actor=request.user,
            first_month_option=data["first_month_option"],
            customer_asked=data["customer_asked"],
            store=store,
            note=data["note"],
        )
        subscription = orders_list().get(pk=subscription.pk)
        return Response(OrderOutputSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrderCancelInputSerializer, responses={200: OrderOutputSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        subscription = subscription_for_user(request.user, pk or "", write=True)
        data_in = OrderCancelInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        subscription_cancel(
            subscription=subscription, actor=request.user, note=data_in.validated_data["note"]
        )
        return Response(OrderOutputSerializer(orders_list().get(pk=subscription.pk)).data)


class PlanAdviceView(APIView):
    """PLAN-7: GET the estimated monthly cost of every plan open to the customer."""

    @extend_schema(responses=AdviceOutputSerializer)
    def get(self, request: Request, msisdn: str) -> Response:
        customer = customer_for_user(request.user, msisdn)
        result = plan_advice(customer=customer, on=clock.today())
        return Response(AdviceOutputSerializer(result).data)


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-orders", PlanOrderViewSet, basename="plan-order")


# Non-viewset API paths (names are reversed as "api:<name>").
extra_urlpatterns: list[Any] = [
    path("plan-advice/<str:msisdn>/", PlanAdviceView.as_view(), name="plan-advice"),
]
