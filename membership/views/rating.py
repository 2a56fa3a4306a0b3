"""Supervisor screens for the annual rating: runs, preview, commit (TIER-3/4)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from membership.forms.rating import RatingCommitForm, RatingYearForm
from membership.models import RatingRun
from membership.services.rating import GoToneAnnualPolicy


def rating_runs(request: HttpRequest) -> HttpResponse:
    runs = RatingRun.objects.select_related("created_by", "committed_by").order_by("-created_at")
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "membership/rating_runs.html", {"page": page, "form": RatingYearForm()})


def rating_preview(request: HttpRequest) -> HttpResponse:
    form = RatingYearForm(request.POST or request.GET or None)
    preview = None
    committed = None
    if form.is_valid():
        period = f"{form.cleaned_data['year']:04d}"
        preview = GoToneAnnualPolicy().preview(
            period=period, actor=request.user, record=request.method == "POST"
        )
        committed = RatingRun.objects.filter(
            policy=GoToneAnnualPolicy.key, period=period, state=RatingRun.State.COMMITTED
        ).first()
    return render(
        request,
        "membership/rating_preview.html",
        {
            "form": form,
            "preview": preview,
            "committed": committed,
            "commit_form": RatingCommitForm(initial={"year": form.cleaned_data.get("year")})
            if preview
            else None,
        },
    )


@require_POST
def rating_commit(request: HttpRequest) -> HttpResponse:
    form = RatingCommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to commit the rating."))
        return redirect(f"{_preview_url()}?year={request.POST.get('year', '')}")
    try:
        run = GoToneAnnualPolicy().commit(
            period=f"{form.cleaned_data['year']:04d}", actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("membership:rating_runs")
    messages.success(
        request,
        _("Rating %(period)s committed: %(n)s grants written.")
        % {"period": run.period, "n": run.counts.get("granted", 0)},
    )
    return redirect("membership:rating_runs")


def _preview_url() -> str:
    from django.urls import reverse

    return reverse("membership:rating_preview")
