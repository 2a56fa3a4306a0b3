"""CUST-11: the filter of the member timeline."""

from django import forms
from django.utils.translation import gettext_lazy as _

from membership.extensions import TIMELINE_KINDS


class TimelineFilterForm(forms.Form):
    """Which kinds of entries to show; none ticked shows them all."""

    kind = forms.MultipleChoiceField(
        label=_("Show"),
        choices=TIMELINE_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
