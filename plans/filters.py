import django_filters

from membership.models import Level
from plans.models import Channel, Plan, Subscription, SubscriptionStatus


class PlanFilter(django_filters.FilterSet):
    """/api/plans/?family=business_travel&fee_min=100&fee_max=400&level=gold"""

    family = django_filters.CharFilter(field_name="family__code")
    fee_min = django_filters.NumberFilter(field_name="monthly_fee", lookup_expr="gte")
    fee_max = django_filters.NumberFilter(field_name="monthly_fee", lookup_expr="lte")
    level = django_filters.ChoiceFilter(field_name="carried_level", choices=Level.choices)
    order_code = django_filters.CharFilter(field_name="order_code", lookup_expr="iexact")
    active = django_filters.BooleanFilter()

    class Meta:
        model = Plan
        fields = ["family", "fee_min", "fee_max", "level", "order_code", "active"]


class OrderFilter(django_filters.FilterSet):
    """/api/plan-orders/?msisdn=…&status=scheduled&channel=sms&effective_from=2026-02-01"""

    msisdn = django_filters.CharFilter(field_name="customer__msisdn")
    status = django_filters.ChoiceFilter(choices=SubscriptionStatus.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    plan = django_filters.CharFilter(field_name="plan__code")
    effective_from = django_filters.DateFilter()

    class Meta:
        model = Subscription
        fields = ["msisdn", "status", "channel", "plan", "effective_from"]
