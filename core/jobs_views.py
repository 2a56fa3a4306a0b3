"""The supervisors' jobs page: every run with its progress, run now, run a failed one again,
resume a stalled one (D-CORE-7).

Thin views: access (the URL matrix: supervisors) → form → core.jobs → redirect with a message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.job_calendar import PERIOD_FORMATS
from core.job_forms import JobRunFilterForm, JobStartForm
from core.jobs import (
    JobOutcome,
    all_jobs,
    get_job,
    job_run_is_stalled,
    job_run_request,
    job_run_resume,
    last_sign_of_life,
    stale_after,
)
from core.models import JobRun
from core.sorting import Sorting

PAGE_SIZE = 25
# ?sort= → the order of the runs (D-HOUSE-10): only what an index serves with the filters —
# the creation time (jobrun_created_idx; with a status, jobrun_status_idx), the job and its
# periods (the unique job + period index), the status then the time (jobrun_status_idx).
SORTING = Sorting(
    {
        "created": ("created_at",),
        "job": ("job", "period"),
        "status": ("status", "created_at"),
    },
    default="-created",
)


def job_run_for_user(user: Any, pk: int) -> JobRun:
    """The one access helper for a job run: the URL matrix lets only supervisors reach it;
    runs are not owned by anybody, so any supervisor may see any run."""
    return get_object_or_404(JobRun.objects.select_related("triggered_by"), pk=pk)


def _calendar() -> list[dict[str, Any]]:
    return [
        {
            "name": job.name,
            "title": job.spec.title,
            "app": job.spec.app,
            "rules": ", ".join(job.spec.rules),
            "when": job.spec.schedule.human() if job.spec.schedule else _("by hand"),
            "crontab": job.spec.schedule.describe() if job.spec.schedule else "",
            "kind": PERIOD_FORMATS[job.spec.period_kind],
            "due": job.spec.period_for() if job.spec.schedule else "",
            "available": job.available,
        }
        for job in all_jobs()
    ]


def _job_title(name: str) -> str:
    try:
        return str(get_job(name).spec.title)
    except DomainError:
        return name


# The CSV of the runs (issue 17): the columns of the list, every page of it; no personal data.
def run_columns() -> list[Column]:
    """Built per request: the headers in the language of the request."""
    return [
        Column(_("Job"), lambda run: _job_title(run.job)),
        Column(_("Period"), lambda run: run.period),
        Column(_("Status"), lambda run: run.get_status_display()),
        Column(_("Created"), lambda run: run.created_at),
        Column(_("Started"), lambda run: run.started_at),
        Column(_("Finished"), lambda run: run.finished_at),
        Column(
            _("Triggered by"),
            lambda run: (
                run.triggered_by.get_username() if run.triggered_by else run.get_trigger_display()
            ),
        ),
        Column(_("Error"), lambda run: run.error),
    ]


def _list_page(
    request: HttpRequest, start_form: JobStartForm, status: int = 200
) -> HttpResponseBase:
    filters = JobRunFilterForm(request.GET or None)
    sort = SORTING.read(request)
    runs = JobRun.objects.select_related("triggered_by")
    chosen: dict[str, str] = {}
    if filters.is_valid():
        chosen = {key: value for key, value in filters.cleaned_data.items() if value}
        if "job" in chosen:
            runs = runs.filter(job=chosen["job"])
        if "status" in chosen:
            runs = runs.filter(status=chosen["status"])
        if "period" in chosen:
            runs = runs.filter(period__startswith=chosen["period"])
    runs = sort.apply(runs)
    if "sort" in request.GET:
        chosen["sort"] = sort.value
    query = urlencode(chosen)
    if wants_csv(request):
        return csv_response(request, "job-runs", run_columns(), runs)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "sort": sort,
        "form": start_form,
        "calendar": _calendar(),
        # the form shown again after a refused POST links no CSV (its URL takes POST only)
        "export_url": export_url(request) if request.method == "GET" else "",
    }
    return render(request, "core/job_runs.html", context, status=status)


def job_runs(request: HttpRequest) -> HttpResponseBase:
    return _list_page(request, JobStartForm())


def _tell(request: HttpRequest, outcome: JobOutcome) -> None:
    if outcome.action == "failed":
        messages.error(request, outcome.message)
    elif outcome.action in ("ran", "started", "resumed"):
        messages.success(request, outcome.message)
    else:
        messages.warning(request, outcome.message)


@require_POST
def job_run_start(request: HttpRequest) -> HttpResponseBase:
    form = JobStartForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        outcome = job_run_request(
            name=form.cleaned_data["job"], period=form.cleaned_data["period"], actor=request.user
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _list_page(request, form, status=400)
    _tell(request, outcome)
    return redirect("core:job_run_detail", pk=outcome.run.pk)


def job_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = job_run_for_user(request.user, pk)
    chunks = run.chunks.all()
    context = {
        "run": run,
        "events": run.events.select_related("actor"),
        "chunks_pending": chunks.filter(done_at__isnull=True).count(),
        "failed_chunks": chunks.exclude(error="").filter(done_at__isnull=True)[:20],
    }
    return render(request, "core/job_run_detail.html", context)


@require_http_methods(["GET", "POST"])
def job_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: run the failed run again (its missing part only)."""
    run = job_run_for_user(request.user, pk)
    if run.status != JobRun.Status.FAILED:
        messages.warning(request, _("Only a failed run can be run again."))
        return redirect("core:job_run_detail", pk=run.pk)
    if request.method != "POST":
        return render(request, "core/job_run_again.html", {"run": run})
    try:
        outcome = job_run_request(name=run.job, period=run.period, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("core:job_run_detail", pk=run.pk)
    _tell(request, outcome)
    return redirect("core:job_run_detail", pk=run.pk)


@require_http_methods(["GET", "POST"])
def job_run_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    """CONV-5 (D-CORE-7). GET: the confirmation step; POST: resume the stalled run, once (a
    second submit finds it no longer stalled and does nothing); its history says who did."""
    run = job_run_for_user(request.user, pk)
    if request.method != "POST":
        if not job_run_is_stalled(run):
            messages.warning(request, _("Only a stalled run can be resumed."))
            return redirect("core:job_run_detail", pk=run.pk)
        context = {
            "run": run,
            "silent_since": last_sign_of_life(run),
            "stale_minutes": int(stale_after(run.job).total_seconds() // 60),
            "chunks_pending": run.chunks.filter(done_at__isnull=True).count(),
            "chunked": get_job(run.job).chunked,
        }
        return render(request, "core/job_run_resume.html", context)
    try:
        outcome = job_run_resume(run=run, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("core:job_run_detail", pk=run.pk)
    _tell(request, outcome)
    return redirect("core:job_run_detail", pk=run.pk)


@never_cache
def job_run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress bar's poll (static/js/jobs.js)."""
    run = job_run_for_user(request.user, pk)
    stalled = job_run_is_stalled(run)
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_label": _("Stalled") if stalled else run.get_status_display(),
            "stalled": stalled,
            "done": run.chunks_done,
            "total": run.chunks_total,
            "percent": run.percent,
            "finished": run.is_finished,
            "error": run.error,
            **({"badge": "bad"} if stalled else {}),
        }
    )
