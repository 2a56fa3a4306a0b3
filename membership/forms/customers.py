from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from membership.selectors.search import (
    ID_TYPED_RE,
    CounterQuery,
    normalise_id_number,
    parse_counter_query,
)


class LookupForm(forms.Form):
    """CUST-1 / D-CUST-9: the counter's one search box — a phone number (spaces, dashes, a
    +86 prefix and full-width digits are fine), an ID number, a queue ticket number or the
    start of a name. ``cleaned_data["q"]`` is a ``CounterQuery``."""

    q = forms.CharField(
        label=_("Phone number, name, ID or ticket number"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autofocus": True,
                "autocomplete": "off",
                "accesskey": "s",
                "placeholder": "139 0000 0001 · 张三 · V012",
                "spellcheck": "false",
            }
        ),
    )

    def clean_q(self) -> CounterQuery:
        try:
            return parse_counter_query(self.cleaned_data["q"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc


class IdentityCheckForm(forms.Form):
    """CUST-10: the number on the ID card in front of the clerk (18 characters; a lowercase
    x, spaces and full-width digits are fine)."""

    id_number = forms.CharField(
        label=_("ID number on the card"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "accesskey": "i"}
        ),
    )

    def __init__(self, *args: object, autofocus: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if autofocus:
            self.fields["id_number"].widget.attrs["autofocus"] = True

    def clean_id_number(self) -> str:
        value = normalise_id_number(self.cleaned_data["id_number"])
        if not ID_TYPED_RE.match(value):
            raise ValidationError(
                _("An ID number has 18 characters: 17 digits and a digit or X at the end.")
            )
        return value
