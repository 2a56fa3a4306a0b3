"""``{{ run|stalled }}``: whether a job run counts as stalled (core.job_states, D-CORE-7)."""

from __future__ import annotations

from django import template

from core.job_states import job_run_is_stalled
from core.models import JobRun

register = template.Library()


@register.filter
def stalled(run: JobRun) -> bool:
    return job_run_is_stalled(run)
