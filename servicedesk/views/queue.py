"""SERVICE-1 screens: halls, the clerk's queue console, the hall board."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from servicedesk.access import hall_for_user, ticket_for_user
from servicedesk.forms import CallNextForm, TicketIssueForm
from servicedesk.models import Hall, Ticket, TicketStatus
from servicedesk.selectors import queue as queue_selectors
from servicedesk.services.queue import ticket_call_next as call_next
from servicedesk.services.queue import ticket_issue as issue
from servicedesk.services.queue import ticket_set_status
from servicedesk.views.desk import remember_hall, remembered_hall

TICKET_ACTIONS = {"served": TicketStatus.SERVED, "cancel": TicketStatus.CANCELLED}


def hall_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "servicedesk/hall_list.html",
        {"halls": Hall.objects.all(), "my_hall": remembered_hall(request)},
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


def hall_tickets_csv(request: HttpRequest, hall: Hall) -> StreamingHttpResponse:
    """The hall's tickets of the day as CSV (core.exports): phone numbers as the counter sees
    them, so the export is audited."""
    tickets = Ticket.objects.filter(hall=hall, day=clock.today()).order_by("issued_at", "id")
    return csv_response(request, f"tickets-{hall.code}", _ticket_columns(), tickets, personal=True)


def hall_desk(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    """The clerk's console: issue a ticket, call the next one, mark the called ones served.
    Opening a hall's console makes it the clerk's hall (D-DESK-20); ``?format=csv``: the
    hall's tickets of the day."""
    hall = hall_for_user(request.user, code)
    if wants_csv(request):
        return hall_tickets_csv(request, hall)
    if (remembered_hall(request) or {}).get("code") != hall.code:
        remember_hall(request, hall)
    in_service = (
        Ticket.objects.filter(hall=hall, day=clock.today(), status=TicketStatus.CALLED)
        .select_related("customer")
        .order_by("-called_at")
    )
    issue_form = TicketIssueForm()
    issue_form.fields["msisdn"].widget.attrs["autofocus"] = True
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
        messages.success(
            request,
            _("Ticket %(number)s (%(cls)s) for %(msisdn)s.")
            % {
                "number": ticket.number,
                "cls": ticket.get_ticket_class_display(),
                "msisdn": ticket.msisdn,
            },
        )
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
