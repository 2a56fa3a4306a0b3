"""D-GROUP-11: the form that marks one notification read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccounts.models import NoticeKind


class NoticeSeenForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=NoticeKind.choices)
    object_id = forms.IntegerField(label=_("number"), min_value=1)
    day = forms.DateField(label=_("day"))
