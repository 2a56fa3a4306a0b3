"""The supervisors' upload form for the billing feeds (CUST-9)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from membership.models import ImportRun
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


class ImportRunFilterForm(forms.Form):
    """The runs list's toolbar (prefixed ``runs-``: ``?feed=`` chooses the upload's feed)."""

    feed = forms.ChoiceField(
        label=_("Feed"),
        required=False,
        choices=[("", _("All feeds")), *((name, feed.label) for name, feed in FEEDS.items())],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ImportRun.Status.choices],
    )
    q = forms.CharField(label=_("File name"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "runs")
        super().__init__(*args, **kwargs)
