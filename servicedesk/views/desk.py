"""The counter: look a customer up, the desk card."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.idempotency import idempotent_form
from core.redirects import safe_next
from membership.access import customer_for_user
from membership.extensions import card_panels
from servicedesk.access import hall_for_user, ticket_for_user
from servicedesk.forms import HallChoiceForm, LookupForm
from servicedesk.models import Hall, RequestKind, Ticket, TicketStatus
from servicedesk.selectors.desk import desk_card as desk_card_data
from servicedesk.selectors.queue import visit_ticket
from servicedesk.services.queue import ticket_call, ticket_issue, ticket_set_status

# The desk card renders the panels other apps register on the customer card (points,
# plans); its own panel there is a summary of this page, so it is left out here.
OWN_PANEL = "servicedesk"

# D-DESK-20: the clerk's hall, remembered in the session (code, name, row id) so the desk
# card reads no hall row; chosen on the card the first time, or by opening a hall's queue.
HALL_SESSION_KEY = "servicedesk.hall"
# CUST-10: membership's identity check keeps the verified customer's id in the session.
IDENTITY_SESSION_KEY = "membership.identity_verified"
# The counter's access keys (legend on the desk card); "s" is the header's search box.
ACCESS_KEYS = {
    "take": "t",
    "call": "c",
    "served": "d",
    "identity": "i",
    "redeem": "r",
    "plan": "p",
    "hall": "h",
}
# The first nine request kinds on the card take the access keys 1–9 (the template).


def ticket_issued_text(ticket: Ticket) -> str:
    """SERVICE-1: what the clerk is told when a ticket is taken (hall page or desk card)."""
    return _("Ticket %(number)s (%(cls)s) for %(msisdn)s.") % {
        "number": ticket.number,
        "cls": ticket.get_ticket_class_display(),
        "msisdn": ticket.msisdn,
    }


def remembered_hall(request: HttpRequest) -> dict[str, Any] | None:
    """D-DESK-20: the hall this clerk works in, if chosen in this session."""
    hall = request.session.get(HALL_SESSION_KEY)
    return hall if isinstance(hall, dict) and "code" in hall else None


def remember_hall(request: HttpRequest, hall: Hall) -> None:
    request.session[HALL_SESSION_KEY] = {"pk": hall.pk, "code": hall.code, "name": hall.name}


def customer_card_url(msisdn: str) -> str:
    """The full customer card (membership), when that screen is installed."""
    try:
        return reverse("membership:customer_card", kwargs={"msisdn": msisdn})
    except NoReverseMatch:
        return ""


def desk_home(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return redirect("servicedesk:desk_card", msisdn=form.cleaned_data["msisdn"])
    form.fields["msisdn"].widget.attrs["autofocus"] = True
    halls = Hall.objects.filter(active=True)
    return render(
        request,
        "servicedesk/desk_home.html",
        {"form": form, "halls": halls, "my_hall": remembered_hall(request)},
    )


@require_POST
def hall_choose(request: HttpRequest) -> HttpResponse:
    """D-DESK-20: remember the clerk's hall for the session, back where they came from."""
    form = HallChoiceForm(request.POST)
    back = safe_next(request, reverse("servicedesk:desk_home"))
    if not form.is_valid():
        messages.error(request, _("Choose an open service hall."))
        return redirect(back)
    hall = hall_for_user(request.user, form.cleaned_data["hall"].code)
    remember_hall(request, hall)
    messages.success(request, _("Your service hall: %(hall)s.") % {"hall": hall.name})
    return redirect(back)


def _visit(request: HttpRequest, msisdn: str, on: Any) -> dict[str, Any]:
    """The visit box of the desk card: the clerk's hall and the customer's ticket of today
    there (one query), or the hall chooser (one query) the first time."""
    hall = remembered_hall(request)
    ticket = visit_ticket(hall["pk"], msisdn, on) if hall else None
    verified = request.session.get(IDENTITY_SESSION_KEY)
    if hall is None:
        focus = "hall"
    elif ticket is None or ticket.status in (TicketStatus.SERVED, TicketStatus.CANCELLED):
        focus = "take"
    elif ticket.status == TicketStatus.WAITING:
        focus = "call"
    else:
        focus = "request"
    return {
        "hall": hall,
        "hall_form": HallChoiceForm() if hall is None else None,
        # the chooser's halls: one query, the first time only
        "halls": list(Hall.objects.filter(active=True).only("code", "name", "city"))
        if hall is None
        else [],
        "ticket": ticket,
        "wait_minutes": None
        if ticket is None or ticket.wait_seconds is None
        else ticket.wait_seconds // 60,
        "focus": focus,
        "verified": verified is not None,
        "keys": ACCESS_KEYS,
    }


def _visit_links(request: HttpRequest, msisdn: str) -> dict[str, str]:
    """Where the visit goes next, for the pages this user may open: redemption (POINTS-7),
    plan change (plans), the identity check on the customer card (CUST-10)."""
    links: dict[str, str] = {}
    for key, name, anchor in (
        ("redeem", "points:redeem", ""),
        ("plan", "plans:order", ""),
        ("identity", "membership:customer_identity_check", ""),
    ):
        if not may_open(request.user, name):
            continue
        try:
            if key == "identity":
                # the check's form lives on the customer card (the anchor is its field);
                # after the check it comes back here (CUST-10, ``next``)
                here = reverse("servicedesk:desk_card", kwargs={"msisdn": msisdn})
                url = reverse("membership:customer_card", kwargs={"msisdn": msisdn})
                url += "?" + urlencode({"next": here})
                anchor = "#id_id_number"
            else:
                url = reverse(name, kwargs={"msisdn": msisdn})
        except NoReverseMatch:
            continue
        links[key] = url + anchor
    return links


def desk_card(request: HttpRequest, msisdn: str) -> HttpResponse:
    customer = customer_for_user(request.user, msisdn)
    on = clock.today()
    panels = [
        {"template": panel.template, "context": panel.context(request, customer, on)}
        for panel in card_panels()
        if panel.key != OWN_PANEL
    ]
    visit = _visit(request, customer.msisdn, on)
    if visit["focus"] == "request" and not visit["verified"]:
        visit["focus"] = "identity"
    context = {
        "customer": customer,
        "on": on,
        "visit": visit,
        "links": _visit_links(request, customer.msisdn),
        "card": desk_card_data(customer, on),
        "panels": panels,
        "customer_card_url": customer_card_url(customer.msisdn),
        "kinds": RequestKind.choices,
        # SERVICE-9: account managers and supervisors add the birthday minutes by hand
        "may_add_birthday_minutes": may_open(request.user, "servicedesk:birthday_minutes_add"),
    }
    return render(request, "servicedesk/desk_card.html", context)


DESK_TICKET_ACTIONS = ("take", "call", "served")


@require_POST
@idempotent_form
def desk_ticket(request: HttpRequest, msisdn: str, action: str) -> HttpResponse:
    """SERVICE-1 from the desk card (D-DESK-20): take a ticket for the customer in the
    clerk's hall, call it, mark it served — the hall page's services — back to the card."""
    if action not in DESK_TICKET_ACTIONS:
        raise Http404(_("Unknown action."))
    customer = customer_for_user(request.user, msisdn)
    back = redirect("servicedesk:desk_card", msisdn=customer.msisdn)
    remembered = remembered_hall(request)
    if remembered is None:
        messages.error(request, _("Choose your service hall first."))
        return back
    hall = hall_for_user(request.user, remembered["code"], write=True)
    try:
        if action == "take":
            ticket = ticket_issue(hall=hall, msisdn=customer.msisdn, actor=request.user)
            messages.success(request, ticket_issued_text(ticket))
            return back
        ticket = ticket_for_user(request.user, request.POST.get("ticket", ""), write=True)
        if ticket.msisdn != customer.msisdn or ticket.hall_id != hall.pk:
            raise PermissionDenied
        if action == "call":
            ticket = ticket_call(
                ticket=ticket, actor=request.user, desk=request.session.get("desk", "")
            )
            messages.success(
                request,
                _("Calling %(number)s (%(msisdn)s), waited %(minutes)d min.")
                % {
                    "number": ticket.number,
                    "msisdn": ticket.msisdn,
                    "minutes": (ticket.wait_seconds or 0) // 60,
                },
            )
        else:
            ticket_set_status(ticket=ticket, status=TicketStatus.SERVED, actor=request.user)
            messages.success(
                request,
                _("Ticket %(number)s is now %(status)s.")
                % {"number": ticket.number, "status": TicketStatus.SERVED.label},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return back
