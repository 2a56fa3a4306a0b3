"""Phone-number filters and admin search shared by the API, list pages and admins of every
app (D-VALID-3)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest

from core.validators import msisdn_or_none


class MsisdnFilter(django_filters.CharFilter):
    """CUST-1 / D-VALID-3: a phone number filter that reads the number as a person types it
    (full-width digits, spaces, dashes, a +86 prefix); a value that is not a mobile number
    matches nothing."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in ("", None):
            return qs
        number = msisdn_or_none(str(value))
        if number is None:
            return qs.none()
        return super().filter(qs, number)


class MsisdnSearchMixin:
    """For a ModelAdmin whose search box takes a phone number (``=msisdn`` fields): a term
    that is a whole mobile number as a person types it (D-VALID-3) is searched as its 11
    digits; any other term is searched as typed."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        number = msisdn_or_none(search_term) if search_term else None
        return super().get_search_results(  # type: ignore[misc]
            request, queryset, number or search_term
        )
