"""SERVICE-8: the supervisor's forms for personal account managers."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_msisdn
from keyaccounts.forms.groups import CustomerNumberField, ManagerChoiceField, account_managers
from membership.models import Customer

SEPARATORS = re.compile(r"[\n,;，；]+")


class PersonalManagerAssignForm(forms.Form):
    """SERVICE-8: an eligible customer's personal account manager."""

    customer = CustomerNumberField()
    manager = ManagerChoiceField(label=_("Account manager"), queryset=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["manager"]).queryset = account_managers()


class PersonalManagerRebalanceForm(forms.Form):
    """SERVICE-8: move N personal customers, or the numbers listed, between managers."""

    from_manager = ManagerChoiceField(label=_("From account manager"), queryset=None)
    to_manager = ManagerChoiceField(label=_("To account manager"), queryset=None)
    count = forms.IntegerField(
        label=_("How many (the first by number)"), min_value=1, required=False
    )
    numbers = forms.CharField(
        label=_("Or these numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One number a line, or separated by commas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_manager", "to_manager"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = account_managers()

    def clean_numbers(self) -> list[Customer]:
        raw = [
            t.strip() for t in SEPARATORS.split(self.cleaned_data.get("numbers") or "") if t.strip()
        ]
        numbers = list(dict.fromkeys(normalise_msisdn(t) for t in raw))
        found = {c.msisdn: c for c in Customer.objects.filter(msisdn__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise ValidationError(
                _("No customer has the number %(msisdn)s."), params={"msisdn": ", ".join(unknown)}
            )
        return [found[n] for n in numbers]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given_count = data.get("count") is not None
        given_numbers = bool(data.get("numbers"))
        if not self.errors and given_count == given_numbers:
            raise ValidationError(_("Give either how many customers to move or their numbers."))
        if data.get("from_manager") and data.get("from_manager") == data.get("to_manager"):
            raise ValidationError(_("Choose two different account managers."))
        return data


class PersonalManagerEndForm(forms.Form):
    """SERVICE-8 (D-GROUP-10): end a customer's assignment with no successor, and why."""

    customer = CustomerNumberField()
    note = forms.CharField(
        label=_("Why it ends"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the customer left, or asked not to be called."),
    )
