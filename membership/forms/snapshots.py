from django import forms
from django.utils.translation import gettext_lazy as _


class SnapshotTakeForm(forms.Form):
    """CUST-5: the confirmation of a new snapshot list (the preview shows its counts)."""

    name = forms.CharField(label=_("Name of the list"), max_length=64, initial="拍照中高端客户")
    confirm = forms.BooleanField(
        label=_("I have checked the counts and want to take the list"), required=True
    )
