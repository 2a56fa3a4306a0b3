"""django-filter FilterSets shared by the list pages and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core import clock
from core.validators import normalise_msisdn
from servicedesk.models import (
    AUDIENCE_CHOICES,
    Benefit,
    Entitlement,
    Hall,
    RequestKind,
    RequestStatus,
    Scope,
    ServiceRequest,
    Ticket,
    TicketClass,
    TicketStatus,
)


def _by_msisdn(queryset: QuerySet[Any], field: str, value: str) -> QuerySet[Any]:
    try:
        number = normalise_msisdn(value)
    except ValidationError:
        return queryset.none()
    return queryset.filter(**{field: number})


class ServiceRequestFilter(django_filters.FilterSet):
    msisdn = django_filters.CharFilter(
        label=_("Phone number"),
        method=lambda qs, _name, value: _by_msisdn(qs, "customer__msisdn", value),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RequestKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    hall = django_filters.ModelChoiceFilter(
        label=_("Service hall"), queryset=Hall.objects.all(), to_field_name="code"
    )
    # A day range on the timestamp (the programme's days), so the registration-time
    # indexes serve it; casting the column to a date read every row (D-HOUSE-10).
    registered_from = django_filters.DateFilter(
        label=_("Registered from"),
        method=lambda qs, _name, day: qs.filter(created_at__gte=clock.start_of_day(day)),
    )
    registered_to = django_filters.DateFilter(
        label=_("to"),
        method=lambda qs, _name, day: qs.filter(
            created_at__lt=clock.start_of_day(day + timedelta(days=1))
        ),
    )

    class Meta:
        model = ServiceRequest
        fields = ["msisdn", "kind", "status", "hall", "registered_from", "registered_to"]


class TicketFilter(django_filters.FilterSet):
    hall = django_filters.CharFilter(field_name="hall__code", label=_("Service hall"))
    day = django_filters.DateFilter(label=_("Day"))
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    ticket_class = django_filters.ChoiceFilter(choices=TicketClass.choices)

    class Meta:
        model = Ticket
        fields = ["hall", "day", "status", "ticket_class"]


class EntitlementFilter(django_filters.FilterSet):
    # Labels declared lazily: django-filter's own, taken from the model, are fixed in the
    # language active when the class is first built (CONV-6).
    benefit = django_filters.ChoiceFilter(choices=Benefit.choices, label=_("Benefit"))
    audience = django_filters.ChoiceFilter(choices=AUDIENCE_CHOICES, label=_("Level"))
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))

    class Meta:
        model = Entitlement
        fields = ["benefit", "audience", "scope"]
