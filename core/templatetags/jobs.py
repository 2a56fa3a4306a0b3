"""``{{ run|stalled }}``: whether a job run counts as stalled (core.job_states, D-CORE-7);
``{{ run|counts_in_words }}``: its counts with the words its app declared."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.job_registry import get_job
from core.job_states import job_run_is_stalled
from core.manifests import COUNT_LABELS
from core.models import JobRun

register = template.Library()


@register.filter
def stalled(run: JobRun) -> bool:
    return job_run_is_stalled(run)


@register.filter
def counts_in_words(run: JobRun) -> list[tuple[str, str]]:
    """A run's counts as (label, value) in words (``declare_count_labels``): the labels its
    app declared for its job, a nested count as "label value" pairs; a key without a label
    is shown as it is (core/tests/test_job_counts.py fails on one)."""
    labels = COUNT_LABELS.get(run.job, {})
    shown = []
    for key, value in (run.counts or {}).items():
        if isinstance(value, dict):
            text = (
                "；".join(
                    f"{labels.get(f'{key}.{sub}', sub)} {inner}" for sub, inner in value.items()
                )
                or "—"
            )
        elif isinstance(value, bool):
            text = str(_("yes") if value else _("no"))
        else:
            text = str(value)
        shown.append((str(labels.get(key, key)), text))
    return shown


@register.filter
def job_title(name: str) -> str:
    """A job's title in words (its declaration), the name itself for an unknown job."""
    try:
        return str(get_job(name).spec.title)
    except DomainError:
        return name
