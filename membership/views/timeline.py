"""CUST-11: the member timeline page of a customer, and its CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exports import Column, csv_response, export_url, wants_csv
from core.programme import programme
from membership.access import customer_for_user
from membership.forms.timeline import TimelineFilterForm
from membership.selectors.timeline import timeline_entries, timeline_page


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


def customer_timeline(request: HttpRequest, msisdn: str) -> HttpResponse | StreamingHttpResponse:
    """CUST-11 / D-CUST-11: levels, points, requests, contacts, status and plan changes of
    one customer on one time line, newest first, ``TIMELINE_PAGE_SIZE`` a page, filtered by
    kind; ``?format=csv`` downloads the whole filtered timeline (audited, D-HOUSE-5).

    Not sortable by a column (D-HOUSE-10): the entries are merged from several tables by
    time, each read newest first up to the page, so time is the only order it has."""
    customer = customer_for_user(request.user, msisdn)
    form = TimelineFilterForm(request.GET)
    kinds = form.cleaned_data["kind"] if form.is_valid() else []
    if wants_csv(request):
        columns = [
            Column(_("When"), lambda e: e.at),
            Column(_("Kind"), lambda e: e.kind_label),
            Column(_("What"), lambda e: e.title),
            Column(_("Details"), lambda e: e.detail),
            Column(_("By"), lambda e: e.actor),
            Column(_("Rule"), lambda e: e.rule),
        ]
        rows = timeline_entries(customer, user=request.user, kinds=kinds, limit=None)
        return csv_response(request, f"timeline-{customer.msisdn}", columns, rows, personal=True)
    page = timeline_page(
        customer,
        user=request.user,
        page=_page_number(request.GET.get("page")),
        size=programme("TIMELINE_PAGE_SIZE"),
        kinds=kinds,
    )
    return render(
        request,
        "membership/customer_timeline.html",
        {
            "customer": customer,
            "form": form,
            "page": page,
            "query": urlencode([("kind", k) for k in kinds]),
            "export_url": export_url(request),
        },
    )
