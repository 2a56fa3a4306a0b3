"""Forms of the jobs page: run a job now, filter the runs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.job_calendar import PERIOD_FORMATS, period_clean
from core.jobs import all_jobs, get_job
from core.models import JobRun


def job_choices() -> list[tuple[str, str]]:
    return [(job.name, str(job.spec.title)) for job in all_jobs()]


class JobStartForm(forms.Form):
    job = forms.ChoiceField(label=_("Job"))
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("As the job is keyed: YYYY, YYYY-MM or YYYY-MM-DD."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["job"]).choices = job_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, period = data.get("job"), data.get("period")
        if not name or period is None:
            return data
        job = get_job(name)
        if not job.available:
            self.add_error("job", job.unavailable_message())
            return data
        try:
            data["period"] = period_clean(job.spec.period_kind, period)
        except DomainError as exc:
            self.add_error(
                "period",
                _("%(error)s (%(job)s is keyed by %(format)s)")
                % {
                    "error": exc.message,
                    "job": job.name,
                    "format": PERIOD_FORMATS[job.spec.period_kind],
                },
            )
        return data


class JobRunFilterForm(forms.Form):
    job = forms.ChoiceField(label=_("Job"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *JobRun.Status.choices],
    )
    # the runs of a year, a month or a day: the start of the period they are keyed by
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM", "size": 10}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["job"]).choices = [("", _("Any job")), *job_choices()]
