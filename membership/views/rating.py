"""Supervisor screens for the annual rating: runs, preview, commit (TIER-3/4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.sorting import Sorting
from core.validators import msisdn_or_none
from membership.forms.rating import RatingCommitForm, RatingYearForm
from membership.masking import mask_name
from membership.models import Level, RatingRun
from membership.services.rating import GoToneAnnualPolicy
from membership.services.rating.base import level_of_rank

# ?sort= → the order of the runs (D-HOUSE-10); a few runs a year: any column shown.
RUNS_SORTING = Sorting(
    {
        "period": ("period", "created_at"),
        "policy": ("policy", "period", "created_at"),
        "state": ("state", "period", "created_at"),
        "when": ("created_at",),
    },
    default="-when",
)


def run_columns() -> list[Column]:
    """The runs list's columns as the screen shows them (D-HOUSE-5); built per request, in
    the request's language. Counts and user names only: not a personal export."""
    return [
        Column(_("Period"), lambda run: run.period),
        Column(_("Policy"), lambda run: run.get_policy_display()),
        Column(_("State"), lambda run: run.get_state_display()),
        Column(_("Rated"), lambda run: run.counts.get("rated")),
        Column(_("Upgrades"), lambda run: run.counts.get("upgrades")),
        Column(_("Downgrades"), lambda run: run.counts.get("downgrades")),
        Column(_("Grants"), lambda run: run.counts.get("granted")),
        Column(_("By"), lambda run: run.committed_by or run.created_by),
        Column(_("When"), lambda run: run.committed_at or run.created_at),
    ]


def rating_runs(request: HttpRequest) -> HttpResponseBase:
    """The rating runs, sorted by a column, paged; ``format=csv``: all of them, same order."""
    sort = RUNS_SORTING.read(request)
    runs = sort.apply(RatingRun.objects.select_related("created_by", "committed_by"))
    if wants_csv(request):
        return csv_response(request, "rating-runs", run_columns(), runs)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "membership/rating_runs.html",
        {
            "page": page,
            "form": RatingYearForm(),
            "sort": sort,
            "query": query.urlencode(),
            "export_url": export_url(request),
        },
    )


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
            # The "before" column is the level held the day before the new grants start
            # (with_movement), not today's: the header says which day.
            "before_day": preview.valid_from - timedelta(days=1) if preview else None,
            "after_day": preview.valid_from if preview else None,
            "commit_form": RatingCommitForm(initial={"year": form.cleaned_data.get("year")})
            if preview
            else None,
        },
    )


CHANGES_PER_PAGE = 50
# ?sort= → the order of the changes (D-HOUSE-10). The list is computed (every rated line's
# score and levels) and sorted whole whatever the key, so only the cheap keys are offered:
# the score and the phone number (unique: the tie-breaker too). Upgrades come highest score
# first, downgrades lowest first, as the preview's samples.
_SCORE = GoToneAnnualPolicy.score_field
CHANGES_SORTING = {
    direction: Sorting(
        {"score": (_SCORE,), "msisdn": ("msisdn",)},
        default=default,
        tie_breaker="msisdn",
    )
    for direction, default in (("up", "-score"), ("down", "score"))
}


def rating_changes(request: HttpRequest) -> HttpResponseBase:
    """Every upgrade or downgrade the rating of a year would make, sorted by score or phone
    number, one number searched, paged, with the CSV of the whole list in the same order
    (names masked as on screen; the export is audited, core.exports)."""
    form = RatingYearForm(request.GET or None)
    direction = "down" if request.GET.get("direction") == "down" else "up"
    if not form.is_valid():
        return render(request, "membership/rating_changes.html", {"form": form})
    policy = GoToneAnnualPolicy()
    period = f"{form.cleaned_data['year']:04d}"
    sort = CHANGES_SORTING[direction].read(request)
    searched = request.GET.get("q", "").strip()
    number = msisdn_or_none(searched) if searched else None
    rows = policy.changes(period, direction, order=sort.order_by())
    if searched:
        # D-VALID-3: a number as a person types it; anything else matches nothing
        rows = rows.filter(msisdn=number) if number else rows.none()
    if wants_csv(request):
        return csv_response(
            request,
            f"rating-{period}-{direction}",
            _change_columns(policy),
            rows,
            personal=True,
        )
    page = Paginator(rows, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [policy.change_row(row) for row in page.object_list]
    start, _end = policy.window(form.cleaned_data["year"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "membership/rating_changes.html",
        {
            "form": form,
            "period": period,
            "direction": direction,
            "sort": sort,
            # the direction's own order unless one was asked (a downgrade's is lowest first)
            "sort_asked": "sort" in request.GET,
            "searched": searched,
            "query": query.urlencode(),
            "page": page,
            "before_day": start - timedelta(days=1),
            "after_day": start,
            "export_url": export_url(request),
        },
    )


def _change_columns(policy: GoToneAnnualPolicy) -> list[Column]:
    def level(key: str) -> Callable[[dict[str, Any]], str]:
        def label(row: dict[str, Any]) -> str:
            found = level_of_rank(row[key])
            return str(Level(found).label) if found in Level.values else _("Not VIP")

        return label

    return [
        Column(_("Phone number"), lambda row: row["msisdn"]),
        Column(_("Name"), lambda row: mask_name(row["name"])),
        Column(_("Score"), lambda row: row[policy.score_field]),
        Column(_("Level before"), level("before_rank")),
        Column(_("Level after"), level(policy.after_field)),
    ]


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
