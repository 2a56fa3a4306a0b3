"""The supervisors' upload form for the billing feeds (CUST-9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from membership.services.imports import FEEDS


class ImportUploadForm(forms.Form):
    feed = forms.ChoiceField(
        label=_("Feed"), choices=[(name, feed.label) for name, feed in FEEDS.items()]
    )
    file = forms.FileField(
        label=_("CSV file (UTF-8, with a header row)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the whole file and count, write nothing"), required=False
    )
