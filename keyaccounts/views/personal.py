"""SERVICE-8: the supervisor's pages for personal account managers 专属客户经理: the
portfolio (managers with their counts, eligible customers without a manager), assigning a
manager, ending an assignment (D-GROUP-10) and moving a portfolio, each confirmed first. Supervisors only
(keyaccounts/manifest.py); the services refuse anyone else too."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.exports import export_url, wants_csv
from core.idempotency import idempotent_form
from core.search import search_term
from core.sorting import Sorting
from keyaccounts import exports
from keyaccounts.access import prime_unmasked
from keyaccounts.forms.personal import (
    PersonalManagerAssignForm,
    PersonalManagerEndForm,
    PersonalManagerRebalanceForm,
)
from keyaccounts.selectors.personal import (
    ELIGIBLE_BY_STARS,
    PERSONAL_MANAGER_LEVELS,
    assignments_annotated,
    current_assignments,
    eligible_without_manager,
    manager_portfolios,
    portfolio_to_move,
)
from keyaccounts.services.personal import (
    personal_manager_assign,
    personal_manager_end,
    personal_manager_rebalance,
)
from keyaccounts.views.groups import page_of
from membership.models import Level

# D-HOUSE-10: the eligible customers without a manager grow with the province: only the
# number, which its unique index serves. The account managers are few: any shown column.
UNASSIGNED_SORTING = Sorting({"line": ("msisdn",)}, default="line")
MANAGER_SORTING = Sorting(
    {
        "manager": ("last_name", "first_name", "username"),
        "vip": ("vip_count", "username"),
        "lost": ("lost_count", "username"),
        "key_persons": ("key_person_count", "username"),
    },
    default="manager",
    param="managers_sort",
    page_param="",
)


def vip_portfolio(request: HttpRequest) -> HttpResponseBase:
    """SERVICE-8: each account manager's personal VIP customers and key persons, and the
    eligible customers who have no personal manager yet (searchable by number, filtered by
    city and level, sorted, paginated)."""
    today = clock.today()
    q = "".join(ch for ch in search_term(request.GET) if ch.isdigit())
    city = search_term(request.GET, "city")
    level = request.GET.get("level", "")
    level = level if level in (*PERSONAL_MANAGER_LEVELS, ELIGIBLE_BY_STARS) else ""
    sort = UNASSIGNED_SORTING.read(request)
    managers_sort = MANAGER_SORTING.read(request)
    unassigned = sort.apply(eligible_without_manager(today, q=q, city=city, level=level))
    if wants_csv(request):  # D-GROUP-12: names masked per D-CUST-13, audited; sorted as shown
        return exports.people_csv(
            request,
            "vip-without-manager",
            exports.unassigned_columns(request.user),
            unassigned,
            "pk",
        )
    page, query = page_of(request, unassigned)
    prime_unmasked(request.user, [c.pk for c in page])  # D-CUST-13: one query
    return render(
        request,
        "keyaccounts/vip_portfolio.html",
        {
            "today": today,
            "managers": list(managers_sort.apply(manager_portfolios(today))),
            "managers_sort": managers_sort,
            "page": page,
            "query": query,
            "q": q,
            "city": city,
            "level": level,
            "levels": [
                *((str(value), Level(value).label) for value in PERSONAL_MANAGER_LEVELS),
                (ELIGIBLE_BY_STARS, _("Five credit stars")),
            ],
            "sort": sort,
            "export_url": export_url(request),
        },
    )


def _confirmed(request: HttpRequest) -> bool:
    """True when the POST is the confirmed second step (the first one shows a summary)."""
    return bool(request.POST.get("confirmed"))


@idempotent_form
def vip_assign(request: HttpRequest) -> HttpResponse:
    """SERVICE-8: assign (or change) a customer's personal account manager; confirmed
    first. ``?msisdn=`` fills the number (the portfolio page's links)."""
    form = PersonalManagerAssignForm(
        request.POST or None, initial={"customer": request.GET.get("msisdn", "")}
    )
    confirming, current = False, None
    if request.method == "POST" and form.is_valid():
        customer = form.cleaned_data["customer"]
        current = current_assignments().filter(customer=customer).select_related("manager").first()
        if not _confirmed(request):
            confirming = True
        else:
            try:
                personal_manager_assign(
                    customer=customer, manager=form.cleaned_data["manager"], actor=request.user
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(msisdn)s now has %(user)s as personal account manager.")
                    % {
                        "msisdn": customer.msisdn,
                        "user": form.cleaned_data["manager"].get_username(),
                    },
                )
                return redirect("keyaccounts:vip_portfolio")
    return render(
        request,
        "keyaccounts/vip_assign.html",
        {"form": form, "confirming": confirming, "current": current},
    )


@idempotent_form
def vip_rebalance(request: HttpRequest) -> HttpResponse:
    """SERVICE-8: move N personal customers, or the numbers given, from one manager to
    another; the customers to move are listed for confirmation first."""
    form = PersonalManagerRebalanceForm(request.POST or None)
    confirming, moving = False, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _confirmed(request):
            confirming = True
            mine = portfolio_to_move(data["from_manager"], data["numbers"] or None)
            size = len(data["numbers"]) if data["numbers"] else data["count"]
            moving = list(assignments_annotated(mine, clock.today())[:size])
            if len(moving) < size:  # the service would refuse: say so before confirming
                confirming = False
                form.add_error(
                    None,
                    _(
                        "Only %(found)s of the %(asked)s customers are personal customers "
                        "of %(name)s; nothing was moved."
                    )
                    % {
                        "found": len(moving),
                        "asked": size,
                        "name": data["from_manager"].get_username(),
                    },
                )
        else:
            try:
                moved = personal_manager_rebalance(
                    from_manager=data["from_manager"],
                    to_manager=data["to_manager"],
                    customers=data["numbers"] or None,
                    count=None if data["numbers"] else data["count"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(count)s personal customers moved from %(from)s to %(to)s.")
                    % {
                        "count": len(moved),
                        "from": data["from_manager"].get_username(),
                        "to": data["to_manager"].get_username(),
                    },
                )
                return redirect("keyaccounts:vip_portfolio")
    return render(
        request,
        "keyaccounts/vip_rebalance.html",
        {"form": form, "confirming": confirming, "moving": moving},
    )


@idempotent_form
def vip_end(request: HttpRequest) -> HttpResponse:
    """SERVICE-8 (D-GROUP-10): end a customer's personal-manager assignment with no
    successor, with a reason; a confirmation page first. ``?msisdn=`` fills the number."""
    form = PersonalManagerEndForm(
        request.POST or None, initial={"customer": request.GET.get("msisdn", "")}
    )
    confirming, current = False, None
    if request.method == "POST" and form.is_valid():
        customer = form.cleaned_data["customer"]
        current = current_assignments().filter(customer=customer).select_related("manager").first()
        if current is None:
            form.add_error(
                "customer",
                _("%(msisdn)s has no personal account manager.") % {"msisdn": customer.msisdn},
            )
        elif not _confirmed(request):
            confirming = True
        else:
            try:
                personal_manager_end(
                    customer=customer, actor=request.user, note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(msisdn)s no longer has a personal account manager.")
                    % {"msisdn": customer.msisdn},
                )
                return redirect("keyaccounts:vip_portfolio")
    return render(
        request,
        "keyaccounts/vip_end.html",
        {"form": form, "confirming": confirming, "current": current},
    )
