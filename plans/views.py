"""Plan screens: catalogue, a customer's plans, the order form, cancelling, plan advice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.sorting import Sorting
from membership.access import customer_for_user
from plans.access import subscription_for_user
from plans.advice import plan_advice
from plans.forms import CatalogueFilterForm, PlanOrderForm
from plans.models import Availability, PlanFamily
from plans.selectors import (
    availability_map,
    current_subscription,
    customer_subscriptions,
    is_new_customer,
    normalise_city,
    pending_order,
    plan_catalogue,
)
from plans.services import (
    effective_date_for,
    subscription_cancel,
    subscription_order,
)

PAGE_SIZE = 50
# ?sort= → the order of the catalogue and of a customer's orders (D-HOUSE-10): small tables
# (a few dozen plans; a customer's handful of orders), so any column a value sorts.
CATALOGUE_SORTING = Sorting(
    {
        "plan": ("name_zh", "code"),
        "family": ("family__position", "monthly_fee", "code"),
        "fee": ("monthly_fee", "code"),
        "minutes": ("included_minutes", "monthly_fee", "code"),
        "data": ("included_data_mb", "monthly_fee", "code"),
        "code": ("order_code", "code"),
    },
    default="family",
)
ORDER_SORTING = Sorting(
    {
        "ordered": ("created_at",),
        "plan": ("plan__name_zh", "created_at"),
        "status": ("status", "created_at"),
        "from": ("effective_from", "created_at"),
        # an order still in force (no end) ends after every dated one, on every database
        "until": (F("ended_on").asc(nulls_last=True), "effective_from"),
    },
    default="-ordered",
)


def _plan_columns(states: dict[Any, str] | None) -> list[Column]:
    """The catalogue's columns as the list shows them (issue 17: its CSV)."""
    columns = [
        Column(_("Plan"), lambda plan: plan.name_zh),
        Column(_("Family"), lambda plan: plan.family.name_zh),
        Column(_("Monthly fee (yuan)"), lambda plan: plan.monthly_fee),
        Column(pgettext("plan allowance", "Minutes"), lambda plan: plan.included_minutes),
        Column(_("Data (MB)"), lambda plan: plan.included_data_mb),
        Column(_("Beyond: voice (yuan/min)"), lambda plan: plan.voice_overage_rate.normalize()),
        Column(_("Beyond: data (yuan/KB)"), lambda plan: plan.data_overage_rate_per_kb.normalize()),
        Column(_("SMS code"), lambda plan: plan.order_code),
        Column(
            _("Level"),
            lambda plan: plan.get_carried_level_display() if plan.carried_level else "",
        ),
        Column(
            _("Included services"),
            lambda plan: "、".join(s.name_zh for s in plan.bundled_services.all()),
        ),
        Column(_("Offered"), lambda plan: plan.active),
    ]
    if states is not None:
        columns.append(
            Column(
                _("Availability"),
                lambda plan: (
                    Availability(states[plan.family_id]).label if plan.family_id in states else ""
                ),
            )
        )
    return columns


def plan_list(request: HttpRequest) -> HttpResponseBase:
    """PLAN-1..4: the catalogue, filtered by family and level, searched, sorted by a column;
    with a city, how each family is offered there; all of it as CSV with ``format=csv``,
    in the same order."""
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    family = filters.get("family")
    city = normalise_city(filters.get("city") or "")
    sort = CATALOGUE_SORTING.read(request)
    plans = sort.apply(
        plan_catalogue(
            family=family.code if family else "",
            q=filters.get("q", ""),
            level=filters.get("level", ""),
        )
    )
    states = availability_map(city) if city else {}
    if wants_csv(request):
        return csv_response(request, "plans", _plan_columns(states if city else None), plans)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(plan, states.get(plan.family_id)) for plan in page.object_list]
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "plans/plan_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "city": city,
            "sort": sort,
            "query": query,
            "export_url": export_url(request),
        },
    )


def _first_month(order: Any) -> str:
    if not order.new_customer:
        return ""
    terms = _("%(fee)s yuan · %(minutes)s min · %(data)s MB") % {
        "fee": order.first_month_fee,
        "minutes": order.first_month_minutes,
        "data": order.first_month_data_mb,
    }
    return f"{order.get_first_month_option_display()}: {terms}"


def _notes(order: Any) -> str:
    parts = [_("customer asked")] if order.customer_asked else []
    if order.store:
        parts.append(str(order.store))
    if order.note:
        parts.append(order.note)
    return " · ".join(parts)


def order_columns() -> list[Column]:
    """A customer's orders as the list shows them (D-HOUSE-5), without their moves (the
    small print under each); built per request, in the request's language."""
    return [
        Column("#", lambda order: order.pk),
        Column(_("Plan"), lambda order: order.plan.name_zh),
        Column(
            _("Level"),
            lambda order: (
                order.plan.get_carried_level_display() if order.plan.carried_level else ""
            ),
        ),
        Column(_("Status"), lambda order: order.get_status_display()),
        Column(_("From"), lambda order: order.effective_from),
        Column(_("Until"), lambda order: order.ended_on),
        Column(_("Channel"), lambda order: order.get_channel_display()),
        Column(_("First month"), _first_month),
        Column(_("Notes"), _notes),
    ]


def customer_plans(request: HttpRequest, msisdn: str) -> HttpResponseBase:
    """The customer's plan in force, pending change and every order with its moves, sorted
    by a column; ``format=csv``: every order in the same order (a customer's data: the
    export is audited)."""
    customer = customer_for_user(request.user, msisdn)
    sort = ORDER_SORTING.read(request)
    orders = sort.apply(customer_subscriptions(customer))
    if wants_csv(request):
        return csv_response(
            request,
            f"plan-orders-{customer.msisdn}",
            order_columns(),
            orders.prefetch_related(None),  # the moves are not in the CSV
            personal=True,
        )
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/customer_plans.html",
        {
            "customer": customer,
            "current": current_subscription(customer),
            "pending": pending_order(customer),
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "may_order": may_open(request.user, "plans:order"),
            "export_url": export_url(request),
        },
    )


@idempotent_form
def plan_order(request: HttpRequest, msisdn: str) -> HttpResponse:
    """Order a plan for the customer (counter clerks and supervisors)."""
    customer = customer_for_user(request.user, msisdn, write=True)
    today = clock.today()
    new_customer = is_new_customer(customer, today)
    form = PlanOrderForm(request.POST or None, customer=customer, new_customer=new_customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = subscription_order(
                customer=customer,
                plan=data["plan"],
                channel=data["channel"],
                actor=request.user,
                first_month_option=data.get("first_month_option", ""),
                customer_asked=data["customer_asked"],
                store=data.get("store"),
                note=data["note"],
                today=today,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(plan)s ordered; it takes effect on %(day)s.")
                % {
                    "plan": subscription.plan.name_zh,
                    "day": subscription.effective_from.isoformat(),
                },
            )
            return redirect("plans:customer_plans", msisdn=customer.msisdn)
    families = list(PlanFamily.objects.all())
    states = availability_map(customer.city)
    return render(
        request,
        "plans/order_form.html",
        {
            "customer": customer,
            "form": form,
            "new_customer": new_customer,
            "effective_from": effective_date_for(new_customer=new_customer, today=today),
            "availability": [(f, states.get(f.pk, Availability.OPEN)) for f in families],
            "current": current_subscription(customer),
            "pending": pending_order(customer),
        },
    )


def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an order not yet in force, after a confirmation page."""
    subscription = subscription_for_user(request.user, pk, write=True)
    if request.method == "POST":
        try:
            subscription_cancel(
                subscription=subscription,
                actor=request.user,
                note=request.POST.get("note", "")[:200],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Order #%(n)s cancelled.") % {"n": subscription.pk})
        return redirect("plans:customer_plans", msisdn=subscription.customer.msisdn)
    return render(request, "plans/order_cancel.html", {"subscription": subscription})


def advice(request: HttpRequest, msisdn: str) -> HttpResponse:
    """PLAN-7: every plan open to the customer with its estimated monthly cost."""
    customer = customer_for_user(request.user, msisdn)
    result = plan_advice(customer=customer, on=clock.today())
    return render(
        request,
        "plans/plan_advice.html",
        {
            "customer": customer,
            "advice": result,
            "may_order": may_open(request.user, "plans:order"),
        },
    )
