from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_msisdn
from membership.models import Customer
from points.models import EntryKind, Redemption, RewardItem, TransferRecipient
from points.selectors import catalogue_within, recipients_of
from points.services.valuation import RATE_DECIMALS, rate_refusal


class EntryFilterForm(forms.Form):
    """The ledger's toolbar on the points tab."""

    kind = forms.ChoiceField(
        required=False, choices=[("", _("All kinds")), *EntryKind.choices], label=_("Kind")
    )
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Lot year"))


class RedemptionFilterForm(forms.Form):
    """The toolbar of a customer's redemptions."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Any status")), *Redemption.Status.choices],
        label=_("Status"),
    )


class RewardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        """The reward, its price and its stock, each labelled (issue 17)."""
        return gettext("%(name)s · %(points)s points · %(category)s · %(stock)s in stock") % {
            "name": obj.name,
            "points": obj.points_price,
            "category": obj.get_category_display(),
            "stock": obj.stock,
        }


class RedeemForm(forms.Form):
    """POINTS-7: a reward from the catalogue and how many.

    Only the rewards the customer can afford (one of), on offer and in stock, are choices
    (``catalogue_within`` the redeemable balance ``within``); a reward posted that is not
    among them is refused with a message that says why it may be missing.
    """

    item = RewardChoiceField(
        queryset=RewardItem.objects.none(),
        label=_("Reward"),
        empty_label=_("Choose a reward"),
        error_messages={
            "invalid_choice": _(
                "This reward is not on offer to this customer: it is out of stock, no longer "
                "offered, or costs more points than the redeemable balance."
            )
        },
        widget=forms.Select(attrs={"autofocus": True}),
    )
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1, label=_("Quantity"))

    def __init__(self, *args: Any, within: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = catalogue_within(within)


class RecipientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.recipient.msisdn


class TransferForm(forms.Form):
    """POINTS-8: to one of the sender's registered recipients."""

    recipient = RecipientChoiceField(
        queryset=TransferRecipient.objects.none(), label=_("Recipient")
    )
    points = forms.IntegerField(min_value=1, label=_("Points"))

    def __init__(self, *args: Any, sender: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = recipients_of(sender)


class RecipientForm(forms.Form):
    """POINTS-8: register a recipient by phone number."""

    msisdn = forms.CharField(max_length=20, label=_("Recipient's phone number"))

    def clean_msisdn(self) -> Customer:
        number = normalise_msisdn(self.cleaned_data["msisdn"])
        customer = Customer.objects.filter(msisdn=number).first()
        if customer is None:
            raise ValidationError(
                _("No customer has the number %(n)s."), params={"n": number}, code="unknown"
            )
        return customer


class NoteForm(forms.Form):
    """Confirmation of a cancellation, with an optional note."""

    note = forms.CharField(required=False, max_length=200, label=_("Note"))


class ValuationForm(forms.Form):
    """FIN-1: a yuan-per-point rate and the day it is in force from."""

    rate = forms.DecimalField(
        label=_("Yuan per point"),
        max_digits=8,
        decimal_places=RATE_DECIMALS,
        help_text=_("Positive, at most 4 decimals, e.g. 0.0100 (1 fen a point)."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        # ISO whatever the language: a date input reads no other format.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    note = forms.CharField(required=False, max_length=200, label=_("Note"))

    def clean_rate(self) -> Decimal:
        rate: Decimal = self.cleaned_data["rate"]
        refusal = rate_refusal(rate)
        if refusal:
            raise ValidationError(refusal, code="rate")
        return rate
