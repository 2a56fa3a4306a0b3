"""Forms of the line's life cycle: status (CUST-4), transfer, number change, move (CUST-6/7).

Forms check what the screen can check (required fields, formats, allowed transitions);
the services decide the rest and their DomainError lands on the form as a non-field error,
so a rejected form comes back with what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_msisdn
from membership.models import Brand, Customer, Status, SuspensionReason


class CustomerStatusForm(forms.Form):
    """CUST-4: offers only the moves allowed from the line's current status."""

    status = forms.ChoiceField(label=_("New status"))
    reason = forms.ChoiceField(
        label=_("Suspension reason"),
        required=False,
        choices=[("", "—"), *SuspensionReason.choices],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = Customer.TRANSITIONS[customer.status]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Status.choices if value in allowed
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == Status.SUSPENDED and not cleaned.get("reason"):
            self.add_error("reason", _("A suspension needs a reason."))
        if cleaned.get("status") != Status.SUSPENDED:
            cleaned["reason"] = ""
        return cleaned

    @property
    def needs_confirmation(self) -> bool:
        """Cancellation is destructive (TIER-9, POINTS-10): it is asked for twice."""
        return self.cleaned_data["status"] == Status.CANCELLED and not self.cleaned_data.get(
            "confirm"
        )


class MsisdnField(forms.CharField):
    """CUST-1: tolerates spaces and a +86 prefix, cleans to the 11 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        try:
            return normalise_msisdn(raw)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_msisdn") from exc


class OwnershipTransferForm(forms.Form):
    """CUST-6 过户."""

    new_name = forms.CharField(label=_("New holder's name"), max_length=64)
    new_id_number = forms.CharField(
        label=_("New holder's national ID number"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_new_id_number(self) -> str:
        return "".join(self.cleaned_data["new_id_number"].split()).upper()


class NumberChangeForm(forms.Form):
    """CUST-6 换号."""

    new_msisdn = MsisdnField(label=_("New phone number"))


class RegionMoveForm(forms.Form):
    """CUST-7 跨区入网."""

    new_msisdn = MsisdnField(
        label=_("Phone number in the new region"),
        help_text=_("The line's current number may be kept."),
    )
    province = forms.CharField(label=_("Province"), max_length=32)
    city = forms.CharField(label=_("City"), max_length=32)
    brand = forms.ChoiceField(
        label=_("Brand"),
        required=False,
        choices=[("", _("Unchanged")), *Brand.choices],
    )

    def clean_brand(self) -> str | None:
        return self.cleaned_data.get("brand") or None
