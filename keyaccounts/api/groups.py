"""The group API: groups (GROUP-1), and what the group API modules share (staff names;
the errors are core/api_errors.py's).

The rest of the group API: key persons (key_persons.py), the contact log
(contact_logs.py) and upgrade requests (upgrades.py). Every object goes through the access
helpers of keyaccounts/access.py: account managers see and act on their own groups
only, supervisors on all. Lists are scoped the same way and filterable (django-filter).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from core.filters import IdFilter
from core.roles import staff_name
from keyaccounts.access import group_for_user, groups_visible_to
from keyaccounts.models import GroupClass, GroupCustomer
from keyaccounts.selectors.groups import groups_annotated


def staff_name_or_none(user: Any) -> str | None:
    return None if user is None else staff_name(user)


# ---- groups -------------------------------------------------------------------------


class GroupFilter(django_filters.FilterSet):
    group_class = django_filters.ChoiceFilter(choices=GroupClass.choices)
    city = django_filters.CharFilter()
    account_manager = IdFilter(field_name="account_manager_id")
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
        return staff_name_or_none(obj.account_manager)


class GroupViewSet(viewsets.ReadOnlyModelViewSet[GroupCustomer]):
    """GROUP-1: the groups the user may see."""

    serializer_class = GroupSerializer
    filterset_class = GroupFilter

    def get_queryset(self) -> QuerySet[GroupCustomer]:
        return groups_annotated(groups_visible_to(self.request.user)).order_by("code")

    def get_object(self) -> GroupCustomer:
        group = group_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=group.pk)


def register(router: DefaultRouter) -> None:
    router.register("groups", GroupViewSet, basename="group")


extra_urlpatterns: list[Any] = []
