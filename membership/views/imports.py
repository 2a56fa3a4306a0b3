"""Supervisor screen: upload a billing feed (customers, bills, usage) — CUST-9."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from membership.forms.imports import ImportUploadForm
from membership.services.imports import FEEDS, ImportResult, feed_import

SHOWN_ERRORS = 200  # the page lists this many bad lines; the command prints them all


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        feed = form.cleaned_data["feed"]
        try:
            result = feed_import(
                feed=feed,
                path_or_file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
                max_errors=SHOWN_ERRORS,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if result.ok:
                label = FEEDS[feed].label
                if result.dry_run:
                    text = _(
                        "Dry run of the %(feed)s feed: the file is valid and would give "
                        "%(summary)s. Nothing was written."
                    )
                else:
                    text = _("%(feed)s feed imported: %(summary)s.")
                messages.success(request, text % {"feed": label, "summary": result.summary})
                return redirect("membership:import_upload")
    hidden = result.error_count - len(result.errors) if result else 0
    return render(
        request,
        "membership/import_form.html",
        {"form": form, "result": result, "hidden_errors": hidden, "feeds": FEEDS},
    )
