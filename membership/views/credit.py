"""The credit history page of a customer (CREDIT-1..5), for every staff role."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Column, csv_response, export_url, wants_csv
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


# The parts of a month's score, in the screen's order; the CSV gives the small print of a
# part (its years, bills, suspensions) a column of its own.
PARTS = (
    ("brand", gettext_lazy("Brand")),
    ("tenure", gettext_lazy("Tenure")),
    ("tenure_years", gettext_lazy("Whole years of tenure")),
    ("spend", gettext_lazy("Spend")),
    ("average_spend", gettext_lazy("Average bill")),
    ("bill_count", gettext_lazy("Bills")),
    ("suspensions", gettext_lazy("Suspensions")),
    ("suspension_count", gettext_lazy("Suspensions counted")),
)


def month_columns() -> list[Column]:
    """The months' columns as the screen shows them (D-HOUSE-5); built per request, in the
    request's language."""

    def part(name: str, header: str) -> Column:
        return Column(header, lambda rating: getattr(credit_breakdown(rating), name))

    return [
        Column(_("Month"), lambda rating: rating.month.strftime("%Y-%m")),
        Column(_("Stars"), lambda rating: rating.stars),
        Column(_("Score"), lambda rating: rating.score),
        *(part(name, str(header)) for name, header in PARTS),
    ]


def customer_credit(request: HttpRequest, msisdn: str) -> HttpResponseBase:
    """A customer's monthly ratings, sorted by a column, paged; ``format=csv``: all of
    them in the same order (a customer's data: audited, D-HOUSE-5)."""
    customer = customer_for_user(request.user, msisdn)
    sort = SORTING.read(request)
    ratings = sort.apply(credit_history(customer))
    if wants_csv(request):
        return csv_response(
            request, f"credit-{customer.msisdn}", month_columns(), ratings, personal=True
        )
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
            "export_url": export_url(request),
        },
    )
