"""API endpoints of the servicedesk app, registered on the one router in config/api.py.

Tickets and entitlements are read-only (written through the screens and their services).
Service requests are also created here, ``POST /api/service-requests/`` (docs/interfaces.md
contract, D-API-2): the desk's form of the kind validates the body and the desk's service
registers the request, so the API's rules are the desk's. ``GET /api/fee-waivers/?msisdn=…``
is the contract too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core.errors import DomainError
from core.idempotency import (
    IDEMPOTENCY_KEY_PARAMETER,
    IDEMPOTENCY_KEY_REUSED,
    RecordedRefusal,
    idempotent_api,
)
from core.validators import normalise_msisdn
from membership.access import customer_for_user, may_change_customers
from servicedesk.filters import EntitlementFilter, ServiceRequestFilter, TicketFilter
from servicedesk.models import BirthdayWaiver, Entitlement, RequestStatus, ServiceRequest, Ticket
from servicedesk.selectors.desk import requests_list
from servicedesk.serializers import (
    EntitlementSerializer,
    FeeWaiverSerializer,
    ServiceRequestInputSerializer,
    ServiceRequestSerializer,
    TicketSerializer,
)
from servicedesk.services.requests import service_request_create
from servicedesk.views import sms

REQUEST_REFUSED = OpenApiResponse(
    response=inline_serializer(
        name="ServiceRequestRefused",
        fields={
            "code": serializers.CharField(
                help_text=(
                    "Machine-readable reason, e.g. not_suspended_for_arrears, arrears_too_old, "
                    "reactivation_already_open, reactivation_used_this_suspension, "
                    "no_reactivation_privilege, not_entitled, quota_used, already_opted_out."
                )
            ),
            "detail": serializers.CharField(help_text="The reason, in words staff can read."),
            "id": serializers.IntegerField(
                allow_null=True,
                help_text=(
                    "The refused request, recorded as at the desk (D-DESK-4); null when "
                    "nothing was recorded (a parallel request won the race)."
                ),
            ),
        },
    ),
    description=(
        "A rule refused the request (SERVICE-2..5). The refusal is recorded as at the desk "
        "(a request in status refused, `id`), and an `Idempotency-Key` replays this answer."
    ),
)


@extend_schema_view(
    create=extend_schema(
        description=(
            "Registers a service request as the service desk does (docs/interfaces.md), with "
            "the same checks; the hotline's system uses it for emergency reactivations above "
            "all. 201: the request as GET /api/service-requests/{id}/ shows it (an emergency "
            "reactivation with the `hours` granted and the `privilege` that granted them). "
            "409: a rule refused (`code`, `detail`). Counter clerks and supervisors only."
        ),
        request=ServiceRequestInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: ServiceRequestSerializer,
            409: REQUEST_REFUSED,
            422: IDEMPOTENCY_KEY_REUSED,
        },
    )
)
class ServiceRequestViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ServiceRequest],
):
    """Service requests: read by every staff role; registered (``POST``) by counter clerks
    and supervisors, as at the desk (D-API-2)."""

    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    queryset = requests_list()
    # A refusal by a rule answers 409 (core/api_schema.py documents it; declared above).
    domain_conflicts = True

    @idempotent_api
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Who may register: those who may change a customer (the desk's role), checked
        # before the body so that other roles get 403 whatever they send.
        user = request.user
        if not may_change_customers(user):
            raise PermissionDenied
        data_in = ServiceRequestInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        valid = data_in.validated_data
        customer = customer_for_user(user, valid["msisdn"], write=True)
        try:
            created = service_request_create(
                customer=customer,
                kind=valid["kind"],
                actor=user,
                data=valid["data"],
                hall=valid["hall"],
            )
        except DomainError as exc:  # refused with nothing recorded (a race): the key is free
            refused: dict[str, Any] = {"code": exc.code, "detail": exc.message, "id": None}
            return Response(refused, status=status.HTTP_409_CONFLICT)
        if created.status == RequestStatus.REFUSED:  # recorded, as at the desk (D-DESK-4)
            refused = {
                "code": created.refusal_code,
                "detail": created.refusal_reason,
                "id": created.pk,
            }
            return RecordedRefusal(refused, status=status.HTTP_409_CONFLICT)
        output = ServiceRequestSerializer(requests_list().get(pk=created.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)


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
    # NOTICE-2: the SMS gateway's inbound messages (a signed plain view, not in the schema)
    path("sms/inbound/", sms.sms_inbound, name="sms-inbound"),
]
