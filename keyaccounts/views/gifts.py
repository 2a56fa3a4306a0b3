"""SERVICE-14: the VIP customers' birthday gifts — a gift's page with a small form per
allowed step (account managers: their personal customers'; supervisors: all), and the
supervisors' list with filters and its CSV export."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.exports import Column, csv_response
from core.idempotency import idempotent_form
from core.sorting import Sorting, SortState
from keyaccounts.access import gift_for_user, gifts_visible_to, prime_unmasked
from keyaccounts.forms.gifts import STEP_FORMS, GiftFilterForm
from keyaccounts.forms.groups import account_managers
from keyaccounts.models import BirthdayGift, GiftStatus
from keyaccounts.selectors.gifts import csv_header, csv_rows, gift_search, gifts_annotated
from keyaccounts.services.gifts import gift_close, gift_contact, gift_deliver
from keyaccounts.views.group_contacts import _back
from keyaccounts.views.groups import page_of

# D-HOUSE-10: the gifts grow with the province (one a year per VIP customer): the columns
# the (status, contact_by) index serves; the latest contact day first by default.
GIFT_SORTING = Sorting(
    {"contact_by": ("contact_by",), "status": ("status", "contact_by")},
    default="-contact_by",
)

# Which step forms a gift of each status offers (its TRANSITIONS, grouped by form).
STEPS_OF: dict[str, tuple[str, ...]] = {
    GiftStatus.DUE: ("contact", "close"),
    GiftStatus.UNREACHABLE: ("contact", "close"),
    GiftStatus.CONTACTED: ("deliver", "close"),
}


def _detail(
    request: HttpRequest, gift: BirthdayGift, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    today, now = clock.today(), clock.now()
    annotated = gifts_annotated(BirthdayGift.objects.filter(pk=gift.pk), today, now).get()
    steps = {
        name: (bound or {}).get(name) or STEP_FORMS[name]()
        for name in STEPS_OF.get(gift.status, ())
    }
    if "close" in steps and gift.status == GiftStatus.CONTACTED and not bound:
        steps["close"].initial = {"status": GiftStatus.DECLINED}
    history = gift.history.select_related("history_user").order_by("history_date", "history_id")
    return render(
        request,
        "keyaccounts/vip_gift.html",
        {
            "gift": annotated,
            "steps": steps,
            "history": history,
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


def vip_gift_detail(request: HttpRequest, gift_id: int) -> HttpResponse:
    """SERVICE-14: one gift, its steps so far (history) and the forms of the next ones."""
    return _detail(request, gift_for_user(request.user, gift_id))


@idempotent_form
def vip_gift_step(request: HttpRequest, gift_id: int, step: str) -> HttpResponse:
    """SERVICE-14: record one step (``contact``, ``deliver``, ``close``); a rejected form
    is shown again on the gift's page with what was typed and why. A GET (or an unknown
    step) shows the gift's page."""
    gift = gift_for_user(request.user, gift_id, write=True)
    if request.method != "POST" or step not in STEP_FORMS:
        return _detail(request, gift)
    form = STEP_FORMS[step](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "contact":
                gift_contact(
                    gift=gift,
                    actor=request.user,
                    via=data["via"],
                    chosen=data["chosen"],
                    deliver_at=data["deliver_at"],
                    address=data["address"],
                )
            elif step == "deliver":
                gift_deliver(
                    gift=gift,
                    actor=request.user,
                    via=data["via"],
                    delivered_on=data["delivered_on"],
                    third_party=data["third_party"],
                )
            else:
                gift_close(gift=gift, actor=request.user, status=data["status"], note=data["note"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            gift.refresh_from_db()
            messages.success(
                request,
                _("Birthday gift of %(msisdn)s: %(status)s.")
                % {"msisdn": gift.customer.msisdn, "status": gift.get_status_display()},
            )
            return _back(request, gift_url(gift))
    return _detail(request, gift, {step: form})


def gift_url(gift: BirthdayGift) -> str:
    return reverse("keyaccounts:vip_gift_detail", args=[gift.pk])


def _filtered(request: HttpRequest) -> tuple[GiftFilterForm, SortState, Any]:
    """SERVICE-14: the supervisors' list as asked: the filters, the sort and the rows (the
    page and its CSV read the same)."""
    form = GiftFilterForm(request.GET or None, managers=account_managers())
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = gift_search(
        gifts_visible_to(request.user),
        today=clock.today(),
        now=clock.now(),
        status=data.get("status") or "",
        manager=data.get("manager") or "",
        birthday_from=data.get("birthday_from"),
        birthday_to=data.get("birthday_to"),
        overdue_only=bool(data.get("overdue")),
        msisdn="".join(ch for ch in (data.get("msisdn") or "") if ch.isdigit()),
    )
    sort = GIFT_SORTING.read(request)
    return form, sort, sort.apply(rows)


def vip_gifts(request: HttpRequest) -> HttpResponse:
    """SERVICE-14: every birthday gift, filtered, sorted, paginated (supervisors)."""
    form, sort, rows = _filtered(request)
    page, query = page_of(request, rows)
    prime_unmasked(request.user, [g.customer_id for g in page])  # D-CUST-13: one query
    return render(
        request,
        "keyaccounts/vip_gifts.html",
        {"form": form, "sort": sort, "page": page, "query": query, "today": clock.today()},
    )


def vip_gifts_csv(request: HttpRequest) -> StreamingHttpResponse:
    """SERVICE-14: the filtered list as CSV through the lists' one export (core.exports:
    streamed, a BOM for spreadsheets, formula cells defused, audited: it names customers),
    in the list's order."""
    _form, _sort, rows = _filtered(request)
    columns = [Column(header, itemgetter(index)) for index, header in enumerate(csv_header())]
    return csv_response(request, "birthday-gifts", columns, csv_rows(rows), personal=True)
