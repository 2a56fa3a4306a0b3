"""Supervisor screens for the snapshot lists 拍照中高端 (CUST-5; KPI-1 retention is measured
against the latest one): the lists taken, a new one (preview, then a confirmed POST), and
a list's members as CSV (masked, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import clock
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.sorting import Sorting
from membership.forms.snapshots import SnapshotTakeForm
from membership.masking import mask_name
from membership.models import SnapshotList
from membership.selectors.snapshots import (
    snapshot_criteria,
    snapshot_lists,
    snapshot_members,
    snapshot_preview,
    with_counts,
)
from membership.services.snapshots import snapshot_list_take

PAGE_SIZE = 25
# ?sort= → the order of the lists (D-HOUSE-10): at most one a day, so any column whose value
# every list has (the counts of a list loaded outside the screen are counted per page).
SORTING = Sorting({"taken": ("taken_on",), "name": ("name", "taken_on")}, default="-taken")


def snapshot_for_user(user: object, pk: int) -> SnapshotList:
    """The one access helper for a snapshot list: the URL matrix lets only supervisors
    reach the lists, and any supervisor may read any list (they are the province's)."""
    return get_object_or_404(SnapshotList, pk=pk)


def list_columns() -> list[Column]:
    """The lists' columns as the screen shows them (D-HOUSE-5), in the request's language;
    counts only (a list's members have their own, audited CSV)."""
    return [
        Column(_("Taken on"), lambda item: item.taken_on),
        Column(_("Name"), lambda item: item.name),
        Column(_("Customers"), lambda item: item.members_count),
        Column(_("Important"), lambda item: item.important_count),
        Column(_("Ordinary"), lambda item: item.ordinary_count),
        Column(
            _("Taken by"), lambda item: item.created_by.get_username() if item.created_by else ""
        ),
    ]


def snapshot_list(request: HttpRequest) -> HttpResponseBase:
    """The lists taken, sorted by a column, paged; ``format=csv``: all of them, same order
    (at most one a day: their counts are filled in one grouped query, as for a page)."""
    sort = SORTING.read(request)
    lists = sort.apply(snapshot_lists())
    if wants_csv(request):
        return csv_response(request, "snapshot-lists", list_columns(), with_counts(list(lists)))
    page = Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_counts(list(page.object_list))
    today = clock.today()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "membership/snapshot_list.html",
        {
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "taken_today": SnapshotList.objects.filter(taken_on=today).first(),
            "export_url": export_url(request),
        },
    )


@require_http_methods(["GET", "POST"])
@idempotent_form
def snapshot_take(request: HttpRequest) -> HttpResponse:
    """GET: the preview (how many customers, how many important, by D-CUST-12's criteria)
    and the confirmation form; POST: take the list (one INSERT … SELECT)."""
    criteria = snapshot_criteria(clock.today())
    form = SnapshotTakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = snapshot_list_take(
                criteria=criteria, name=form.cleaned_data["name"], actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("membership:snapshot_list")
        messages.success(
            request,
            _("Snapshot list of %(day)s taken: %(n)s customers, %(important)s of them important.")
            % {
                "day": snapshot.taken_on.isoformat(),
                "n": snapshot.members_count,
                "important": snapshot.important_count,
            },
        )
        return redirect("membership:snapshot_list")
    return render(
        request,
        "membership/snapshot_take.html",
        {
            "form": form,
            "criteria": criteria,
            "counts": snapshot_preview(criteria),
            "taken_today": SnapshotList.objects.filter(taken_on=criteria.on).first(),
        },
    )


def snapshot_members_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A list's members as CSV, names masked as on every list screen; audited (personal)."""
    snapshot = snapshot_for_user(request.user, pk)
    columns = [
        Column(_("Phone number"), lambda row: row["customer__msisdn"]),
        Column(_("Name"), lambda row: mask_name(row["customer__name"])),
        Column(_("City"), lambda row: row["customer__city"]),
        Column(
            _("Snapshot kind"),
            lambda row: _("important") if row["important"] else _("ordinary"),
        ),
    ]
    return csv_response(
        request,
        f"snapshot-{snapshot.taken_on.isoformat()}",
        columns,
        snapshot_members(snapshot),
        personal=True,
    )
