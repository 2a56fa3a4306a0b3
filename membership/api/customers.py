"""The customer API of docs/interfaces.md: GET /api/customers/{msisdn}/ and a filtered list."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from core import clock
from membership.access import customer_for_user
from membership.extensions import CUSTOMER_API_BLOCKS
from membership.models import LEVEL_RANK, RANK_LEVEL, Brand, Customer, Level, Status
from membership.selectors.credit import latest_credit
from membership.selectors.levels import customer_grants_on, customers_with_level


class CustomerFilter(django_filters.FilterSet):
    brand = django_filters.ChoiceFilter(choices=Brand.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    city = django_filters.CharFilter()
    tier = django_filters.ChoiceFilter(
        choices=[*Level.choices, ("none", "none")],
        method="filter_tier",
        help_text="Effective level today; `none` for customers who are not VIP.",
    )

    class Meta:
        model = Customer
        fields = ["brand", "status", "city", "tier"]

    def filter_tier(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(level_rank=LEVEL_RANK.get(value, 0))


class CustomerListSerializer(serializers.ModelSerializer[Customer]):
    tier = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["msisdn", "brand", "status", "city", "tier"]

    def get_tier(self, obj: Any) -> str | None:
        return RANK_LEVEL.get(obj.level_rank)


GrantSchema = inline_serializer(
    name="TierGrant",
    fields={
        "level": serializers.ChoiceField(choices=Level.choices),
        "source": serializers.CharField(),
        "valid_from": serializers.DateField(),
        "valid_until": serializers.DateField(allow_null=True),
    },
)


def grant_payload(grant: Any) -> dict[str, Any]:
    return {
        "level": grant.level,
        "source": grant.source,
        "valid_from": grant.valid_from.isoformat(),
        "valid_until": grant.valid_until.isoformat() if grant.valid_until else None,
    }


def customer_payload(customer: Customer, on: date) -> dict[str, Any]:
    """The contract's customer document on ``on`` (docs/interfaces.md), plus added blocks.

    Three queries whatever the customer's history: the grants valid on ``on``, the
    latest credit rating, and one per added block (points: one aggregate)."""
    grants = list(customer_grants_on(customer, on))
    payload: dict[str, Any] = {
        "msisdn": customer.msisdn,
        "brand": customer.brand,
        "status": customer.status,
        "tier": grants[0].level if grants else None,
        "tier_grants": [grant_payload(g) for g in grants],
        "points": None,
        "credit": latest_credit(customer),
    }
    for name, block in CUSTOMER_API_BLOCKS.items():
        payload[name] = block(customer, on)
    return payload


CustomerDetailSchema = inline_serializer(
    name="CustomerDetail",
    fields={
        "msisdn": serializers.CharField(),
        "brand": serializers.ChoiceField(choices=Brand.choices),
        "status": serializers.ChoiceField(choices=Status.choices),
        "tier": serializers.ChoiceField(choices=Level.choices, allow_null=True),
        "tier_grants": serializers.ListField(child=GrantSchema),
        "points": serializers.DictField(allow_null=True),
        "credit": serializers.DictField(allow_null=True),
        # Added by keyaccounts (SERVICE-8): {"username", "name", "since"} or null.
        "personal_manager": serializers.DictField(allow_null=True),
    },
)


class CustomerViewSet(viewsets.ReadOnlyModelViewSet[Customer]):
    """Customers: a filtered, paginated list, and the contract's detail by MSISDN."""

    lookup_field = "msisdn"
    lookup_value_regex = r"[^/]+"
    serializer_class = CustomerListSerializer
    filterset_class = CustomerFilter

    def get_queryset(self) -> QuerySet[Any]:
        return customers_with_level(clock.today()).order_by("msisdn")

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="Defaults to today.")],
        responses=CustomerDetailSchema,
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = customer_for_user(request.user, kwargs["msisdn"])
        raw = request.query_params.get("on")
        try:
            on = date.fromisoformat(raw) if raw else clock.today()
        except ValueError as exc:
            raise ValidationError(
                {"on": _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw}}
            ) from exc
        return Response(customer_payload(customer, on))


def register(router: DefaultRouter) -> None:
    router.register("customers", CustomerViewSet, basename="customer")


extra_urlpatterns: list[Any] = []
