"""D-GROUP-11: the account manager's notifications — the list, mark one read, mark all read.

The list is computed (keyaccounts.selectors.notices); marking read is a POST that is
idempotent by construction (a unique row per notification, inserted once), and leads back to
the page it came from.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.search import search_term
from core.sorting import Sorting
from keyaccounts.access import prime_unmasked
from keyaccounts.forms.notices import NoticeSeenForm
from keyaccounts.models import NoticeKind
from keyaccounts.selectors.notices import NoticeList, is_manager
from keyaccounts.services.notices import notice_mark_all_seen, notice_mark_seen
from keyaccounts.views.group_contacts import _back
from keyaccounts.views.groups import page_of

# D-HOUSE-10: the notifications are four computed kinds, bounded by one manager's
# portfolio: by kind (their own order within each) or by the day they are about, across
# the kinds. NoticeList reads the key and the direction (it is not one queryset).
NOTICE_SORTING = Sorting({"kind": ("kind",), "day": ("day",)}, default="kind")


def notices(request: HttpRequest) -> HttpResponse:
    """D-GROUP-11: the manager's unread notifications, by kind and line, sorted, paginated."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    q = "".join(ch for ch in search_term(request.GET) if ch.isdigit())
    sort = NOTICE_SORTING.read(request)
    items = NoticeList(
        request.user,
        clock.today(),
        kinds=(kind,) if kind else (),
        msisdn=q,
        by_day=sort.key == "day",
        descending=sort.descending,
    )
    page, query = page_of(request, items)
    prime_unmasked(request.user, [n.row.customer_id for n in page])  # D-CUST-13: one query
    return render(
        request,
        "keyaccounts/notices.html",
        {
            "page": page,
            "query": query,
            "is_manager": is_manager(request.user),
            "kind": kind,
            "kinds": NoticeKind.choices,
            "q": q,
            "sort": sort,
            "filtered": bool(kind or q),
        },
    )


@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """D-GROUP-11: mark one notification read (a second POST changes nothing)."""
    form = NoticeSeenForm(request.POST)
    if form.is_valid():
        notice_mark_seen(user=request.user, **form.cleaned_data)
        messages.success(request, _("Notification marked as read."))
    else:
        messages.error(request, _("This notification could not be marked as read."))
    return _back(request, reverse("keyaccounts:notices"))


@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    """D-GROUP-11: mark every unread notification read."""
    count = notice_mark_all_seen(user=request.user, today=clock.today())
    if count:
        messages.success(request, _("All notifications marked as read."))
    else:
        messages.info(request, _("No unread notification."))
    return _back(request, reverse("keyaccounts:notices"))
