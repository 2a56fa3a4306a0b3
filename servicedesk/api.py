"""API endpoints of the servicedesk app, registered on the one router in config/api.py.

Read-only: requests, tickets and entitlements are written through the screens (and their
services); ``GET /api/fee-waivers/?msisdn=…`` is the docs/interfaces.md contract.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from membership.validators import normalise_msisdn
from servicedesk.filters import EntitlementFilter, ServiceRequestFilter, TicketFilter
from servicedesk.models import BirthdayWaiver, Entitlement, Ticket
from servicedesk.selectors.desk import requests_list
from servicedesk.serializers import (
    EntitlementSerializer,
    FeeWaiverSerializer,
    ServiceRequestSerializer,
    TicketSerializer,
)


class ServiceRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    queryset = requests_list()


class TicketViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    queryset = Ticket.objects.select_related("hall")


class EntitlementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EntitlementSerializer
    filterset_class = EntitlementFilter
    queryset = Entitlement.objects.all()


class FeeWaiverView(APIView):
    """SERVICE-6: the birthday waivers of one line, newest first, as a plain list."""

    @extend_schema(
        parameters=[
            OpenApiParameter("msisdn", OpenApiTypes.STR, required=True),
        ],
        responses=FeeWaiverSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("msisdn", "")
        try:
            msisdn = normalise_msisdn(raw)
        except ValidationError as exc:
            return Response({"msisdn": exc.messages}, status=400)
        waivers = (
            BirthdayWaiver.objects.filter(customer__msisdn=msisdn)
            .select_related("customer")
            .order_by("-date")
        )
        return Response(FeeWaiverSerializer(waivers, many=True).data)


def register(router: DefaultRouter) -> None:
    router.register("service-requests", ServiceRequestViewSet, basename="service-request")
    router.register("tickets", TicketViewSet, basename="ticket")
    router.register("entitlements", EntitlementViewSet, basename="entitlement")


# Non-viewset API paths (names are reversed as "api:<name>").
extra_urlpatterns: list[Any] = [
    path("fee-waivers/", FeeWaiverView.as_view(), name="fee-waivers"),
]
