"""The group API's key persons, with their level and last contact (GROUP-3, TIER-6);
scoped by keyaccounts/access.py."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from core import clock
from core.filters import IdFilter
from keyaccounts.access import (
    customer_name_for,
    key_person_for_user,
    key_persons_visible_to,
    prime_unmasked,
)
from keyaccounts.models import KeyPerson, KeyPersonRank, KeyPersonRole
from keyaccounts.selectors.groups import key_persons_with_care
from keyaccounts.services import groups as group_services
from membership.filters import MsisdnFilter
from membership.masking import mask_name
from membership.models import RANK_LEVEL


class KeyPersonFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    role = django_filters.ChoiceFilter(choices=KeyPersonRole.choices)
    rank = django_filters.ChoiceFilter(choices=KeyPersonRank.choices)
    active = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull")
    msisdn = MsisdnFilter(field_name="customer__msisdn")  # D-VALID-3

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
        # CUST-8 / D-CUST-13: in full for the group's own account manager, else masked.
        request = self.context.get("request")
        if request is None:
            return mask_name(obj.customer.name)
        return customer_name_for(request.user, obj.customer)

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
            key_persons_visible_to(self.request.user), clock.today()
        ).order_by("group__code", "role", "id")

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        # D-CUST-13: whose names this user sees in full, for the whole page in one query
        prime_unmasked(self.request.user, [p.customer_id for p in page or []])
        return page

    def get_object(self) -> KeyPerson:
        person = key_person_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=person.pk)


def register(router: DefaultRouter) -> None:
    router.register("key-persons", KeyPersonViewSet, basename="key-person")
