"""SERVICE-1 screens: halls, the clerk's queue console, the hall board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.pagination import CappedCountPaginator
from core.search import search_term
from core.sorting import Sorting
from servicedesk.access import hall_for_user, ticket_for_user
from servicedesk.forms import CallNextForm, HallSearchForm, TicketIssueForm, TicketSearchForm
from servicedesk.models import Hall, Ticket, TicketStatus
from servicedesk.selectors import queue as queue_selectors
from servicedesk.services.queue import ticket_call_next as call_next
from servicedesk.services.queue import ticket_issue as issue
from servicedesk.services.queue import ticket_set_status
from servicedesk.views.desk import remember_hall, remembered_hall, ticket_issued_text

TICKET_ACTIONS = {"served": TicketStatus.SERVED, "cancel": TicketStatus.CANCELLED}
# D-HOUSE-10: the halls are a small table, sorted by any column shown.
HALL_SORTING = Sorting({"hall": ("name",), "city": ("city", "name")}, default="city")
# D-HOUSE-10: a hall's tickets of a day, on the (day, hall, issued_at) index and the
# unique (hall, day, number) one; the default is the order they were issued.
TICKET_SORTING = Sorting({"issued": ("issued_at",), "number": ("number",)}, default="issued")
TICKETS_PER_PAGE = 50


def _hall_columns() -> list[Column]:
    return [
        Column(_("Code"), lambda h: h.code),
        Column(_("Hall"), lambda h: h.name),
        Column(_("City"), lambda h: h.city),
        Column(pgettext("hall", "Open"), lambda h: h.active),
    ]


def hall_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The halls, searched, filtered (open or closed), sorted and paged; ``?format=csv``."""
    form = HallSearchForm(request.GET)
    form.is_valid()
    sort = HALL_SORTING.read(request)
    rows = sort.apply(
        queue_selectors.hall_search(
            q=search_term(request.GET), state=form.cleaned_data.get("state", "")
        )
    )
    if wants_csv(request):
        return csv_response(request, "halls", _hall_columns(), rows)
    page = CappedCountPaginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/hall_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "export_url": export_url(request),
            "my_hall": remembered_hall(request),
        },
    )


def _ticket_columns() -> list[Column]:
    return [
        Column(_("Ticket"), lambda t: t.number),
        Column(_("Class"), lambda t: t.get_ticket_class_display()),
        Column(_("Phone number"), lambda t: t.msisdn),
        Column(_("Status"), lambda t: t.get_status_display()),
        Column(_("Issued at"), lambda t: t.issued_at),
        Column(_("Called at"), lambda t: t.called_at),
        Column(_("Served at"), lambda t: t.served_at),
        Column(
            _("Waited (min)"),
            lambda t: None if t.wait_seconds is None else round(t.wait_seconds / 60, 1),
        ),
        Column(_("Desk"), lambda t: t.desk),
    ]


def _tickets(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The hall's tickets of the day asked (today by default), searched and filtered, in the
    order asked: the list and its CSV."""
    form = TicketSearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    day = data.get("day") or clock.today()
    sort = TICKET_SORTING.read(request)
    rows = queue_selectors.hall_tickets(
        hall,
        day,
        q=search_term(request.GET),
        status=data.get("status", ""),
        ticket_class=data.get("ticket_class", ""),
    )
    return {"form": form, "day": day, "sort": sort, "rows": sort.apply(rows)}


def hall_desk(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    """The clerk's console: issue a ticket, call the next one, mark the called ones served,
    and the hall's tickets of the day (searched, filtered, sorted, paged, D-HOUSE-10).
    Opening a hall's console makes it the clerk's hall (D-DESK-20); ``?format=csv``: the
    tickets as listed, every page (phone numbers as the counter sees them: audited)."""
    hall = hall_for_user(request.user, code)
    tickets = _tickets(request, hall)
    if wants_csv(request):
        # named by the day of download (core.exports); another day's tickets say theirs too
        name = f"tickets-{hall.code}"
        if tickets["day"] != clock.today():
            name += f"-{tickets['day']}"
        return csv_response(request, name, _ticket_columns(), tickets["rows"], personal=True)
    if (remembered_hall(request) or {}).get("code") != hall.code:
        remember_hall(request, hall)
    in_service = (
        Ticket.objects.filter(hall=hall, day=clock.today(), status=TicketStatus.CALLED)
        .select_related("customer")
        .order_by("-called_at")
    )
    issue_form = TicketIssueForm()
    issue_form.fields["msisdn"].widget.attrs["autofocus"] = True
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/hall_desk.html",
        {
            "hall": hall,
            "issue_form": issue_form,
            "call_form": CallNextForm(initial={"desk": request.session.get("desk", "")}),
            "in_service": in_service,
            "board": queue_selectors.hall_board(hall),
            "export_url": export_url(request),
            "form": tickets["form"],
            "day": tickets["day"],
            "sort": tickets["sort"],
            "page": CappedCountPaginator(tickets["rows"], TICKETS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "query": query.urlencode(),
        },
    )


@require_POST
@idempotent_form
def ticket_issue(request: HttpRequest, code: str) -> HttpResponse:
    hall = hall_for_user(request.user, code, write=True)
    form = TicketIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(error) for error in form.errors["msisdn"]))
        return redirect("servicedesk:hall_desk", code=hall.code)
    try:
        ticket = issue(hall=hall, msisdn=form.cleaned_data["msisdn"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ticket_issued_text(ticket))
    return redirect("servicedesk:hall_desk", code=hall.code)


@require_POST
@idempotent_form
def ticket_call_next(request: HttpRequest, code: str) -> HttpResponse:
    hall = hall_for_user(request.user, code, write=True)
    form = CallNextForm(request.POST)
    desk = form.cleaned_data["desk"] if form.is_valid() else ""
    request.session["desk"] = desk
    try:
        ticket = call_next(hall=hall, actor=request.user, desk=desk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("servicedesk:hall_desk", code=hall.code)
    if ticket is None:
        messages.info(request, _("Nobody is waiting."))
        return redirect("servicedesk:hall_desk", code=hall.code)
    messages.success(
        request,
        _("Calling %(number)s (%(msisdn)s), waited %(minutes)d min.")
        % {
            "number": ticket.number,
            "msisdn": ticket.msisdn,
            "minutes": (ticket.wait_seconds or 0) // 60,
        },
    )
    if ticket.customer_id:
        return redirect("servicedesk:desk_card", msisdn=ticket.msisdn)
    return redirect("servicedesk:hall_desk", code=hall.code)


@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk, write=True)
    if action not in TICKET_ACTIONS:
        raise Http404(_("Unknown action."))
    try:
        ticket_set_status(ticket=ticket, status=TICKET_ACTIONS[action], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Ticket %(number)s is now %(status)s.")
            % {"number": ticket.number, "status": TicketStatus(TICKET_ACTIONS[action]).label},
        )
    return redirect("servicedesk:hall_desk", code=ticket.hall.code)


def hall_board(request: HttpRequest, code: str) -> HttpResponse:
    """The hall's screen; small vanilla JS polls ``hall_board_data`` (meta refresh without JS)."""
    hall = hall_for_user(request.user, code)
    return render(
        request,
        "servicedesk/hall_board.html",
        {"hall": hall, "board": queue_selectors.hall_board(hall)},
    )


@never_cache
def hall_board_data(request: HttpRequest, code: str) -> JsonResponse:
    hall = hall_for_user(request.user, code)
    return JsonResponse(queue_selectors.hall_board(hall))
