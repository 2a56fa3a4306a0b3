"""Counter clerk screens: the search box, the customer card and its identity check."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import clock
from core.access import may_open
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.programme import programme
from core.redirects import safe_next
from core.sorting import Sorting, SortState
from membership.access import customer_for_user
from membership.extensions import card_panels
from membership.forms.customers import IdentityCheckForm, LookupForm
from membership.masking import mask_id, mask_name, may_reveal_personal_data, personal_data_revealed
from membership.models import Customer, IdentityResult
from membership.recent import recent_customers, remember_customer
from membership.selectors import search
from membership.selectors.search import CounterQuery, counter_search
from membership.selectors.timeline import timeline_page
from membership.selectors.why import level_explanation
from membership.services.identity import customer_check_identity

RESULTS_PER_PAGE = 20
# ?sort= → the order of the customers found (D-HOUSE-10). A search finds few lines (a name
# is capped at NAME_SEARCH_MAX_RESULTS), and the sort orders those only, whatever the
# column; a name search lists by name, the others by number. Not by the masked ID number,
# whose order would tell its hidden digits.
_RESULT_COLUMNS = {
    "msisdn": ("msisdn",),
    "name": ("name", "msisdn"),
    "brand": ("brand", "msisdn"),
    "city": ("city", "msisdn"),
    "status": ("status", "msisdn"),
}
RESULTS_SORTING = {
    kind: Sorting(_RESULT_COLUMNS, default=default, tie_breaker="msisdn")
    for kind, default in ((search.NAME, "name"), ("", "msisdn"))
}
SEARCH_SESSION_KEY = "membership.counter_search"  # D-CUST-9: the last search with results
IDENTITY_SESSION_KEY = "membership.identity_verified"  # CUST-10: the customer's row id

# What a staff member can do from the card, shown where the access matrix lets them in.
CARD_ACTIONS = (
    ("membership:customer_credit", gettext_lazy("Credit history")),
    ("membership:customer_status", gettext_lazy("Change status")),
    ("membership:customer_transfer", gettext_lazy("Ownership transfer")),
    ("membership:customer_number", gettext_lazy("Number change")),
    ("membership:customer_move", gettext_lazy("Cross-region move")),
)


def result_columns() -> list[Column]:
    """The customers found, as the list shows them: name and ID number masked (CUST-8);
    built per request, in the request's language."""
    return [
        Column(_("Phone number"), lambda c: c.msisdn),
        Column(_("Name"), lambda c: mask_name(c.name)),
        Column(_("ID number"), lambda c: mask_id(c.id_number)),
        Column(_("Brand"), lambda c: c.get_brand_display()),
        Column(_("City"), lambda c: c.city),
        Column(_("Status"), lambda c: c.get_status_display()),
    ]


def lookup(request: HttpRequest) -> HttpResponseBase:
    """The counter workspace (D-CUST-9): one box for a phone number, a name, an ID number or
    a ticket number. One match opens the card, several are listed (masked, CUST-8), none
    says so and keeps what was typed; below, the user's recent customers.

    The box is sent by POST, so that a name or an ID number never stands in a URL (the
    access log writes URLs, CUST-8). Several matches are kept in the session and shown by
    a redirect to ``?results=1`` (pages: ``&page=n``, sorted by a column: ``&sort=``,
    D-HOUSE-10). A ``?q=`` link still works.

    The listed results download as CSV from the session's search only (``?results=1&
    format=csv``, D-HOUSE-5): the link carries no search text, and the audit line of the
    export (personal data, masked as on screen) writes the list's kind, never what was
    typed. A ``?q=`` link's results offer no download: its audit line would log the text.
    """
    from_session = request.method == "GET" and "results" in request.GET
    if request.method == "POST":
        data: QueryDict | None = request.POST
    elif from_session and SEARCH_SESSION_KEY in request.session:
        data = QueryDict(mutable=True)
        data["q"] = request.session[SEARCH_SESSION_KEY]
    else:
        data = request.GET if "q" in request.GET else None
    form = LookupForm(data)
    page = None
    sort: SortState | None = None
    if form.is_valid():
        query = form.cleaned_data["q"]
        found = counter_search(query, user=request.user, on=clock.today())
        first = list(found[:2])
        if len(first) == 1:
            return redirect("membership:customer_card", msisdn=first[0].msisdn)
        if not first:
            messages.warning(request, _nothing_found(query))
        elif request.method == "POST":
            request.session[SEARCH_SESSION_KEY] = form.data["q"]
            return redirect(f"{reverse('membership:lookup')}?results=1")
        else:
            sort = RESULTS_SORTING.get(query.kind, RESULTS_SORTING[""]).read(request)
            # the lines found, sorted among themselves (a name search's cap stays the cap)
            rows = sort.apply(Customer.objects.filter(pk__in=found.values("pk")))
            if from_session and wants_csv(request):
                name = f"counter-search-{query.kind}"
                return csv_response(request, name, result_columns(), rows, personal=True)
            page = Paginator(rows, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    paging = [("results", "1")] if from_session else [("q", request.GET.get("q", ""))]
    if sort is not None and "sort" in request.GET:
        paging.append(("sort", sort.value))
    return render(
        request,
        "membership/customer_lookup.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": urlencode(paging),
            "name_cap": programme("NAME_SEARCH_MAX_RESULTS"),
            "recent": recent_customers(request),
            "export_url": export_url(request) if page is not None and from_session else "",
        },
    )


def _nothing_found(query: CounterQuery) -> str:
    if query.kind == search.MSISDN:
        return _("No customer has the number %(n)s.") % {"n": query.value}
    if query.kind == search.ID_NUMBER:
        return _("No customer has this ID number.")
    if query.kind == search.NAME:
        return _("No customer’s name starts with “%(name)s”.") % {"name": query.value}
    return _("No customer holds ticket %(ticket)s today.") % {"ticket": query.value}


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
    remember_customer(request, customer)  # D-CUST-9: recent customers
    return _card(request, customer)


def _identity_verified(request: HttpRequest, customer: Customer) -> bool:
    """CUST-10: whether the ID number matched in this visit — until the user opens another
    customer's card (the session is written only when that clears it)."""
    verified = request.session.get(IDENTITY_SESSION_KEY)
    if verified is not None and verified != customer.pk:
        del request.session[IDENTITY_SESSION_KEY]
    return verified == customer.pk


def _card(
    request: HttpRequest, customer: Customer, identity_form: IdentityCheckForm | None = None
) -> HttpResponse:
    on = _on(request)
    panels = [
        {"template": panel.template, "context": panel.context(request, customer, on)}
        for panel in card_panels()
    ]
    verified = _identity_verified(request, customer)
    if identity_form is None and may_open(request.user, "membership:customer_identity_check"):
        identity_form = IdentityCheckForm(autofocus=not verified)  # CUST-10
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
            # CUST-11: the newest entries of the member timeline, with a link to all of it.
            "timeline": timeline_page(
                customer, user=request.user, size=programme("TIMELINE_CARD_ENTRIES")
            ).entries,
            "identity_form": identity_form,
            "identity_verified": verified,
            # CUST-10: where the check goes back to (the desk card's ``?next=``), kept by the form
            "identity_next": safe_next(request) if identity_form else "",
            "revealed": personal_data_revealed(request, customer),  # CUST-8, D-CUST-8
            "may_reveal": may_reveal_personal_data(request.user),
            "actions": [
                {"url": reverse(name, args=[customer.msisdn]), "label": label}
                for name, label in CARD_ACTIONS
                if may_open(request.user, name)
            ],
        },
    )


@require_POST
@idempotent_form
def customer_identity_check(request: HttpRequest, msisdn: str) -> HttpResponse:
    """CUST-10: the clerk types the ID card's number; the answer is 一致 or 不一致, audited.
    Back to where the check was started (``next``: the desk card), else the customer card;
    a form error shows the card again, keeping ``next``."""
    customer = customer_for_user(request.user, msisdn, write=True)
    form = IdentityCheckForm(request.POST, autofocus=True)
    if not form.is_valid():
        return _card(request, customer, identity_form=form)
    answer = customer_check_identity(
        customer=customer, id_number=form.cleaned_data["id_number"], actor=request.user
    )
    if answer.result == IdentityResult.MATCH:
        request.session[IDENTITY_SESSION_KEY] = customer.pk
        messages.success(request, _("ID number check: matches (一致)."))
    else:
        if request.session.get(IDENTITY_SESSION_KEY) == customer.pk:
            del request.session[IDENTITY_SESSION_KEY]
        if answer.result == IdentityResult.MISMATCH:
            messages.error(
                request,
                _("ID number check: does not match (不一致). %(left)d checks left today.")
                % {"left": answer.mismatches_left},
            )
        else:
            messages.error(
                request,
                _(
                    "ID number check refused: too many mismatches for this customer today. "
                    "Ask for another document or a supervisor."
                ),
            )
    card = reverse("membership:customer_card", kwargs={"msisdn": customer.msisdn})
    return redirect(safe_next(request, card))
