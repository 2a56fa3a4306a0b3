"""Points screens: the customer's points tab, their redemptions, redeem, transfer,
recipients, the overview with the liability for finance (FIN-1), its CSV export and the
valuation rate.

Thin: access helper → form → service → redirect with a message.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.sorting import Sorting
from membership.access import customer_for_user
from points.access import recipient_for_user, redemption_for_user
from points.forms import (
    EntryFilterForm,
    NoteForm,
    RecipientForm,
    RedeemForm,
    RedemptionFilterForm,
    TransferForm,
    ValuationForm,
)
from points.liability import (
    LIABILITY_COLUMNS,
    liability_chart,
    month_rows,
    overview,
    valuation_rates,
    value_of,
)
from points.models import Redemption
from points.selectors import (
    accrual_start,
    balances,
    entries_of,
    expiring_in,
    lots_of,
    recipients_of,
    redemptions_of,
    transferred_in_month,
)
from points.services import (
    redemption_cancel,
    redemption_create,
    redemption_fulfil,
    redemption_quote,
    redemption_refusal,
    transfer_create,
    transfer_recipient_register,
    transfer_recipient_remove,
    valuation_set,
)
from points.services.reconcile import entries_total, lots_total

audit = logging.getLogger("points.audit")

ENTRIES_PER_PAGE = 25
REDEMPTIONS_PER_PAGE = 25
# ?sort= → the order of the ledger and of the redemptions (D-HOUSE-10): one customer's rows,
# but the ledger grows every month, so only what an index serves with the customer — the
# day booked (customer, booked_on), the time redeemed (customer, created_at).
ENTRY_SORTING = Sorting({"booked": ("booked_on",)}, default="-booked")
REDEMPTION_SORTING = Sorting({"when": ("created_at",)}, default="-when")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _cause(entry: Any) -> str:
    """The ledger's cause column, in words (as the account page shows it)."""
    if entry.month:
        cause = _("bill of %(m)s") % {"m": entry.month.strftime("%Y-%m")}
    elif entry.redemption_id:
        cause = f"#{entry.redemption_id} {entry.redemption.item.name}"
    elif entry.transfer_id:
        cause = f"{entry.transfer.sender.msisdn} → {entry.transfer.recipient.msisdn}"
    else:
        cause = ""
    return f"{cause} · {entry.note}" if entry.note and cause else cause or entry.note


def _kind(entry: Any) -> str:
    kind = entry.get_kind_display()
    return f"{kind} · {entry.get_corrects_display()}" if entry.corrects else kind


# issue 17: a customer's ledger and redemptions as CSV, the columns of the account page.
def entry_columns() -> list[Column]:
    """Built per request: the headers in the language of the request."""
    return [
        Column(_("Booked on"), lambda e: e.booked_on),
        Column(_("Kind"), _kind),
        Column(_("Points"), lambda e: e.amount),
        Column(_("Lot"), lambda e: e.year),
        Column(_("Cause"), _cause),
        Column(_("By"), lambda e: e.actor.get_username() if e.actor else ""),
    ]


def redemption_columns() -> list[Column]:
    """Built per request: the headers in the language of the request."""
    return [
        Column("#", lambda r: r.pk),
        Column(_("When"), lambda r: r.created_at),
        Column(_("Reward"), lambda r: r.item.name),
        Column(_("Quantity"), lambda r: r.quantity),
        Column(_("Points"), lambda r: r.points),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("By"), lambda r: r.created_by.get_username() if r.created_by else ""),
    ]


def account(request: HttpRequest, msisdn: str) -> HttpResponseBase:
    """POINTS-5: balances, lots with their expiry, the ledger (filtered, sorted, paginated),
    the latest redemptions. ``format=csv``: the ledger as filtered and sorted as CSV (an
    older link's ``list=redemptions``: the redemptions' CSV); a customer's data, so the
    export is audited (core.exports)."""
    if request.GET.get("list") == "redemptions" and wants_csv(request):
        return redemption_list(request, msisdn)
    customer = customer_for_user(request.user, msisdn)
    today = clock.today()
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = ENTRY_SORTING.read(request)
    entries = sort.apply(
        entries_of(customer, kind=filters.get("kind", ""), year=filters.get("year"))
    )
    if wants_csv(request):
        return csv_response(
            request, f"points-entries-{customer.msisdn}", entry_columns(), entries, personal=True
        )
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    sent, received = transferred_in_month(customer, today)
    lots = lots_of(customer)
    return render(
        request,
        "points/account_detail.html",
        {
            "customer": customer,
            "today": today,
            "balances": balances(customer),
            "lots": lots,
            "expiring": expiring_in(customer, lots, today.year),
            "accrual_start": accrual_start(customer),
            "form": form,
            "sort": sort,
            "page": page,
            "query": _query_without_page(request),
            "redemptions": redemptions_of(customer).order_by("-created_at", "-id")[:10],
            "recipients": recipients_of(customer),
            "sent_this_month": sent,
            "received_this_month": received,
            "may_act": may_open(request.user, "points:redeem"),
            "export_url": export_url(request),
        },
    )


def redemption_list(request: HttpRequest, msisdn: str) -> HttpResponseBase:
    """POINTS-7: every redemption of the customer, filtered by status, sorted by time,
    paginated; ``format=csv``: all of them as filtered and sorted (audited: a customer's
    data, core.exports)."""
    customer = customer_for_user(request.user, msisdn)
    form = RedemptionFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    sort = REDEMPTION_SORTING.read(request)
    rows = redemptions_of(customer)
    if status:
        rows = rows.filter(status=status)
    rows = sort.apply(rows)
    if wants_csv(request):
        return csv_response(
            request,
            f"points-redemptions-{customer.msisdn}",
            redemption_columns(),
            rows,
            personal=True,
        )
    page = Paginator(rows, REDEMPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "points/redemption_list.html",
        {
            "customer": customer,
            "form": form,
            "sort": sort,
            "page": page,
            "query": _query_without_page(request),
            "may_act": may_open(request.user, "points:redeem"),
            "export_url": export_url(request),
        },
    )


@idempotent_form
def redeem(request: HttpRequest, msisdn: str) -> HttpResponse:
    """POINTS-7: redeem a reward from the catalogue, in two steps (issue 17).

    A frozen account (POINTS-9) or a cancelled line (POINTS-10) is told so up front, with no
    form. Otherwise the form offers only the rewards the balance can pay for, in stock. It is
    sent by GET (it changes nothing) to the confirmation page: the reward, its points, the
    stock left, the balance before and after and the lots it takes from. That page's button
    POSTs with ``confirmed`` and a one-time token (D-TRUST-1): a double click, or Back and
    confirm again, redeems once. The service checks everything again under the account lock.
    """
    customer = customer_for_user(request.user, msisdn, write=True)
    held = balances(customer)
    context: dict[str, Any] = {"customer": customer, "balances": held}
    refusal = redemption_refusal(customer)
    if refusal:
        return render(request, "points/redemption_form.html", {**context, "refusal": refusal})
    if request.method == "POST":
        form = RedeemForm(request.POST, within=held.redeemable)
    elif request.GET.get("step") == "confirm":
        form = RedeemForm(request.GET, within=held.redeemable)
    else:  # a new form, or "Change" from the confirmation with the choice kept
        typed = {name: request.GET[name] for name in ("item", "quantity") if request.GET.get(name)}
        form = RedeemForm(initial=typed, within=held.redeemable)
    quote = None
    if form.is_bound and form.is_valid():
        item, quantity = form.cleaned_data["item"], form.cleaned_data["quantity"]
        try:
            if request.method == "POST" and request.POST.get("confirmed"):
                redemption = redemption_create(
                    customer=customer, item=item, quantity=quantity, actor=request.user
                )
                messages.success(
                    request,
                    _("Redeemed %(item)s × %(quantity)s for %(points)s points.")
                    % {
                        "item": redemption.item.name,
                        "quantity": redemption.quantity,
                        "points": redemption.points,
                    },
                )
                return redirect("points:account", msisdn=customer.msisdn)
            quote = redemption_quote(customer=customer, item=item, quantity=quantity)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "points/redemption_form.html", {**context, "form": form, "quote": quote})


def redemption_cancel_view(request: HttpRequest, msisdn: str, pk: int) -> HttpResponse:
    """POINTS-7: cancel an unfulfilled redemption, after a confirmation page."""
    redemption = redemption_for_user(request.user, pk, msisdn=msisdn, write=True)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            redemption_cancel(
                redemption=redemption, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Redemption cancelled: %(points)s points returned to their lots.")
                % {"points": redemption.points},
            )
            return redirect("points:account", msisdn=redemption.customer.msisdn)
    return render(
        request,
        "points/redemption_cancel.html",
        {"redemption": redemption, "customer": redemption.customer, "form": form},
    )


@require_POST
def redemption_fulfil_view(request: HttpRequest, msisdn: str, pk: int) -> HttpResponse:
    """The reward was handed over: requested → fulfilled."""
    redemption = redemption_for_user(request.user, pk, msisdn=msisdn, write=True)
    try:
        redemption_fulfil(redemption=redemption, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Redemption #%(pk)s marked fulfilled.") % {"pk": pk})
    return redirect("points:account", msisdn=redemption.customer.msisdn)


@idempotent_form
def transfer(request: HttpRequest, msisdn: str) -> HttpResponse:
    """POINTS-8: transfer points to a registered recipient."""
    sender = customer_for_user(request.user, msisdn, write=True)
    form = TransferForm(request.POST or None, sender=sender)
    if request.method == "POST" and form.is_valid():
        registration = form.cleaned_data["recipient"]
        try:
            done = transfer_create(
                sender=sender,
                recipient=registration.recipient,
                points=form.cleaned_data["points"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(points)s points transferred to %(msisdn)s.")
                % {"points": done.points, "msisdn": registration.recipient.msisdn},
            )
            return redirect("points:account", msisdn=sender.msisdn)
    today = clock.today()
    sent, _received = transferred_in_month(sender, today)
    return render(
        request,
        "points/transfer_form.html",
        {
            "customer": sender,
            "form": form,
            "balances": balances(sender),
            "sent_this_month": sent,
        },
    )


@idempotent_form
def recipients(request: HttpRequest, msisdn: str) -> HttpResponse:
    """POINTS-8: the sender's registered recipients, and registering one more."""
    sender = customer_for_user(request.user, msisdn, write=True)
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer_recipient_register(
                sender=sender, recipient=form.cleaned_data["msisdn"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(msisdn)s registered as a recipient.")
                % {"msisdn": form.cleaned_data["msisdn"].msisdn},
            )
            return redirect("points:recipients", msisdn=sender.msisdn)
    return render(
        request,
        "points/recipient_list.html",
        {"customer": sender, "form": form, "recipients": recipients_of(sender)},
    )


def recipient_remove(request: HttpRequest, msisdn: str, pk: int) -> HttpResponse:
    """Remove a registered recipient, after a confirmation page."""
    registration = recipient_for_user(request.user, msisdn, pk, write=True)
    if request.method == "POST":
        transfer_recipient_remove(registration=registration, actor=request.user)
        messages.success(
            request,
            _("%(msisdn)s is no longer a registered recipient.")
            % {"msisdn": registration.recipient.msisdn},
        )
        return redirect("points:recipients", msisdn=registration.sender.msisdn)
    return render(
        request,
        "points/recipient_remove.html",
        {"customer": registration.sender, "registration": registration},
    )


def overview_view(request: HttpRequest) -> HttpResponse:
    """Supervisors: points outstanding, expiring at the next clearing, the ledger month by
    month with the month-end balance, valued at the rate supervisors set (FIN-1)."""
    today = clock.today()
    figures = overview(today)
    return render(
        request,
        "points/overview.html",
        {
            "overview": figures,
            "today": today,
            "statuses": Redemption.Status,
            "chart": liability_chart(figures.months),
            "form": ValuationForm(initial={"valid_from": today}),
            "may_set_rate": may_open(request.user, "points:valuation"),
        },
    )


@idempotent_form
def valuation_view(request: HttpRequest) -> HttpResponse:
    """FIN-1: set the yuan-per-point rate, after a confirmation step that shows what it
    values the outstanding points at; the page also lists the rates set before."""
    today = clock.today()
    form = ValuationForm(request.POST or None, initial={"valid_from": today})
    confirming = False
    if request.method == "POST" and form.is_valid():
        if not request.POST.get("confirmed"):
            confirming = True
        else:
            try:
                valuation = valuation_set(
                    rate=form.cleaned_data["rate"],
                    valid_from=form.cleaned_data["valid_from"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Points are valued at %(rate)s yuan per point from %(day)s.")
                    % {"rate": valuation.rate, "day": valuation.valid_from.isoformat()},
                )
                return redirect("points:overview")
    rates = valuation_rates()
    current = rates.on(today)
    outstanding = lots_total() if confirming else None
    return render(
        request,
        "points/valuation_form.html",
        {
            "form": form,
            "confirming": confirming,
            "today": today,
            "current": current,
            "history": rates.latest_set(),
            "outstanding": outstanding,
            "outstanding_value": (
                value_of(outstanding, form.cleaned_data["rate"])
                if confirming and outstanding is not None
                else None
            ),
        },
    )


@require_GET
def liability_csv(request: HttpRequest) -> HttpResponseBase:
    """FIN-1: the overview's monthly table as CSV for finance, oldest month first (a roll
    forward: each month opens on the one before's closing, so it is not sorted otherwise),
    through the lists' export helper (core.exports); each export is audited (a line in the
    ``points.audit`` log: who, when, as of which day)."""
    today = clock.today()
    rows = month_rows(today, entries_total(), valuation_rates())
    response = csv_response(request, "points-liability", LIABILITY_COLUMNS, rows)
    audit.info(
        "points liability exported: user=%s as_of=%s months=%s",
        request.user.pk,
        today.isoformat(),
        len(rows),
    )
    return response
