"""Output serializers of the service desk API."""

from __future__ import annotations

from rest_framework import serializers

from servicedesk.models import BirthdayWaiver, Entitlement, ServiceRequest, Ticket


class ServiceRequestSerializer(serializers.ModelSerializer):
    msisdn = serializers.CharField(source="customer.msisdn")
    hall = serializers.CharField(source="hall.code", default=None)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "msisdn",
            "kind",
            "status",
            "privilege",
            "terms",
            "refusal_reason",
            "hall",
            "reservation",
            "lounge_type",
            "location",
            "arrears_month",
            "hours",
            "late_fee",
            "waiver_percent",
            "waived_amount",
            "days",
            "valid_from",
            "valid_until",
            "year",
            "fast_track",
            "subject",
            "created_at",
            "closed_at",
        ]


class TicketSerializer(serializers.ModelSerializer):
    hall = serializers.CharField(source="hall.code")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "hall",
            "day",
            "number",
            "ticket_class",
            "msisdn",
            "status",
            "issued_at",
            "called_at",
            "served_at",
            "wait_seconds",
            "desk",
        ]


class EntitlementSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="audience")

    class Meta:
        model = Entitlement
        fields = [
            "id",
            "benefit",
            "level",
            "scope",
            "quota",
            "period",
            "free",
            "allowance",
            "valid_days",
            "note",
        ]


class FeeWaiverSerializer(serializers.ModelSerializer):
    """docs/interfaces.md: exactly {"msisdn", "date", "amount"}."""

    msisdn = serializers.CharField(source="customer.msisdn")

    class Meta:
        model = BirthdayWaiver
        fields = ["msisdn", "date", "amount"]
