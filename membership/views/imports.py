"""Supervisor screens for the billing feeds (CUST-9): upload a file, follow its run, run a
crashed one again.

Thin views: access (the URL matrix: supervisors) → form → service → redirect. The import runs
in the background (task ``membership.run_import``); without Redis it runs in-process when the
upload commits, so the redirect lands on a finished run (D-IMPORT-5).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.sorting import Sorting
from membership.forms.imports import ImportRunFilterForm, ImportUploadForm
from membership.models import ImportRun
from membership.services.imports import (
    FEEDS,
    import_run_apply,
    import_run_apply_refusal,
    import_run_create,
    import_run_is_stale,
    import_run_rerun,
    import_run_rerun_refusal,
)

PAGE_SIZE = 25
# ?sort= → the order of the runs (D-HOUSE-10): the upload time, which importrun_created_idx
# serves with or without the feed and status filters; the other columns are not indexed.
SORTING = Sorting({"uploaded": ("created_at",)}, default="-uploaded")
# The badge colours of templates/membership/partials/import_status.html, for the poll.
BADGES: dict[str, str] = {
    ImportRun.Status.SUCCEEDED: "ok",
    ImportRun.Status.FAILED: "bad",
    ImportRun.Status.ERROR: "bad",
    ImportRun.Status.RUNNING: "warn",
    ImportRun.Status.QUEUED: "",
}


def import_run_for_user(user: Any, pk: int) -> ImportRun:
    """The one access helper for an import run: the URL matrix lets only supervisors reach it;
    any supervisor may see any run (the feeds are the team's work, not one person's)."""
    return get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)


def progress_text(run: ImportRun) -> str:
    """The line under a run's progress bar (the page and the progress JSON say the same)."""
    if run.status == ImportRun.Status.QUEUED:
        return _("Waiting for a worker…")
    if run.status == ImportRun.Status.RUNNING and run.bytes_read >= run.size:
        return _("File read; checking and writing…")
    return _("%(read)s of %(size)s read") % {
        "read": filesizeformat(run.bytes_read),
        "size": filesizeformat(run.size),
    }


def result_message(run: ImportRun) -> str:
    """What a succeeded run did, in the words of the upload page before runs existed."""
    if run.status != ImportRun.Status.SUCCEEDED:
        return ""
    counts = _("created %(created)s, updated %(updated)s") % {
        "created": run.counts.get("created", 0),
        "updated": run.counts.get("updated", 0),
    }  # the command's summary, in the page's language
    values = {"feed": FEEDS[run.feed].label, "summary": counts}
    if run.dry_run:
        message = (
            _(
                "Dry run of the %(feed)s feed: the file is valid and would give %(summary)s. "
                "Nothing was written."
            )
            % values
        )
    else:
        message = _("%(feed)s feed imported: %(summary)s.") % values
    return f"{message} {negative_note(run)}".strip()


def negative_note(run: ImportRun) -> str:
    """D-VALID-2: bills with a negative total (credits) are imported, and the page says so."""
    count = int(run.counts.get("negative_totals", 0))
    if not count:
        return ""
    lines = ", ".join(str(line) for line in run.counts.get("negative_lines", []))
    if count > len(run.counts.get("negative_lines", [])):
        lines = _("%(lines)s and more") % {"lines": lines}
    return ngettext(
        "%(count)d bill has a negative total (a credit), which earns no points: line %(lines)s.",
        "%(count)d bills have a negative total (a credit), which earns no points: lines %(lines)s.",
        count,
    ) % {"count": count, "lines": lines}


def _run_result(run: ImportRun) -> str:
    """The result column of the runs list, in words (as the page shows it)."""
    if not run.is_finished:
        return progress_text(run)
    if run.status == ImportRun.Status.SUCCEEDED:
        return _("created %(created)s, updated %(updated)s") % {
            "created": run.counts.get("created", 0),
            "updated": run.counts.get("updated", 0),
        }
    if run.status == ImportRun.Status.FAILED:
        return ngettext("%(n)d bad line", "%(n)d bad lines", run.error_count) % {
            "n": run.error_count
        }
    return run.error


# issue 17: the runs list as CSV (every run as filtered and sorted); file names and counts
# only, no customer's data, so the export is not a personal one.
def run_columns() -> list[Column]:
    """Built per request: the headers in the language of the request."""
    return [
        Column(_("Uploaded"), lambda run: run.created_at),
        Column(_("Feed"), lambda run: run.get_feed_display()),
        Column(_("Dry run"), lambda run: run.dry_run),
        Column(_("File"), lambda run: run.original_name),
        Column(_("Size (bytes)"), lambda run: run.size),
        Column(_("Status"), lambda run: run.get_status_display()),
        Column(_("Result"), _run_result),
        Column(
            _("Uploaded by"), lambda run: run.created_by.get_username() if run.created_by else ""
        ),
    ]


@require_http_methods(["GET", "POST"])
@idempotent_form
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form and the runs, filtered by feed, status and file name, newest first or
    sorted (``format=csv``: all of them)."""
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, initial={"feed": request.GET.get("feed")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = import_run_create(
                feed=form.cleaned_data["feed"],
                uploaded_file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("membership:import_run_detail", pk=run.pk)
    filters = ImportRunFilterForm(request.GET)
    sort = SORTING.read(request)
    runs = sort.apply(_filtered(ImportRun.objects.select_related("created_by"), filters))
    if request.method == "GET" and wants_csv(request):
        # a GET, which idempotent_form passes through: the stream needs no HttpResponse
        return cast(HttpResponse, csv_response(request, "import-runs", run_columns(), runs))
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(run, progress_text(run)) for run in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "sort": sort,
        "page": page,
        "rows": rows,
        "feeds": FEEDS,
        "query": query.urlencode(),
        "export_url": export_url(request),
    }
    return render(request, "membership/import_form.html", context)


def _filtered(runs: QuerySet[ImportRun], filters: ImportRunFilterForm) -> QuerySet[ImportRun]:
    if not filters.is_valid():
        return runs
    chosen = filters.cleaned_data
    if chosen["feed"]:
        runs = runs.filter(feed=chosen["feed"])
    if chosen["status"]:
        runs = runs.filter(status=chosen["status"])
    if chosen["q"].strip():
        runs = runs.filter(original_name__icontains=chosen["q"].strip())
    return runs


def import_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_for_user(request.user, pk)
    context = {
        "run": run,
        "progress_text": progress_text(run),
        "feed": FEEDS[run.feed],
        "events": run.events.select_related("actor"),
        "stale": import_run_is_stale(run),
        "can_rerun": import_run_rerun_refusal(run) is None,
        "can_apply": import_run_apply_refusal(run) is None,
        "result_message": result_message(run),
        # the bad lines partial (templates/membership/partials/import_errors.html)
        "result": run,
        "hidden_errors": run.hidden_errors,
    }
    return render(request, "membership/import_run_detail.html", context)


@never_cache
def import_run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress bar's poll (static/js/jobs.js)."""
    run = import_run_for_user(request.user, pk)
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_label": run.get_status_display(),
            "badge": BADGES.get(run.status, ""),
            "bytes_read": run.bytes_read,
            "size": run.size,
            "percent": run.percent,
            "text": progress_text(run),
            "finished": run.is_finished,
            "error_count": run.error_count,
            "error": run.error,
        }
    )


@require_http_methods(["GET", "POST"])
def import_run_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: import the file a passed dry run checked (CUST-9)."""
    run = import_run_for_user(request.user, pk)
    refusal = import_run_apply_refusal(run)
    if refusal is not None:
        messages.warning(request, refusal)
        return redirect("membership:import_run_detail", pk=run.pk)
    if request.method != "POST":
        context = {"run": run, "feed": FEEDS[run.feed], "result_message": result_message(run)}
        return render(request, "membership/import_run_apply.html", context)
    try:
        applied = import_run_apply(run=run, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("membership:import_run_detail", pk=run.pk)
    return redirect("membership:import_run_detail", pk=applied.pk)


@require_http_methods(["GET", "POST"])
def import_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: run a crashed or stuck import again (CONV-5)."""
    run = import_run_for_user(request.user, pk)
    refusal = import_run_rerun_refusal(run)
    if refusal is not None:
        messages.warning(request, refusal)
        return redirect("membership:import_run_detail", pk=run.pk)
    if request.method != "POST":
        context = {"run": run, "feed": FEEDS[run.feed], "stale": import_run_is_stale(run)}
        return render(request, "membership/import_run_again.html", context)
    try:
        import_run_rerun(run=run, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import was sent to run again."))
    return redirect("membership:import_run_detail", pk=run.pk)
