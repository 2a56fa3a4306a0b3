"""The counter: look a customer up, the desk card."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from core import clock
from core.access import may_open
from membership.access import customer_for_user
from membership.extensions import card_panels
from servicedesk.forms import LookupForm
from servicedesk.models import Hall, RequestKind
from servicedesk.selectors.desk import desk_card as desk_card_data

# The desk card renders the panels other apps register on the customer card (points,
# plans); its own panel there is a summary of this page, so it is left out here.
OWN_PANEL = "servicedesk"


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
    halls = Hall.objects.filter(active=True)
    return render(request, "servicedesk/desk_home.html", {"form": form, "halls": halls})


def desk_card(request: HttpRequest, msisdn: str) -> HttpResponse:
    customer = customer_for_user(request.user, msisdn)
    on = clock.today()
    panels = [
        {"template": panel.template, "context": panel.context(request, customer, on)}
        for panel in card_panels()
        if panel.key != OWN_PANEL
    ]
    context = {
        "customer": customer,
        "on": on,
        "card": desk_card_data(customer, on),
        "panels": panels,
        "customer_card_url": customer_card_url(customer.msisdn),
        "kinds": RequestKind.choices,
        # SERVICE-9: account managers and supervisors add the birthday minutes by hand
        "may_add_birthday_minutes": may_open(request.user, "servicedesk:birthday_minutes_add"),
    }
    return render(request, "servicedesk/desk_card.html", context)
