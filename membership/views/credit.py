"""The credit history page of a customer (CREDIT-1..5), for every staff role."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.programme import programme
from membership.access import customer_for_user
from membership.selectors.credit import credit_breakdown, credit_history

PAGE_SIZE = 24  # two years of months


def customer_credit(request: HttpRequest, msisdn: str) -> HttpResponse:
    customer = customer_for_user(request.user, msisdn)
    page = Paginator(credit_history(customer), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(rating, credit_breakdown(rating)) for rating in page]
    return render(
        request,
        "membership/credit_history.html",
        {
            "customer": customer,
            "page": page,
            "rows": rows,
            "spend_months": programme("CREDIT_SPEND_MONTHS"),
            "suspension_months": programme("CREDIT_SUSPENSION_MONTHS"),
            "penalty": programme("CREDIT_SUSPENSION_PENALTY"),
        },
    )
