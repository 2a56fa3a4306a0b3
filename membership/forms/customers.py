from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_msisdn


class LookupForm(forms.Form):
    """CUST-1: a phone number, tolerant of spaces, dashes and a +86 prefix."""

    q = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autofocus": True,
                "autocomplete": "off",
                "placeholder": "139 0000 0001",
                "inputmode": "tel",
            }
        ),
    )

    def clean_q(self) -> str:
        try:
            return normalise_msisdn(self.cleaned_data["q"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc
