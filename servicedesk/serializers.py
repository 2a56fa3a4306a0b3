"""Serializers of the service desk API: the output of requests, tickets, entitlements and
waivers, and the input of ``POST /api/service-requests/``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from rest_framework import serializers

from core.validators import normalise_msisdn
from servicedesk.forms import REQUEST_FORMS, RequestForm
from servicedesk.models import BirthdayWaiver, Entitlement, RequestKind, ServiceRequest, Ticket


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
            "refusal_code",
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


# --- POST /api/service-requests/ ------------------------------------------------------------


def _kinds_of(name: str) -> list[tuple[str, bool]]:
    """The kinds whose desk form has the field ``name``, with whether it is required there."""
    return [
        (kind, form.base_fields[name].required)
        for kind, form in REQUEST_FORMS.items()
        if name in form.base_fields
    ]


def _document(name: str, field: forms.Field) -> serializers.Field:
    """A body field for the schema, from the desk form's field of the same name: its type and
    bounds, optional in the body (whether a kind needs it is the desk form's business). The
    schema's descriptions are English (D-5)."""
    kinds = _kinds_of(name)
    if len(kinds) == len(REQUEST_FORMS):
        used_by = "every kind"
    else:
        used_by = ", ".join(
            f"{kind}{' (required)' if required else ''}" for kind, required in kinds
        )
    with translation.override("en"):
        what = f"{field.help_text} " if field.help_text else ""
    options: dict[str, Any] = {
        "required": False,
        "allow_null": True,
        "help_text": f"{what}Kinds: {used_by}.",
    }
    if isinstance(field, forms.ModelChoiceField):  # the hall, by its code (D-API-2)
        options["help_text"] = f"The code of an active service hall, or none. Kinds: {used_by}."
        return serializers.CharField(max_length=16, **options)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=[*cast(Any, field.choices)], **options)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            min_value=None if field.min_value is None else Decimal(str(field.min_value)),
            **options,
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=cast(int | None, field.min_value),
            max_value=cast(int | None, field.max_value),
            **options,
        )
    max_length = field.max_length if isinstance(field, forms.CharField) else None
    return serializers.CharField(max_length=max_length, allow_blank=True, **options)


def _kind_fields() -> dict[str, forms.Field]:
    """Every field of the desk's request forms, once by name (the same field in each form)."""
    fields: dict[str, forms.Field] = {}
    for form in REQUEST_FORMS.values():
        for name, field in form.base_fields.items():
            fields.setdefault(name, field)
    return fields


class ServiceRequestInputSerializer(serializers.Serializer[Any]):
    """A service request to register: the customer's number, the kind of request and that
    kind's own fields, as the service desk's form of the kind takes them."""

    # The desk's form of the kind (servicedesk/forms.py REQUEST_FORMS) validates the kind's
    # fields, so the API takes exactly what the desk takes; the fields below are generated
    # from those forms for the schema. ``hall``: an active hall's code, optional (D-API-2).
    # validated_data: msisdn (11 digits), kind, hall (a Hall or None) and data (the form's
    # cleaned fields, for service_request_create).

    msisdn = serializers.CharField(
        max_length=20,
        help_text="The customer's number (CUST-1; +86, spaces and dashes are ignored).",
    )
    kind = serializers.ChoiceField(choices=RequestKind.choices)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, field in _kind_fields().items():
            fields[name] = _document(name, field)
        return fields

    def validate_msisdn(self, value: str) -> str:
        try:
            return normalise_msisdn(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form_class: type[RequestForm] = REQUEST_FORMS[attrs["kind"]]
        raw = self.initial_data
        # The form reads the body as the desk's POST: absent and null are both "not given".
        form = form_class(
            {
                name: raw[name]
                for name in form_class.base_fields
                if name in raw and raw[name] is not None
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: [str(e) for e in errors]
                    for name, errors in form.errors.items()
                }
            )
        data = dict(form.cleaned_data)
        hall = data.pop("hall", None)
        return {"msisdn": attrs["msisdn"], "kind": attrs["kind"], "hall": hall, "data": data}
