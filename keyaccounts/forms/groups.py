"""Forms of group customers, key persons, the contact log, upgrades and KPI-1."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.dates import parse_month
from core.roles import MANAGER
from core.validators import normalise_msisdn
from keyaccounts.models import (
    CareOccasion,
    ContactChannel,
    GroupClass,
    KeyPerson,
    KeyPersonRank,
    KeyPersonRole,
)
from keyaccounts.services.groups.contacts import CONTACT_NOTES_MAX, contact_entry_errors
from membership.models import LEVEL_RANK, Customer, Level


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}{obj.first_name} ({obj.get_username()})"


def account_managers() -> Any:
    """The active staff with the account-manager role (GROUP-1)."""
    return (
        get_user_model().objects.filter(groups__name=MANAGER, is_active=True).order_by("username")
    )


class GroupForm(forms.Form):
    """GROUP-1: a group customer. The code is fixed once created."""

    code = forms.CharField(label=_("Group code"), max_length=16)
    name = forms.CharField(label=pgettext_lazy("name of a group", "Name"), max_length=128)
    group_class = forms.ChoiceField(label=_("Class"), choices=GroupClass.choices)
    city = forms.CharField(label=_("City"), max_length=32)
    account_manager = ManagerChoiceField(label=_("Account manager"), queryset=None)
    has_it_centre = forms.BooleanField(label=_("Has an IT centre"), required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["account_manager"]).queryset = account_managers()
        if editing:
            del self.fields["code"]
            del self.fields["group_class"]  # through the class-change page (TIER-6 re-grant)


class GroupClassForm(forms.Form):
    group_class = forms.ChoiceField(label=_("New class"), choices=GroupClass.choices)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CustomerNumberField(forms.CharField):
    """A phone number that must belong to one of our customers (CUST-1)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Customer:
        raw = super().clean(value)
        number = normalise_msisdn(raw)
        try:
            return Customer.objects.get(msisdn=number)
        except Customer.DoesNotExist as exc:
            raise ValidationError(
                _("No customer has the number %(msisdn)s."), params={"msisdn": number}
            ) from exc


class MemberAddForm(forms.Form):
    """GROUP-2: sign a line up as a group member."""

    customer = CustomerNumberField()
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MemberRemoveForm(forms.Form):
    """GROUP-2: a member leaves; the membership ends on the given day (today if empty)."""

    ended_on = forms.DateField(
        label=_("Left on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_ended_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("ended_on")
        if value is not None and value > clock.today():
            raise ValidationError(_("A member cannot be removed from a future day."))
        return value


class KeyPersonForm(forms.Form):
    """GROUP-3: role and rank (and, when adding, the person's line)."""

    customer = CustomerNumberField()
    role = forms.ChoiceField(label=_("Role"), choices=KeyPersonRole.choices)
    rank = forms.ChoiceField(label=_("Rank"), choices=KeyPersonRank.choices)
    title = forms.CharField(label=_("Job title"), max_length=64, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["customer"]


class KeyPersonRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class QuickContactForm(forms.Form):
    """GROUP-4: the one-line contact entry on a key person's row."""

    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)
    occasion = forms.ChoiceField(
        label=_("Occasion"), choices=CareOccasion.choices, initial=CareOccasion.ROUTINE
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000)
    next_follow_up = forms.DateField(
        label=_("Next follow-up"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class KeyPersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_role_display()} · {obj.title or obj.customer.msisdn}"


class ContactForm(QuickContactForm):
    """GROUP-4: the full contact entry: also when (today by default), and for a group
    contact, which key person or who else."""

    contacted_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    # Required (D-VALID-1), checked with the other fields in ``clean`` by the service's check;
    # the ``required`` attribute lets the browser say so before sending.
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=CONTACT_NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )
    key_person = KeyPersonChoiceField(
        label=_("Key person"), queryset=KeyPerson.objects.none(), required=False
    )
    person = forms.CharField(label=_("Or who else"), max_length=64, required=False)

    def __init__(self, *args: Any, group: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if group is None:
            del self.fields["key_person"]
            del self.fields["person"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["key_person"])
            field.queryset = (
                KeyPerson.objects.filter(group=group, ended_at__isnull=True)
                .select_related("customer")
                .order_by("role", "id")
            )

    def clean(self) -> dict[str, Any]:
        """GROUP-4 / D-VALID-1: the contact log's one check (the service's), its messages
        on the fields they concern; a field that failed its own check is not checked again."""
        data = super().clean() or {}
        errors = contact_entry_errors(
            channel=data.get("channel") or "",
            notes=data.get("notes") or "",
            key_person_given="key_person" not in self.fields or data.get("key_person") is not None,
            person=data.get("person") or "",
            occasion=data.get("occasion") or CareOccasion.ROUTINE,
            contacted_at=data.get("contacted_at"),
            next_follow_up=data.get("next_follow_up"),
        )
        for name, message in errors.items():
            if name in self.errors:
                continue
            self.add_error(name if name in self.fields else None, message)
        return data


class UpgradeRequestForm(forms.Form):
    """TIER-7: the level asked for (higher than the current one) and why."""

    requested_level = forms.ChoiceField(label=_("Requested level"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, current_level: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        floor = LEVEL_RANK[current_level] if current_level else 0
        cast(forms.ChoiceField, self.fields["requested_level"]).choices = [
            (value, label) for value, label in Level.choices if LEVEL_RANK[value] > floor
        ]


class DecisionForm(forms.Form):
    """TIER-7: a supervisor's decision needs a reason."""

    note = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class KpiMonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean_month(self) -> date:
        try:
            return parse_month(self.cleaned_data["month"])
        except (ValueError, TypeError) as exc:
            raise ValidationError(_("Give the month as YYYY-MM.")) from exc
