"""API endpoints of the points app, registered on the one router in config/api.py.

- ``/api/points/accounts/{msisdn}/``: balances (POINTS-5) and lots, ``?on=YYYY-MM-DD``;
- ``/api/points/accounts/{msisdn}/entries/``: the ledger, paginated and filterable;
- ``/api/points/rewards/``: the catalogue;
- ``/api/points/redemptions/``: list and create, ``POST …/{id}/cancel/``, ``…/{id}/fulfil/``;
- ``/api/points/transfers/``: list and create.

Reading is open to every staff role; creating, cancelling and fulfilling need a counter role
(the customer access helper's write check).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core import clock
from core.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_KEY_REUSED, idempotent_api
from membership.access import customer_for_user
from points.access import redemption_for_user
from points.filters import EntryFilter, RedemptionFilter, RewardFilter, TransferFilter
from points.models import Entry, EntryKind, Redemption, RewardItem, Transfer
from points.selectors import balances, entries_of, expiring_in, lots_of
from points.serializers import (
    AccountOutputSerializer,
    EntryOutputSerializer,
    NoteInputSerializer,
    RedemptionInputSerializer,
    RedemptionOutputSerializer,
    RewardOutputSerializer,
    TransferInputSerializer,
    TransferOutputSerializer,
)
from points.services import (
    redemption_cancel,
    redemption_create,
    redemption_fulfil,
    transfer_create,
)


def _on(request: Request) -> date:
    raw = request.query_params.get("on", "")
    try:
        return date.fromisoformat(raw) if raw else clock.today()
    except ValueError as exc:
        raise ValidationError(
            {"on": _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw}}
        ) from exc


class PointsAccountView(APIView):
    """POINTS-5: the balances of a customer's points, derived from the entries booked on or
    before ``on`` (default today), with the lots held now."""

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, required=False)],
        responses=AccountOutputSerializer,
    )
    def get(self, request: Request, msisdn: str) -> Response:
        customer = customer_for_user(request.user, msisdn)
        on = _on(request)
        data = balances(customer, on).as_api()
        lots = lots_of(customer)
        data.update(
            msisdn=customer.msisdn,
            on=on,
            expiring_this_year=expiring_in(customer, lots, on.year),
            lots=[lot.__dict__ for lot in lots],
        )
        return Response(AccountOutputSerializer(data).data)


class PointsEntryListView(generics.ListAPIView):
    """POINTS-11: a customer's ledger, newest first."""

    serializer_class = EntryOutputSerializer
    filterset_class = EntryFilter

    def get_queryset(self) -> QuerySet[Entry]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's dry run
            return Entry.objects.none()
        customer = customer_for_user(self.request.user, self.kwargs["msisdn"])
        return entries_of(customer).select_related(None).select_related("actor")


class RewardViewSet(viewsets.ReadOnlyModelViewSet):
    """POINTS-7: the reward catalogue."""

    serializer_class = RewardOutputSerializer
    filterset_class = RewardFilter
    queryset = RewardItem.objects.order_by("category", "points_price", "name")


def _redemptions() -> QuerySet[Redemption]:
    return Redemption.objects.select_related("customer", "item").prefetch_related(
        Prefetch("entries", queryset=Entry.objects.filter(kind=EntryKind.REDEMPTION).order_by("id"))
    )


class RedemptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """POINTS-7: redemptions, with the lot amounts each consumed."""

    serializer_class = RedemptionOutputSerializer
    filterset_class = RedemptionFilter

    def get_queryset(self) -> QuerySet[Redemption]:
        return _redemptions().order_by("-created_at", "-id")

    def get_object(self) -> Redemption:
        redemption_for_user(self.request.user, self.kwargs["pk"])
        return _redemptions().get(pk=self.kwargs["pk"])

    @extend_schema(
        request=RedemptionInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: RedemptionOutputSerializer, 422: IDEMPOTENCY_KEY_REUSED},
    )
    @idempotent_api
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data_in = RedemptionInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        customer = customer_for_user(request.user, data["msisdn"], write=True)
        redemption = redemption_create(
            customer=customer, item=data["item"], quantity=data["quantity"], actor=request.user
        )
        output = RedemptionOutputSerializer(_redemptions().get(pk=redemption.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteInputSerializer, responses={200: RedemptionOutputSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        redemption = redemption_for_user(request.user, pk or "", write=True)
        data_in = NoteInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        redemption_cancel(
            redemption=redemption, actor=request.user, note=data_in.validated_data["note"]
        )
        return Response(RedemptionOutputSerializer(_redemptions().get(pk=redemption.pk)).data)

    @extend_schema(request=NoteInputSerializer, responses={200: RedemptionOutputSerializer})
    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, pk: str | None = None) -> Response:
        redemption = redemption_for_user(request.user, pk or "", write=True)
        data_in = NoteInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        redemption_fulfil(
            redemption=redemption, actor=request.user, note=data_in.validated_data["note"]
        )
        return Response(RedemptionOutputSerializer(_redemptions().get(pk=redemption.pk)).data)


def _transfers() -> QuerySet[Transfer]:
    return Transfer.objects.select_related("sender", "recipient").prefetch_related(
        Prefetch(
            "entries", queryset=Entry.objects.filter(kind=EntryKind.TRANSFER_OUT).order_by("id")
        )
    )


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """POINTS-8: transfers, with the lot amounts (by earning year) each moved."""

    serializer_class = TransferOutputSerializer
    filterset_class = TransferFilter

    def get_queryset(self) -> QuerySet[Transfer]:
        return _transfers().order_by("-created_at", "-id")

    @extend_schema(
        request=TransferInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: TransferOutputSerializer, 422: IDEMPOTENCY_KEY_REUSED},
    )
    @idempotent_api
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data_in = TransferInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        sender = customer_for_user(request.user, data["sender"], write=True)
        recipient = customer_for_user(request.user, data["recipient"])
        transfer = transfer_create(
            sender=sender, recipient=recipient, points=data["points"], actor=request.user
        )
        output = TransferOutputSerializer(_transfers().get(pk=transfer.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("points/rewards", RewardViewSet, basename="points-reward")
    router.register("points/redemptions", RedemptionViewSet, basename="points-redemption")
    router.register("points/transfers", TransferViewSet, basename="points-transfer")


# Non-viewset API paths (names are reversed as "api:<name>").
extra_urlpatterns: list[Any] = [
    path("points/accounts/<str:msisdn>/", PointsAccountView.as_view(), name="points-account"),
    path(
        "points/accounts/<str:msisdn>/entries/",
        PointsEntryListView.as_view(),
        name="points-account-entries",
    ),
]
