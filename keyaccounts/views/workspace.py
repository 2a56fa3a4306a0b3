"""The account manager's workspace: their groups, their personal VIP customers and their
birthday gifts, the care calendar, follow-ups and their upgrade requests (GROUP-4, TIER-7,
SERVICE-8, SERVICE-14)."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import clock
from keyaccounts.access import (
    gifts_visible_to,
    groups_visible_to,
    personal_customers_visible_to,
    prime_unmasked,
    sees_all_groups,
    upgrade_requests_visible_to,
)
from keyaccounts.forms.groups import account_managers
from keyaccounts.models import KeyPerson
from keyaccounts.selectors.care import care_calendar
from keyaccounts.selectors.gifts import OPEN_STATUSES, gifts_annotated
from keyaccounts.selectors.groups import groups_annotated, upgrade_requests_annotated
from keyaccounts.selectors.notices import NoticeList, is_manager
from keyaccounts.selectors.personal import assignments_annotated, current_assignments
from keyaccounts.views.gifts import GIFT_SORTING
from keyaccounts.views.groups import care_choices, page_of

VIP_SHOWN = 50  # SERVICE-8: personal VIP customers shown on the workspace
NOTICES_SHOWN = 10  # D-GROUP-11: the first notifications, the rest on their page
CARE_PAGE_SIZE = 50  # each list of the care calendar
# The care calendar's lists, each paginated on its own query parameter.
CARE_LISTS = ("birthdays", "greetings", "no_contact", "follow_ups")
# D-HOUSE-10: the gifts due sort as the supervisors' list does, on their own parameter;
# the soonest contact day first.
GIFTS_SORTING = replace(
    GIFT_SORTING, default="contact_by", param="gifts_sort", page_param="gifts_page"
)


def manager_workspace(request: HttpRequest) -> HttpResponse:
    """The account manager's morning: groups, care calendar, follow-ups, own requests.

    Account managers see their own groups only; supervisors see every manager's and may
    narrow it to one (``?manager=<id>``). Each list of the care calendar is paginated on
    its own parameter (``birthdays_page``, ``greetings_page``, ...).
    """
    today = clock.today()
    groups = groups_visible_to(request.user)
    # SERVICE-8: the personal VIP customers, scoped like the groups (a manager's own).
    personal = personal_customers_visible_to(request.user)
    managers_filter = sees_all_groups(request.user)
    manager_id = request.GET.get("manager", "")
    if managers_filter and manager_id.isdigit():
        groups = groups.filter(account_manager_id=int(manager_id))
        personal = personal.filter(manager_id=int(manager_id))
    elif not managers_filter:
        groups = groups.filter(account_manager_id=request.user.pk)
        personal = personal.filter(manager_id=request.user.pk)
        manager_id = ""
    # SERVICE-14: the open birthday gifts of these personal customers, overdue marked.
    gifts = gifts_visible_to(request.user).filter(status__in=OPEN_STATUSES)
    if manager_id:
        gifts = gifts.filter(
            customer_id__in=current_assignments()
            .filter(manager_id=int(manager_id))
            .values("customer_id")
        )
    gifts_sort = GIFTS_SORTING.read(request)
    gifts_page, gifts_query = page_of(
        request,
        gifts_sort.apply(gifts_annotated(gifts, today, clock.now())),
        CARE_PAGE_SIZE,
        param="gifts_page",
    )
    calendar = care_calendar(KeyPerson.objects.filter(group__in=groups.values("pk")), today)
    care_pages = {}
    for name in CARE_LISTS:
        page, query = page_of(
            request, getattr(calendar, name), CARE_PAGE_SIZE, param=f"{name}_page"
        )
        care_pages[name] = {"page": page, "query": query, "param": f"{name}_page"}
    requests = upgrade_requests_annotated(
        upgrade_requests_visible_to(request.user).filter(key_person__group__in=groups.values("pk")),
        today,
    ).order_by("-requested_at", "-id")
    # D-GROUP-11: the logged-in manager's own unread notifications (none for supervisors).
    all_notices = NoticeList(request.user, today)
    notices = all_notices[:NOTICES_SHOWN]
    vip_customers = list(
        assignments_annotated(personal, today).order_by("-five_star", "customer__msisdn")[
            :VIP_SHOWN
        ]
    )
    # D-CUST-13: whose names the user sees in full, for every list shown, in one query
    prime_unmasked(
        request.user,
        [n.row.customer_id for n in notices]
        + [r.customer_id for r in vip_customers]
        + [g.customer_id for g in gifts_page]
        + [item.key_person.customer_id for name in CARE_LISTS for item in care_pages[name]["page"]],
    )
    return render(
        request,
        "keyaccounts/manager_workspace.html",
        {
            "today": today,
            "is_manager": is_manager(request.user),
            "notices": notices,
            "notice_total": all_notices.count(),
            "groups": groups_annotated(groups).order_by("code")[:50],
            "group_total": groups.count(),
            "vip_customers": vip_customers,
            "vip_total": personal.count(),
            "gifts": {
                "page": gifts_page,
                "query": gifts_query,
                "param": "gifts_page",
                "sort": gifts_sort,
            },
            "calendar": calendar,
            "care_pages": care_pages,
            "requests": requests[:10],
            "managers_filter": managers_filter,
            "manager_id": manager_id,
            "managers": account_managers() if managers_filter else [],
            **care_choices(),
        },
    )
