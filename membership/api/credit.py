"""Credit history API: GET /api/customers/{msisdn}/credit/ (CREDIT-5), newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.routers import DefaultRouter

from membership.access import customer_for_user
from membership.models import CreditRating
from membership.selectors.credit import credit_history


class CreditRatingSerializer(serializers.ModelSerializer[CreditRating]):
    month = serializers.SerializerMethodField()

    class Meta:
        model = CreditRating
        fields = ["month", "score", "stars", "breakdown", "rated_at"]

    def get_month(self, obj: CreditRating) -> str:
        return f"{obj.month:%Y-%m}"


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("msisdn", OpenApiTypes.STR, OpenApiParameter.PATH)],
        description="The customer's monthly credit ratings (CREDIT-1..5), newest first.",
    )
)
class CustomerCreditView(generics.ListAPIView[CreditRating]):
    serializer_class = CreditRatingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[CreditRating]:
        customer = customer_for_user(self.request.user, self.kwargs["msisdn"])
        return credit_history(customer)


def register(router: DefaultRouter) -> None:
    """Nothing on the router: the history hangs under a customer (extra_urlpatterns)."""


extra_urlpatterns: list[Any] = [
    path("customers/<str:msisdn>/credit/", CustomerCreditView.as_view(), name="customer-credit"),
]
