"""The group API: groups, key persons, contact log, upgrade requests (GROUP-1..4, TIER-7).

Every object goes through the access helpers of membership/access_groups.py: account
managers see and act on their own groups only, supervisors on all. Lists are scoped the
same way and filterable (django-filter).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from core.errors import DomainError
from membership.access_groups import (
    contact_log_for_user,
    contact_logs_visible_to,
    group_for_user,
    groups_visible_to,
    key_person_for_user,
    key_persons_visible_to,
    upgrade_request_for_user,
    upgrade_requests_visible_to,
)
from membership.masking import mask_name
from membership.models import (
    RANK_LEVEL,
    CareOccasion,
    ContactChannel,
    ContactLog,
    GroupClass,
    GroupCustomer,
    KeyPerson,
    KeyPersonRank,
    KeyPersonRole,
    Level,
    UpgradeRequest,
    UpgradeStatus,
)
from membership.selectors.groups import (
    contact_timeline,
    groups_annotated,
    key_persons_with_care,
    upgrade_requests_annotated,
)
from membership.services import groups as group_services
from membership.services import upgrades as upgrade_services


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The object changed meanwhile.")
    default_code = "conflict"


def _domain_error(exc: DomainError) -> APIException:
    if exc.code == "forbidden":
        return PermissionDenied(exc.message)
    if exc.code == "conflict":
        return Conflict(exc.message)
    return ValidationError({"detail": exc.message, "code": exc.code})


def _staff_name(user: Any) -> str | None:
    if user is None:
        return None
    return f"{user.last_name}{user.first_name}" or user.get_username()


# ---- groups -------------------------------------------------------------------------


class GroupFilter(django_filters.FilterSet):
    group_class = django_filters.ChoiceFilter(choices=GroupClass.choices)
    city = django_filters.CharFilter()
    account_manager = django_filters.NumberFilter(field_name="account_manager_id")
    q = django_filters.CharFilter(method="filter_q", help_text="Part of the code or name.")

    class Meta:
        model = GroupCustomer
        fields = ["group_class", "city", "account_manager", "q"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class GroupSerializer(serializers.ModelSerializer[GroupCustomer]):
    account_manager_name = serializers.SerializerMethodField()
    key_person_count = serializers.IntegerField(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True, allow_null=True)
    last_contact_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = GroupCustomer
        fields = [
            "id",
            "code",
            "name",
            "group_class",
            "city",
            "account_manager",
            "account_manager_name",
            "has_it_centre",
            "key_person_count",
            "member_count",
            "last_contact_at",
        ]

    def get_account_manager_name(self, obj: GroupCustomer) -> str | None:
        return _staff_name(obj.account_manager)


class GroupViewSet(viewsets.ReadOnlyModelViewSet[GroupCustomer]):
    """GROUP-1: the groups the user may see."""

    serializer_class = GroupSerializer
    filterset_class = GroupFilter

    def get_queryset(self) -> QuerySet[GroupCustomer]:
        return groups_annotated(groups_visible_to(self.request.user)).order_by("code")

    def get_object(self) -> GroupCustomer:
        group = group_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=group.pk)


# ---- key persons --------------------------------------------------------------------


class KeyPersonFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(field_name="group_id")
    role = django_filters.ChoiceFilter(choices=KeyPersonRole.choices)
    rank = django_filters.ChoiceFilter(choices=KeyPersonRank.choices)
    active = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull")
    msisdn = django_filters.CharFilter(field_name="customer__msisdn")

    class Meta:
        model = KeyPerson
        fields = ["group", "role", "rank", "active", "msisdn"]


class KeyPersonSerializer(serializers.ModelSerializer[KeyPerson]):
    msisdn = serializers.CharField(source="customer.msisdn")
    name = serializers.SerializerMethodField(help_text="Masked (CUST-8).")
    group_code = serializers.CharField(source="group.code")
    level = serializers.SerializerMethodField(help_text="Effective level today (TIER-2).")
    key_person_level = serializers.SerializerMethodField(help_text="What TIER-6 gives.")
    last_contact_at = serializers.DateTimeField(read_only=True, allow_null=True)
    next_follow_up = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = KeyPerson
        fields = [
            "id",
            "group",
            "group_code",
            "msisdn",
            "name",
            "role",
            "rank",
            "title",
            "created_at",
            "ended_at",
            "level",
            "key_person_level",
            "last_contact_at",
            "next_follow_up",
        ]

    def get_name(self, obj: KeyPerson) -> str:
        return mask_name(obj.customer.name)

    def get_level(self, obj: Any) -> str | None:
        return RANK_LEVEL.get(getattr(obj, "level_rank", 0))

    def get_key_person_level(self, obj: KeyPerson) -> str | None:
        if obj.ended_at is not None:
            return None
        return group_services.key_person_level(
            group_class=obj.group.group_class, role=obj.role, rank=obj.rank
        )


class KeyPersonViewSet(viewsets.ReadOnlyModelViewSet[KeyPerson]):
    """GROUP-3: key persons of the user's groups, with their level and last contact."""

    serializer_class = KeyPersonSerializer
    filterset_class = KeyPersonFilter

    def get_queryset(self) -> QuerySet[KeyPerson]:
        return key_persons_with_care(
            key_persons_visible_to(self.request.user), timezone.localdate()
        ).order_by("group__code", "role", "id")

    def get_object(self) -> KeyPerson:
        person = key_person_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=person.pk)


# ---- contact log --------------------------------------------------------------------


class ContactLogFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(field_name="group_id")
    key_person = django_filters.NumberFilter(field_name="key_person_id")
    channel = django_filters.ChoiceFilter(choices=ContactChannel.choices)
    occasion = django_filters.ChoiceFilter(choices=CareOccasion.choices)
    since = django_filters.DateFilter(field_name="contacted_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="contacted_at", lookup_expr="date__lte")

    class Meta:
        model = ContactLog
        fields = ["group", "key_person", "channel", "occasion", "since", "until"]


class ContactLogSerializer(serializers.ModelSerializer[ContactLog]):
    logged_by = serializers.SerializerMethodField()

    class Meta:
        model = ContactLog
        fields = [
            "id",
            "group",
            "key_person",
            "person",
            "channel",
            "occasion",
            "occasion_date",
            "contacted_at",
            "notes",
            "next_follow_up",
            "logged_by",
            "logged_at",
        ]

    def get_logged_by(self, obj: ContactLog) -> str | None:
        return _staff_name(obj.logged_by)


class ContactLogInputSerializer(serializers.Serializer[Any]):
    group = serializers.IntegerField()
    key_person = serializers.IntegerField(required=False, allow_null=True)
    person = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    occasion = serializers.ChoiceField(choices=CareOccasion.choices, default=CareOccasion.ROUTINE)
    contacted_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_follow_up = serializers.DateField(required=False, allow_null=True)


class ContactLogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ContactLog],
):
    """GROUP-4: the contact log (append-only): list, read, log a contact."""

    serializer_class = ContactLogSerializer
    filterset_class = ContactLogFilter

    def get_queryset(self) -> QuerySet[ContactLog]:
        return contact_timeline(contact_logs_visible_to(self.request.user))

    def get_object(self) -> ContactLog:
        return contact_log_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ContactLogInputSerializer, responses={201: ContactLogSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data_in = ContactLogInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = dict(data_in.validated_data)
        group = group_for_user(request.user, data.pop("group"), write=True)
        person_id = data.pop("key_person", None)
        person = (
            key_person_for_user(request.user, person_id, write=True)
            if person_id is not None
            else None
        )
        try:
            contact = group_services.contact_log_create(
                group=group, key_person=person, actor=request.user, **data
            )
        except DomainError as exc:
            raise _domain_error(exc) from exc
        return Response(ContactLogSerializer(contact).data, status=status.HTTP_201_CREATED)


# ---- upgrade requests ---------------------------------------------------------------


class UpgradeRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=UpgradeStatus.choices)
    key_person = django_filters.NumberFilter(field_name="key_person_id")
    group = django_filters.NumberFilter(field_name="key_person__group_id")
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

    def get_requested_by(self, obj: UpgradeRequest) -> str | None:
        return _staff_name(obj.requested_by)

    def get_decided_by(self, obj: UpgradeRequest) -> str | None:
        return _staff_name(obj.decided_by)


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

    def get_queryset(self) -> QuerySet[UpgradeRequest]:
        return upgrade_requests_annotated(
            upgrade_requests_visible_to(self.request.user).select_related("grant"),
            timezone.localdate(),
        ).order_by("-requested_at", "-id")

    def get_object(self) -> UpgradeRequest:
        upgrade = upgrade_request_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=upgrade.pk)

    def _out(self, upgrade: UpgradeRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            UpgradeRequestSerializer(self.get_queryset().get(pk=upgrade.pk)).data, status=code
        )

    @extend_schema(request=UpgradeRequestInputSerializer, responses={201: UpgradeRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data_in = UpgradeRequestInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        person = key_person_for_user(request.user, data["key_person"], write=True)
        try:
            upgrade = upgrade_services.upgrade_request_create(
                key_person=person,
                requested_level=data["requested_level"],
                reason=data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            raise _domain_error(exc) from exc
        return self._out(upgrade, status.HTTP_201_CREATED)

    def _move(self, request: Request, pk: str | None, service: Any) -> Response:
        upgrade = upgrade_request_for_user(request.user, pk, write=True)
        data_in = DecisionInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        try:
            service(request=upgrade, actor=request.user, note=data_in.validated_data["note"])
        except DomainError as exc:
            raise _domain_error(exc) from exc
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
    router.register("groups", GroupViewSet, basename="group")
    router.register("key-persons", KeyPersonViewSet, basename="key-person")
    router.register("contact-logs", ContactLogViewSet, basename="contact-log")
    router.register("upgrade-requests", UpgradeRequestViewSet, basename="upgrade-request")


extra_urlpatterns: list[Any] = []
