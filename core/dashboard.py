"""The supervisor's home: live figures each app contributes (issue 17).

core names no domain app, so an app that has a figure for the supervisor's home registers it
here from its ``AppConfig.ready()`` (as apps register their panels on the customer card):
a template, a function ``context(request, today)`` answering the template's context, and the
URL name of the page the figure leads to. A figure is shown only to a user who may open that
page (the access table), in ``order``. A figure's queries must be cheap at a province's size:
aggregates over indexes, or a figure some job already stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.urls import reverse

from core import clock
from core.access import may_open
from core.job_registry import calendar
from core.models import JobRun


@dataclass(frozen=True)
class Figure:
    key: str
    order: int
    template: str
    url_name: str
    context: Callable[[HttpRequest, date], dict[str, Any]]


FIGURES: dict[str, Figure] = {}


def register_figure(
    *,
    key: str,
    template: str,
    url_name: str,
    context: Callable[[HttpRequest, date], dict[str, Any]],
    order: int = 100,
) -> None:
    FIGURES[key] = Figure(key, order, template, url_name, context)


def figures_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The figures ``request.user`` may follow, each with its context and link."""
    today = clock.today()
    shown = []
    for figure in sorted(FIGURES.values(), key=lambda f: f.order):
        if not may_open(request.user, figure.url_name):
            continue
        shown.append(
            {
                "key": figure.key,
                "template": figure.template,
                "url": reverse(figure.url_name),
                "context": figure.context(request, today),
            }
        )
    return shown


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart drawn on the server (an inline SVG, no script)."""

    label: str
    value: int
    y: int
    width: int  # in the chart's units, 0..BAR_SPAN
    css: str = ""


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int


BAR_SPAN = 300
BAR_STEP = 26


def bar_chart(rows: list[tuple[str, int, str]]) -> BarChart:
    """Label, value and CSS class of each bar → bars scaled to the largest value, one under
    the other (templates/core/partials/bar_chart.html draws them)."""
    top = max((value for _label, value, _css in rows), default=0) or 1
    drawn = [
        Bar(str(label), value, index * BAR_STEP, round(BAR_SPAN * value / top), css)
        for index, (label, value, css) in enumerate(rows)
    ]
    return BarChart(drawn, max(len(drawn), 1) * BAR_STEP)


def job_health(request: HttpRequest, today: date) -> dict[str, Any]:
    """CONV-5: the last run of each calendar job and whether it failed; the failures of the
    last seven days. Two queries whatever the history: the last run id per job (the
    ``(job, period)`` index), then those runs."""
    specs = calendar()
    last_ids = (
        JobRun.objects.filter(job__in=[spec.name for spec in specs])
        .values("job")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    last = {run.job: run for run in JobRun.objects.filter(pk__in=list(last_ids))}
    week_ago = clock.now() - timedelta(days=7)
    recent = JobRun.objects.filter(created_at__gte=week_ago).aggregate(
        failed=Count("id", filter=Q(status=JobRun.Status.FAILED)),
        running=Count("id", filter=Q(status=JobRun.Status.RUNNING)),
    )
    runs = [last.get(spec.name) for spec in specs]
    return {
        "rows": [{"spec": spec, "run": run} for spec, run in zip(specs, runs, strict=True)],
        "failed_week": recent["failed"],
        "running": recent["running"],
        "failing_now": sum(1 for run in runs if run and run.status == JobRun.Status.FAILED),
    }
