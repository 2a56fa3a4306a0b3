"""SERVICE-2: the entitlements table edited in the app by supervisors (issue 17): the list,
add and edit with a confirmation of the change (before → after), delete with a confirmation,
and the history of each row (django-simple-history: who changed what, when)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.roles import is_supervisor, staff_name
from core.sorting import Sorting
from servicedesk.access import entitlement_for_user
from servicedesk.filters import EntitlementFilter
from servicedesk.forms import EntitlementForm
from servicedesk.models import Entitlement
from servicedesk.services.entitlements import BASELINE_REASON, entitlement_save
from servicedesk.services.entitlements import entitlement_delete as delete_row

FIELDS = EntitlementForm.Meta.fields
PER_PAGE = 50
HISTORY_PER_PAGE = 25
# ?sort= → the order of the list (the table is small: a few rows per benefit and level)
SORTING = Sorting(
    {
        "benefit": ("benefit", "audience", "scope"),
        "audience": ("audience", "benefit", "scope"),
        "scope": ("scope", "benefit", "audience"),
        "quota": ("quota", "benefit", "audience"),
        "period": ("period", "benefit", "audience"),
    },
    default="benefit",
)


def _supervisor(request: HttpRequest) -> None:
    user = request.user
    if not (getattr(user, "is_superuser", False) or is_supervisor(user)):
        raise PermissionDenied


def label_of(field: str) -> str:
    return str(Entitlement._meta.get_field(field).verbose_name)  # type: ignore[union-attr]


def shown(field: str, value: Any) -> str:
    """A stored value as the table shows it: a choice's label, ✓/✗, ∞ for no quota."""
    model_field = Entitlement._meta.get_field(field)
    if field == "quota" and value is None:
        return "∞"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    choices = dict(model_field.flatchoices)  # type: ignore[union-attr]
    return str(choices.get(value, value))


def _columns() -> list[Column]:
    return [Column(label_of(name), _reader(name)) for name in FIELDS]


def _reader(name: str) -> Any:
    return lambda row: shown(name, getattr(row, name))


def entitlement_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """SERVICE-2: the table, filtered by benefit, level and scope, sorted, paged; CSV."""
    _supervisor(request)
    filterset = EntitlementFilter(request.GET or None, queryset=Entitlement.objects.all())
    sort = SORTING.read(request)
    rows = sort.apply(filterset.qs)
    if wants_csv(request):
        return csv_response(request, "entitlements", _columns(), rows)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/entitlement_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "export_url": export_url(request),
        },
    )


def _changes(before: Entitlement | None, form: EntitlementForm) -> list[dict[str, str]]:
    """The fields the form changes, before → after, as the table shows them."""
    changes = []
    for name in FIELDS:
        old = getattr(before, name) if before is not None else None
        new = form.cleaned_data.get(name)
        if before is not None and old == new:
            continue
        label = label_of(name)
        changes.append(
            {
                "field": label,
                "before": shown(name, old) if before is not None else "",
                "after": shown(name, new),
            }
        )
    return changes


def _edit(request: HttpRequest, entitlement: Entitlement | None) -> HttpResponse:
    """GET: the form; POST: the form checked, then the confirmation page (before → after);
    POST with ``confirm``: saved (the history keeps who, when and the reason)."""
    before = None
    if entitlement is not None:
        before = Entitlement.objects.get(pk=entitlement.pk)
    form = EntitlementForm(request.POST if request.method == "POST" else None, instance=entitlement)
    back_to_form = "edit" in request.POST
    if request.method == "POST" and form.is_valid() and not back_to_form:
        changes = _changes(before, form)
        if not changes:
            messages.info(request, _("Nothing changed."))
            return redirect("servicedesk:entitlement_list")
        if "confirm" in request.POST:
            row = entitlement_save(
                entitlement=form.save(commit=False),
                actor=request.user,
                reason=request.POST.get("reason", "").strip(),
            )
            messages.success(
                request,
                (_("Entitlement changed: %(row)s.") if before else _("Entitlement added: %(row)s."))
                % {"row": row},
            )
            return redirect("servicedesk:entitlement_list")
        return render(
            request,
            "servicedesk/entitlement_confirm.html",
            {"form": form, "entitlement": before, "changes": changes},
        )
    erring = [name for name in form.fields if form.is_bound and name in form.errors]
    form.fields[(erring or ["benefit"])[0]].widget.attrs["autofocus"] = True
    return render(
        request,
        "servicedesk/entitlement_form.html",
        {"form": form, "entitlement": before},
    )


@idempotent_form
def entitlement_create(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    return _edit(request, None)


@idempotent_form
def entitlement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, entitlement_for_user(request.user, pk))


@idempotent_form
def entitlement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: the row is deleted (its history stays)."""
    entitlement = entitlement_for_user(request.user, pk)
    if request.method == "POST":
        label = str(entitlement)
        delete_row(
            entitlement=entitlement,
            actor=request.user,
            reason=request.POST.get("reason", "").strip(),
        )
        messages.success(request, _("Entitlement deleted: %(row)s.") % {"row": label})
        return redirect("servicedesk:entitlement_list")
    return render(request, "servicedesk/entitlement_delete.html", {"entitlement": entitlement})


def entitlement_history(request: HttpRequest, pk: int) -> HttpResponse:
    """SERVICE-2: every version of row ``pk``, newest first, each with what it changed, who
    and when; also for a deleted row (its history stays). Two queries a page: the page's
    versions and the one before them."""
    _supervisor(request)
    versions = (
        Entitlement.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    page = Paginator(versions, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    records = list(page.object_list)
    if not records:
        raise Http404(_("No entitlement #%(pk)s.") % {"pk": pk})
    older = list(versions[page.end_index() : page.end_index() + 1])
    chain = [*records, *older]
    rows = []
    for index, record in enumerate(records):
        previous = chain[index + 1] if index + 1 < len(chain) else None
        if record.history_type == "+" or previous is None:
            changes = [
                {
                    "field": label_of(name),
                    "before": "",
                    "after": shown(name, getattr(record, name)),
                }
                for name in FIELDS
            ]
        elif record.history_type == "-":
            changes = []
        else:
            delta = record.diff_against(previous, included_fields=FIELDS)
            changes = [
                {
                    "field": label_of(change.field),
                    "before": shown(change.field, change.old),
                    "after": shown(change.field, change.new),
                }
                for change in delta.changes
            ]
        who = staff_name(record.history_user) if record.history_user else ""
        reason = record.history_change_reason or ""
        if reason == BASELINE_REASON:
            reason = _("as it stood before the first change in the app")
        rows.append({"record": record, "changes": changes, "who": who, "reason": reason})
    return render(
        request,
        "servicedesk/entitlement_history.html",
        {
            "latest": records[0],
            "alive": Entitlement.objects.filter(pk=pk).exists(),
            "rows": rows,
            "page": page,
        },
    )
