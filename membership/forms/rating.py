from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock


def default_year() -> int:
    """TIER-4: in January the rating is for the year just ended."""
    return clock.today().year - 1


class RatingYearForm(forms.Form):
    year = forms.IntegerField(label=_("Rated year"), min_value=2000, initial=default_year)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if date(year, 12, 31) >= clock.today():
            raise forms.ValidationError(_("The year has not ended yet; rate a past year."))
        return year


class RatingCommitForm(RatingYearForm):
    confirm = forms.BooleanField(
        label=_("I have checked the preview and want to write the grants"),
        required=True,
    )
