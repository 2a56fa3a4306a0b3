"""Input and output serializers of the points API (no .save(): the services write)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from points.models import Entry, Redemption, RewardItem, Transfer


class LotSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    exempt = serializers.BooleanField()
    balance = serializers.IntegerField()
    expires_on = serializers.DateField(allow_null=True)


class AccountOutputSerializer(serializers.Serializer):
    """POINTS-5 balances (the customer API's ``points`` block), plus the lots."""

    msisdn = serializers.CharField()
    on = serializers.DateField()
    redeemable = serializers.IntegerField()
    redeemed = serializers.IntegerField()
    total_consumption = serializers.IntegerField()
    annual_consumption = serializers.DictField(child=serializers.IntegerField())
    frozen = serializers.BooleanField()
    expiring_this_year = serializers.IntegerField()
    lots = LotSerializer(many=True)


class EntryOutputSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Entry
        fields = [
            "id",
            "booked_on",
            "kind",
            "corrects",
            "amount",
            "year",
            "month",
            "redemption",
            "transfer",
            "run",
            "actor",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class RewardOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RewardItem
        fields = ["id", "name", "category", "points_price", "stock", "active", "description"]
        read_only_fields = fields


class TakenSerializer(serializers.Serializer):
    """The lot amounts a redemption or a transfer moved."""

    year = serializers.IntegerField()
    points = serializers.IntegerField()


def _taken(entries: Any, kind: str) -> list[dict[str, int]]:
    return [{"year": e.year, "points": -e.amount} for e in entries if e.kind == kind]


class RedemptionOutputSerializer(serializers.ModelSerializer):
    msisdn = serializers.CharField(source="customer.msisdn")
    item_name = serializers.CharField(source="item.name")
    lots = serializers.SerializerMethodField()

    class Meta:
        model = Redemption
        fields = [
            "id",
            "msisdn",
            "item",
            "item_name",
            "quantity",
            "points",
            "status",
            "created_at",
            "lots",
        ]
        read_only_fields = fields

    @extend_schema_field(TakenSerializer(many=True))
    def get_lots(self, obj: Redemption) -> list[dict[str, int]]:
        return _taken(obj.entries.all(), "redemption")


class RedemptionInputSerializer(serializers.Serializer):
    msisdn = serializers.CharField(max_length=20)
    item = serializers.PrimaryKeyRelatedField(queryset=RewardItem.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferOutputSerializer(serializers.ModelSerializer):
    sender = serializers.CharField(source="sender.msisdn")
    recipient = serializers.CharField(source="recipient.msisdn")
    lots = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = ["id", "sender", "recipient", "points", "month", "created_at", "lots"]
        read_only_fields = fields

    @extend_schema_field(TakenSerializer(many=True))
    def get_lots(self, obj: Transfer) -> list[dict[str, int]]:
        return _taken(obj.entries.all(), "transfer_out")


class TransferInputSerializer(serializers.Serializer):
    sender = serializers.CharField(max_length=20)
    recipient = serializers.CharField(max_length=20)
    points = serializers.IntegerField(min_value=1)
