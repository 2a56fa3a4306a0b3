"""API shapes: input and output serializers kept apart."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from plans.models import Channel, FirstMonthOption, Plan, Subscription

# Choice fields are documented as plain strings (the values in help_text): the same names
# ("status", "channel", levels) carry other choice sets in other apps' schemas.
LEVELS = "diamond, platinum, gold, silver, guest or empty"


class PlanOutputSerializer(serializers.ModelSerializer):
    family = serializers.CharField(source="family.code")
    carried_level = serializers.CharField(help_text=f"PLAN-2: {LEVELS}")
    family_name = serializers.CharField(source="family.name_zh")
    bundled_services: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "family",
            "family_name",
            "monthly_fee",
            "included_minutes",
            "included_data_mb",
            "voice_overage_rate",
            "data_overage_rate_per_kb",
            "video_call_rate",
            "order_code",
            "carried_level",
            "bundled_services",
            "active",
        ]
        read_only_fields = fields


API_CHANNELS = (Channel.COUNTER, Channel.HOTLINE, Channel.WEB)


class OrderInputSerializer(serializers.Serializer):
    """POST /api/plan-orders/: who, which plan, how."""

    msisdn = serializers.CharField(max_length=20)
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    channel = serializers.CharField(
        default=Channel.WEB, help_text="counter, hotline or web (SMS orders come by SMS)"
    )
    first_month_option = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="PLAN-5, new customers only: out_of_bundle, full or half",
    )
    customer_asked = serializers.BooleanField(default=False)
    store = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_channel(self, value: str) -> str:
        if value not in API_CHANNELS:
            raise serializers.ValidationError(
                _("Choose one of: %(values)s.") % {"values": ", ".join(API_CHANNELS)}
            )
        return value

    def validate_first_month_option(self, value: str) -> str:
        if value and value not in FirstMonthOption.values:
            raise serializers.ValidationError(
                _("Choose one of: %(values)s.") % {"values": ", ".join(FirstMonthOption.values)}
            )
        return value


class OrderCancelInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OrderOutputSerializer(serializers.ModelSerializer):
    msisdn = serializers.CharField(source="customer.msisdn")
    plan = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="plan.name_zh")
    store = serializers.CharField(source="store.name", allow_null=True, default=None)
    status = serializers.CharField(help_text="requested, scheduled, effective, ended or cancelled")
    channel = serializers.CharField(help_text="counter, hotline, sms or web")
    first_month_option = serializers.CharField(help_text="out_of_bundle, full, half or empty")
    availability = serializers.CharField(
        help_text="PLAN-4 when ordered: open, on_request, new_only"
    )

    class Meta:
        model = Subscription
        fields = [
            "id",
            "msisdn",
            "plan",
            "plan_name",
            "status",
            "channel",
            "ordered_on",
            "effective_from",
            "ended_on",
            "new_customer",
            "first_month_option",
            "first_month_fee",
            "first_month_minutes",
            "first_month_data_mb",
            "availability",
            "customer_asked",
            "store",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class UsageProfileSerializer(serializers.Serializer):
    first_month = serializers.DateField()
    last_month = serializers.DateField()
    months = serializers.IntegerField()
    voice_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    data_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    uncovered = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2)
    )
    uncovered_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    voice_rate = serializers.DecimalField(max_digits=8, decimal_places=4)
    data_rate_per_kb = serializers.DecimalField(max_digits=8, decimal_places=4)
    minutes = serializers.IntegerField()
    data_kb = serializers.IntegerField()
    average_bill = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class PlanEstimateSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="plan.name_zh")
    availability = serializers.CharField()
    fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    minutes_over = serializers.IntegerField()
    voice_overage = serializers.DecimalField(max_digits=12, decimal_places=2)
    data_kb_over = serializers.IntegerField()
    data_overage = serializers.DecimalField(max_digits=12, decimal_places=2)
    uncovered = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    current = serializers.BooleanField()


class AdviceOutputSerializer(serializers.Serializer):
    msisdn = serializers.CharField(source="customer.msisdn")
    on = serializers.DateField()
    new_customer = serializers.BooleanField()
    usage = UsageProfileSerializer(source="profile")
    plans = PlanEstimateSerializer(source="estimates", many=True)
