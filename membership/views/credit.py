"""The credit history page of a customer (CREDIT-1..5), for every staff role."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.programme import programme
from core.sorting import Sorting
from membership.access import customer_for_user
from membership.selectors.credit import credit_breakdown, credit_history

PAGE_SIZE = 24  # two years of months
# ?sort= → the order of the months (D-HOUSE-10): one customer's, twelve a year, so any
# figure column; the month is the unique (customer, month) index's order.
SORTING = Sorting(
    {"month": ("month",), "stars": ("stars", "month"), "score": ("score", "month")},
    default="-month",
)


def customer_credit(request: HttpRequest, msisdn: str) -> HttpResponse:
    customer = customer_for_user(request.user, msisdn)
    sort = SORTING.read(request)
    ratings = sort.apply(credit_history(customer))
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(rating, credit_breakdown(rating)) for rating in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "membership/credit_history.html",
        {
            "customer": customer,
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "rows": rows,
            "spend_months": programme("CREDIT_SPEND_MONTHS"),
            "suspension_months": programme("CREDIT_SUSPENSION_MONTHS"),
            "penalty": programme("CREDIT_SUSPENSION_PENALTY"),
        },
    )
