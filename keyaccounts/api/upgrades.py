"""The group API's upgrade requests (TIER-7): request, approve, reject, withdraw; scoped by
keyaccounts/access.py."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from core import clock
from core.filters import IdFilter
from core.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_KEY_REUSED, idempotent_api
from keyaccounts.access import (
    key_person_for_user,
    upgrade_request_for_user,
    upgrade_requests_visible_to,
)
from keyaccounts.api.groups import staff_name_or_none
from keyaccounts.models import UpgradeRequest, UpgradeStatus
from keyaccounts.selectors.groups import upgrade_requests_annotated
from keyaccounts.services import upgrades as upgrade_services
from membership.models import Level


class UpgradeRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=UpgradeStatus.choices)
    key_person = IdFilter(field_name="key_person_id")
    group = IdFilter(field_name="key_person__group_id")
    requested_level = django_filters.ChoiceFilter(choices=Level.choices)
    overdue = django_filters.BooleanFilter()

    class Meta:
        model = UpgradeRequest
        fields = ["status", "key_person", "group", "requested_level", "overdue"]


class UpgradeRequestSerializer(serializers.ModelSerializer[UpgradeRequest]):
    msisdn = serializers.CharField(source="customer.msisdn")
    group = serializers.IntegerField(source="key_person.group_id")
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    grant_valid_until = serializers.DateField(
        source="grant.valid_until", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = UpgradeRequest
        fields = [
            "id",
            "key_person",
            "group",
            "msisdn",
            "current_level",
            "requested_level",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "overdue",
            "grant",
            "grant_valid_until",
        ]
        # Output only (requests come in through UpgradeRequestInputSerializer): writable
        # relations would make the browsable API render a <select> of every key person and
        # every level grant of the province, with a query per option.
        read_only_fields = fields

    def get_requested_by(self, obj: UpgradeRequest) -> str | None:
        return staff_name_or_none(obj.requested_by)

    def get_decided_by(self, obj: UpgradeRequest) -> str | None:
        return staff_name_or_none(obj.decided_by)


class UpgradeRequestInputSerializer(serializers.Serializer[Any]):
    key_person = serializers.IntegerField()
    requested_level = serializers.ChoiceField(choices=Level.choices)
    reason = serializers.CharField(max_length=2000)


class DecisionInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class UpgradeRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[UpgradeRequest],
):
    """TIER-7: upgrade requests; approve / reject (a supervisor, not the requester) and
    withdraw (the requester) are POST actions on a request."""

    serializer_class = UpgradeRequestSerializer
    filterset_class = UpgradeRequestFilter
    # A request decided or withdrawn meanwhile answers 409 (core/api_schema.py documents it).
    domain_conflicts = True

    def get_queryset(self) -> QuerySet[UpgradeRequest]:
        return upgrade_requests_annotated(
            upgrade_requests_visible_to(self.request.user).select_related("grant"),
            clock.today(),
        ).order_by("-requested_at", "-id")

    def get_object(self) -> UpgradeRequest:
        upgrade = upgrade_request_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=upgrade.pk)

    def _out(self, upgrade: UpgradeRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            UpgradeRequestSerializer(self.get_queryset().get(pk=upgrade.pk)).data, status=code
        )

    @extend_schema(
        request=UpgradeRequestInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: UpgradeRequestSerializer, 422: IDEMPOTENCY_KEY_REUSED},
    )
    @idempotent_api
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data_in = UpgradeRequestInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        person = key_person_for_user(request.user, data["key_person"], write=True)
        upgrade = upgrade_services.upgrade_request_create(
            key_person=person,
            requested_level=data["requested_level"],
            reason=data["reason"],
            actor=request.user,
        )
        return self._out(upgrade, status.HTTP_201_CREATED)

    def _move(self, request: Request, pk: str | None, service: Any) -> Response:
        upgrade = upgrade_request_for_user(request.user, pk, write=True)
        data_in = DecisionInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        service(request=upgrade, actor=request.user, note=data_in.validated_data["note"])
        return self._out(upgrade)

    @extend_schema(request=DecisionInputSerializer, responses={200: UpgradeRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, pk, upgrade_services.upgrade_request_approve)

    @extend_schema(request=DecisionInputSerializer, responses={200: UpgradeRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, pk, upgrade_services.upgrade_request_reject)

    @extend_schema(request=DecisionInputSerializer, responses={200: UpgradeRequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, pk, upgrade_services.upgrade_request_withdraw)


def register(router: DefaultRouter) -> None:
    router.register("upgrade-requests", UpgradeRequestViewSet, basename="upgrade-request")
