from typing import Any

import django_filters

from core.filters import IdFilter
from membership.filters import MsisdnFilter
from points.models import Entry, EntryKind, Redemption, RewardItem, Transfer


class EntryFilter(django_filters.FilterSet):
    """/api/points/accounts/{msisdn}/entries/?kind=redemption&year=2025&booked_from=2025-01-01"""

    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    year = django_filters.NumberFilter()
    month = django_filters.DateFilter()
    booked_from = django_filters.DateFilter(field_name="booked_on", lookup_expr="gte")
    booked_to = django_filters.DateFilter(field_name="booked_on", lookup_expr="lte")

    class Meta:
        model = Entry
        fields = ["kind", "year", "month", "booked_from", "booked_to"]


class RewardFilter(django_filters.FilterSet):
    """/api/points/rewards/?category=physical&price_max=5000&in_stock=true"""

    category = django_filters.ChoiceFilter(choices=RewardItem.Category.choices)
    price_max = django_filters.NumberFilter(field_name="points_price", lookup_expr="lte")
    in_stock = django_filters.BooleanFilter(method="filter_in_stock")
    active = django_filters.BooleanFilter()

    class Meta:
        model = RewardItem
        fields = ["category", "price_max", "in_stock", "active"]

    def filter_in_stock(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(stock__gt=0) if value else queryset.filter(stock=0)


class RedemptionFilter(django_filters.FilterSet):
    """/api/points/redemptions/?msisdn=…&status=requested"""

    msisdn = MsisdnFilter(field_name="customer__msisdn")  # D-VALID-3
    status = django_filters.ChoiceFilter(choices=Redemption.Status.choices)
    item = IdFilter(field_name="item_id")

    class Meta:
        model = Redemption
        fields = ["msisdn", "status", "item"]


class TransferFilter(django_filters.FilterSet):
    """/api/points/transfers/?sender=…&recipient=…&month=2026-11-01"""

    sender = MsisdnFilter(field_name="sender__msisdn")  # D-VALID-3
    recipient = MsisdnFilter(field_name="recipient__msisdn")
    month = django_filters.DateFilter()

    class Meta:
        model = Transfer
        fields = ["sender", "recipient", "month"]
