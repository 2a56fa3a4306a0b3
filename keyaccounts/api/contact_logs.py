"""The group API's contact log (GROUP-4): list, read, log a contact; scoped by
keyaccounts/access.py."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from core.filters import IdFilter
from core.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_KEY_REUSED, idempotent_api
from keyaccounts.access import (
    contact_log_for_user,
    contact_logs_visible_to,
    group_for_user,
    key_person_for_user,
)
from keyaccounts.api.groups import staff_name_or_none
from keyaccounts.models import CareOccasion, ContactChannel, ContactLog
from keyaccounts.selectors.groups import contact_timeline
from keyaccounts.services import groups as group_services


class ContactLogFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    key_person = IdFilter(field_name="key_person_id")
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
        # Output only (contacts come in through ContactLogInputSerializer): writable
        # relations would make the browsable API render a <select> of every group and every
        # key person, with two queries per key person.
        read_only_fields = fields

    def get_logged_by(self, obj: ContactLog) -> str | None:
        return staff_name_or_none(obj.logged_by)


class ContactLogInputSerializer(serializers.Serializer[Any]):
    group = serializers.IntegerField()
    key_person = serializers.IntegerField(required=False, allow_null=True)
    person = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    occasion = serializers.ChoiceField(choices=CareOccasion.choices, default=CareOccasion.ROUTINE)
    contacted_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(
        allow_blank=True,
        help_text="What was said or done (GROUP-4); required, not blank (D-VALID-1).",
    )
    next_follow_up = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """GROUP-4 / D-VALID-1: the contact log's one check (the service's), each message
        under the field it concerns (a 400)."""
        errors = group_services.contact_entry_errors(
            channel=attrs["channel"],
            notes=attrs["notes"],
            key_person_given=attrs.get("key_person") is not None,
            person=attrs.get("person") or "",
            occasion=attrs.get("occasion") or CareOccasion.ROUTINE,
            contacted_at=attrs.get("contacted_at"),
            next_follow_up=attrs.get("next_follow_up"),
        )
        if errors:
            raise serializers.ValidationError({name: [text] for name, text in errors.items()})
        return attrs


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

    @extend_schema(
        request=ContactLogInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: ContactLogSerializer, 422: IDEMPOTENCY_KEY_REUSED},
    )
    @idempotent_api
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
        contact = group_services.contact_log_create(
            group=group, key_person=person, actor=request.user, **data
        )
        return Response(ContactLogSerializer(contact).data, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    router.register("contact-logs", ContactLogViewSet, basename="contact-log")
