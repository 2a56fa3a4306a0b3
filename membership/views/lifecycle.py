"""Counter screens of the line's life cycle: status, transfer, number change, move.

Thin views: access helper → form → service → redirect to the customer card with a message.
Who may open each page is declared in core/access.py; ``customer_for_user(write=True)``
checks the customer itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from membership.access import customer_for_user
from membership.forms.lifecycle import (
    CustomerStatusForm,
    NumberChangeForm,
    OwnershipTransferForm,
    RegionMoveForm,
)
from membership.models import Customer, Status
from membership.selectors.levels import effective_level
from membership.services.customers import customer_set_status
from membership.services.lifecycle import (
    customer_change_number,
    customer_move_region,
    customer_transfer_ownership,
    rating_year_end,
)


def _card(msisdn: str) -> HttpResponse:
    return redirect("membership:customer_card", msisdn=msisdn)


def _page(
    request: HttpRequest, template: str, customer: Customer, form: forms.Form, **extra: Any
) -> HttpResponse:
    return render(request, f"membership/{template}", {"customer": customer, "form": form, **extra})


def customer_status(request: HttpRequest, msisdn: str) -> HttpResponse:
    """CUST-4: change the line's status; cancellation asks for confirmation first."""
    customer = customer_for_user(request.user, msisdn, write=True)
    form = CustomerStatusForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        if form.needs_confirmation:
            return _page(request, "customer_status_form.html", customer, form, confirming=True)
        try:
            customer_set_status(
                customer=customer,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The line is now %(status)s.")
                % {"status": Status(form.cleaned_data["status"]).label},
            )
            return _card(customer.msisdn)
    return _page(request, "customer_status_form.html", customer, form)


def customer_transfer(request: HttpRequest, msisdn: str) -> HttpResponse:
    """CUST-6 过户: the line gets a new holder."""
    customer = customer_for_user(request.user, msisdn, write=True)
    form = OwnershipTransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_transfer_ownership(
                customer=customer,
                new_name=form.cleaned_data["new_name"],
                new_id_number=form.cleaned_data["new_id_number"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The line has a new holder; points and tenure stay."))
            return _card(customer.msisdn)
    return _page(request, "customer_transfer_form.html", customer, form)


def customer_number(request: HttpRequest, msisdn: str) -> HttpResponse:
    """CUST-6 换号: the line moves to a new number."""
    customer = customer_for_user(request.user, msisdn, write=True)
    form = NumberChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = customer_change_number(
                customer=customer, new_msisdn=form.cleaned_data["new_msisdn"], actor=request.user
            )
        except DomainError as exc:
            form.add_error("new_msisdn", exc.message)
        else:
            messages.success(
                request,
                _("The line now has the number %(msisdn)s.") % {"msisdn": event.after["msisdn"]},
            )
            return _card(event.after["msisdn"])
    return _page(request, "customer_number_change_form.html", customer, form)


def customer_move(request: HttpRequest, msisdn: str) -> HttpResponse:
    """CUST-7 跨区入网, with TIER-8 level retention (supervisors, see D-CUST-7)."""
    customer = customer_for_user(request.user, msisdn, write=True)
    form = RegionMoveForm(request.POST or None, initial={"new_msisdn": customer.msisdn})
    if request.method == "POST" and form.is_valid():
        try:
            event = customer_move_region(
                customer=customer,
                new_msisdn=form.cleaned_data["new_msisdn"],
                province=form.cleaned_data["province"],
                city=form.cleaned_data["city"],
                brand=form.cleaned_data["brand"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The line has moved to %(place)s.")
                % {"place": f"{event.after['province']} {event.after['city']}"},
            )
            return _card(event.after["msisdn"])
    today = clock.today()
    return _page(
        request,
        "customer_move_form.html",
        customer,
        form,
        level=effective_level(customer, today),
        retained_until=rating_year_end(today),
    )
