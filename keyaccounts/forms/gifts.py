"""SERVICE-14: the small forms of a birthday gift's steps, and the supervisors' filters.
Each step form has its own prefix, so the gift page can show every allowed step at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccounts.models import GiftContactBy, GiftDeliveredBy, GiftStatus
from keyaccounts.selectors.gifts import UNASSIGNED

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class GiftContactForm(forms.Form):
    """SERVICE-14: confirmed with the customer — the gift, when, where, who called."""

    prefix = "contact"

    via = forms.ChoiceField(label=_("Contacted by"), choices=GiftContactBy.choices)
    chosen = forms.CharField(label=_("Gift chosen"), max_length=200)
    deliver_at = forms.DateTimeField(
        label=_("Delivery time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_FORMATS,
    )
    address = forms.CharField(
        label=_("Delivery address"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class GiftDeliverForm(forms.Form):
    """SERVICE-14: delivered by the manager or a third party (named), on which day."""

    prefix = "deliver"

    via = forms.ChoiceField(label=_("Delivered by"), choices=GiftDeliveredBy.choices)
    third_party = forms.CharField(
        label=_("Third party"),
        max_length=100,
        required=False,
        help_text=_("The company or courier, when a third party delivered it."),
    )
    delivered_on = forms.DateField(
        label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("via") == GiftDeliveredBy.THIRD_PARTY and not data.get("third_party"):
            self.add_error("third_party", _("Name the third party that delivered the gift."))
        return data


class GiftCloseForm(forms.Form):
    """SERVICE-14: the customer declined, or could not be reached."""

    prefix = "close"

    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (GiftStatus.UNREACHABLE.value, GiftStatus.UNREACHABLE.label),
            (GiftStatus.DECLINED.value, GiftStatus.DECLINED.label),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "contact": GiftContactForm,
    "deliver": GiftDeliverForm,
    "close": GiftCloseForm,
}


class GiftFilterForm(forms.Form):
    """SERVICE-14: the supervisors' list filters (all optional)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), *GiftStatus.choices],
    )
    manager = forms.ChoiceField(label=_("Account manager"), required=False)
    birthday_from = forms.DateField(
        label=_("Birthday from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birthday_to = forms.DateField(
        label=_("Birthday to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    msisdn = forms.CharField(label=_("Phone number"), required=False, max_length=20)

    def __init__(self, *args: Any, managers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            (UNASSIGNED, _("No personal manager")),
            *((str(m.pk), f"{m.last_name}{m.first_name} ({m.get_username()})") for m in managers),
        ]
