"""SERVICE-9: an account manager (or a supervisor) adds the birthday minutes by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.idempotency import idempotent_form
from servicedesk.access import birthday_minutes_customer_for_user
from servicedesk.forms import BirthdayMinutesForm
from servicedesk.selectors.birthday import birthday_makeup_check
from servicedesk.services.birthday_minutes import birthday_minutes_add


def _back(request: HttpRequest, msisdn: str) -> HttpResponse:
    if may_open(request.user, "servicedesk:desk_card"):
        return redirect("servicedesk:desk_card", msisdn=msisdn)
    return redirect("servicedesk:birthday_minutes_add", msisdn=msisdn)


@idempotent_form
def birthday_minutes_add_view(request: HttpRequest, msisdn: str) -> HttpResponse:
    """GET: the confirmation page (what will be added, or why not); POST: add them."""
    customer = birthday_minutes_customer_for_user(request.user, msisdn)
    today = clock.today()
    form = BirthdayMinutesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = birthday_minutes_add(
                customer=customer, actor=request.user, note=form.cleaned_data["note"], on=today
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(minutes)d birthday minutes added for %(msisdn)s, valid on %(day)s only.")
                % {
                    "minutes": grant.minutes,
                    "msisdn": customer.msisdn,
                    "day": grant.valid_on.isoformat(),
                },
            )
            return _back(request, customer.msisdn)
    return render(
        request,
        "servicedesk/birthday_minutes_add.html",
        {
            "customer": customer,
            "today": today,
            "check": birthday_makeup_check(customer, today),
            "form": form,
            "desk_card": may_open(request.user, "servicedesk:desk_card"),
        },
    )
