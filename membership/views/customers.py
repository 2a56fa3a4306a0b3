"""Counter clerk screens: phone-number lookup and the customer card."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.access import may_open
from membership.access import customer_for_user
from membership.extensions import card_panels
from membership.forms.customers import LookupForm
from membership.masking import may_reveal_personal_data, personal_data_revealed
from membership.models import Customer
from membership.selectors.why import level_explanation

# What a staff member can do from the card, shown where the access matrix lets them in.
CARD_ACTIONS = (
    ("membership:customer_credit", gettext_lazy("Credit history")),
    ("membership:customer_status", gettext_lazy("Change status")),
    ("membership:customer_transfer", gettext_lazy("Ownership transfer")),
    ("membership:customer_number", gettext_lazy("Number change")),
    ("membership:customer_move", gettext_lazy("Cross-region move")),
)


def lookup(request: HttpRequest) -> HttpResponse:
    """The counter workspace: type a number, land on the customer card."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        msisdn = form.cleaned_data["q"]
        if Customer.objects.filter(msisdn=msisdn).exists():
            return redirect("membership:customer_card", msisdn=msisdn)
        messages.warning(request, _("No customer has the number %(n)s.") % {"n": msisdn})
    return render(request, "membership/customer_lookup.html", {"form": form})


def _on(request: HttpRequest) -> date:
    raw = request.GET.get("on", "")
    try:
        return date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        messages.error(
            request, _("“%(d)s” is not a date (YYYY-MM-DD); showing today.") % {"d": raw}
        )
        return clock.today()


def customer_card(request: HttpRequest, msisdn: str) -> HttpResponse:
    customer = customer_for_user(request.user, msisdn)
    on = _on(request)
    panels = [
        {"template": panel.template, "context": panel.context(request, customer, on)}
        for panel in card_panels()
    ]
    return render(
        request,
        "membership/customer_card.html",
        {
            "customer": customer,
            "on": on,
            "why": level_explanation(customer, on),
            "credit": customer.credit_ratings.order_by("-month").first(),
            "status_changes": customer.status_changes.select_related("actor")[:5],
            "panels": panels,
            "lookup_form": LookupForm(),
            "revealed": personal_data_revealed(request, customer),  # CUST-8, D-CUST-8
            "may_reveal": may_reveal_personal_data(request.user),
            "actions": [
                {"url": reverse(name, args=[customer.msisdn]), "label": label}
                for name, label in CARD_ACTIONS
                if may_open(request.user, name)
            ],
        },
    )
