"""Service requests: the form with its entitlement check, the list, a request and its moves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.pagination import CappedCountPaginator
from core.sorting import Sorting
from servicedesk.access import customer_for_registering, service_request_for_user
from servicedesk.filters import ServiceRequestFilter
from servicedesk.forms import REQUEST_FORMS, TransitionForm
from servicedesk.models import RequestKind, RequestStatus, ServiceRequest
from servicedesk.selectors.checks import request_check
from servicedesk.selectors.desk import requests_list
from servicedesk.selectors.standing import customer_standing
from servicedesk.services.requests import service_request_create, service_request_set_status
from servicedesk.views.desk import customer_card_url, remembered_hall

# action in the URL → (target status, the button's label, needs a reason, destructive)
ACTIONS = {
    # Lazy: translated when shown, in the language of the page (not of the first import).
    "start": (RequestStatus.IN_PROGRESS, gettext_lazy("Start"), False, False),
    "complete": (RequestStatus.DONE, gettext_lazy("Complete"), False, False),
    "cancel": (RequestStatus.CANCELLED, gettext_lazy("Cancel the request"), False, True),
    "refuse": (RequestStatus.REFUSED, gettext_lazy("Refuse"), True, True),
}
# D-HOUSE-10: the list grows with the province, so it sorts on what an index serves with
# its filters: the number (the primary key) and the registration time (its own index,
# and (kind, created_at) when filtered by kind; one customer's requests are few).
SORTING = Sorting({"number": ("pk",), "registered": ("created_at",)}, default="-registered")


@idempotent_form
def request_create(request: HttpRequest, msisdn: str, kind: str) -> HttpResponse:
    """GET: the form and the entitlement check of what it holds (a preview, "Check" button);
    POST: register the request (accepted with its terms or refused with the reason).

    Counter clerks and supervisors register any kind; account managers the brand privileges
    of the customers they look after (SERVICE-12), and go back to the customer card."""
    if kind not in RequestKind.values:
        raise Http404(_("Unknown kind of request."))
    customer = customer_for_registering(request.user, msisdn, kind)
    at_counter = may_open(request.user, "servicedesk:request_detail")
    back = (
        reverse("servicedesk:desk_card", kwargs={"msisdn": customer.msisdn})
        if at_counter
        else customer_card_url(customer.msisdn)
    )
    form_class = REQUEST_FORMS[kind]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            hall = data.pop("hall", None)
            try:
                created = service_request_create(
                    customer=customer, kind=kind, actor=request.user, data=data, hall=hall
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if created.status == RequestStatus.REFUSED:
                    messages.error(
                        request,
                        _("Refused: %(reason)s") % {"reason": created.refusal_reason},
                    )
                else:
                    messages.success(request, _("Registered: %(terms)s") % {"terms": created.terms})
                if at_counter or not back:
                    return redirect("servicedesk:request_detail", pk=created.pk)
                return redirect(back)
    else:
        bound = any(name in request.GET for name in form_class.base_fields)
        # D-DESK-20: the clerk's hall is preselected
        mine = remembered_hall(request)
        form = form_class(
            request.GET if bound else None, initial={"hall": mine["code"]} if mine else None
        )
        if bound:
            form.is_valid()
    _autofocus(form)
    check = request_check(customer_standing(customer, clock.today()), kind, form.check_data())
    return render(
        request,
        "servicedesk/request_form.html",
        {
            "customer": customer,
            "kind": kind,
            "kind_label": RequestKind(kind).label,
            "form": form,
            "check": check,
            "back": back,
        },
    )


def _autofocus(form: Any) -> None:
    """The first field with an error, else the kind's first own field (the hall is
    preselected, D-DESK-20), else the note."""
    names = list(form.fields)
    erring = [name for name in names if name in form.errors]
    own = [name for name in names if name not in ("hall", "note")]
    target = (erring or own or ["note"])[0]
    form.fields[target].widget.attrs["autofocus"] = True


def _request_columns() -> list[Column]:
    return [
        Column("#", lambda r: r.pk),
        Column(_("Registered"), lambda r: r.created_at),
        Column(_("Phone number"), lambda r: r.customer.msisdn),
        Column(_("Kind"), lambda r: r.get_kind_display()),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Service hall"), lambda r: r.hall.name if r.hall else ""),
        Column(
            _("Terms or reason"), lambda r: r.refusal_reason if r.status == "refused" else r.terms
        ),
        Column(_("Registered by"), lambda r: r.created_by.username if r.created_by else ""),
    ]


def request_list(
    request: HttpRequest,
) -> HttpResponse | StreamingHttpResponse:
    """The requests with their filters, sorted, paged; ``?format=csv``: every filtered row
    in the same order (phone numbers as the counter sees them: the export is audited,
    core.exports)."""
    filterset = ServiceRequestFilter(request.GET or None, queryset=requests_list())
    sort = SORTING.read(request)
    rows = sort.apply(filterset.qs)
    if wants_csv(request):
        return csv_response(request, "service-requests", _request_columns(), rows, personal=True)
    page = CappedCountPaginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/request_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "export_url": export_url(request),
        },
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service_request = service_request_for_user(request.user, pk)
    events = service_request.events.select_related("actor")
    actions = [
        (name, label)
        for name, (status, label, _reason, _danger) in ACTIONS.items()
        if status in ServiceRequest.TRANSITIONS[service_request.status]
    ]
    return render(
        request,
        "servicedesk/request_detail.html",
        {"req": service_request, "events": events, "actions": actions},
    )


def request_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: the confirmation step; POST: the move."""
    service_request = service_request_for_user(request.user, pk, write=True)
    if action not in ACTIONS:
        raise Http404(_("Unknown action."))
    status, label, needs_reason, danger = ACTIONS[action]
    form = TransitionForm(request.POST or None, note_required=needs_reason)
    if request.method == "POST" and form.is_valid():
        try:
            service_request_set_status(
                request=service_request,
                status=status,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Request #%(pk)d is now %(status)s.")
                % {"pk": service_request.pk, "status": RequestStatus(status).label},
            )
        return redirect("servicedesk:request_detail", pk=service_request.pk)
    return render(
        request,
        "servicedesk/request_confirm.html",
        {"req": service_request, "form": form, "label": label, "danger": danger},
    )
