"""SERVICE-1 screens: halls, the clerk's queue console, the hall board."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError
from core.idempotency import idempotent_form
from servicedesk.access import hall_for_user, ticket_for_user
from servicedesk.forms import CallNextForm, TicketIssueForm
from servicedesk.models import Hall, Ticket, TicketStatus
from servicedesk.selectors import queue as queue_selectors
from servicedesk.services.queue import ticket_call_next as call_next
from servicedesk.services.queue import ticket_issue as issue
from servicedesk.services.queue import ticket_set_status

TICKET_ACTIONS = {"served": TicketStatus.SERVED, "cancel": TicketStatus.CANCELLED}


def hall_list(request: HttpRequest) -> HttpResponse:
    return render(request, "servicedesk/hall_list.html", {"halls": Hall.objects.all()})


def hall_desk(request: HttpRequest, code: str) -> HttpResponse:
    """The clerk's console: issue a ticket, call the next one, mark the called ones served."""
    hall = hall_for_user(request.user, code)
    in_service = (
        Ticket.objects.filter(hall=hall, day=clock.today(), status=TicketStatus.CALLED)
        .select_related("customer")
        .order_by("-called_at")
    )
    return render(
        request,
        "servicedesk/hall_desk.html",
        {
            "hall": hall,
            "issue_form": TicketIssueForm(),
            "call_form": CallNextForm(initial={"desk": request.session.get("desk", "")}),
            "in_service": in_service,
            "board": queue_selectors.hall_board(hall),
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
