"""The account manager's group screens: the list, a group's page, its details and class
(GROUP-1..4, TIER-6), and the paging and care choices the group screens share.

The other group screens: the workspace with the care calendar (workspace.py), members
(group_members.py), key persons (key_persons.py) and the contact log (group_contacts.py).
Thin views: access helper → form → service → redirect with a message. Which role may open
each URL is in keyaccounts/manifest.py; which group a user may see is keyaccounts/access.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.exports import csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.search import search_term
from core.sorting import Sorting
from keyaccounts import exports
from keyaccounts.access import (
    group_for_user,
    groups_visible_to,
    prime_unmasked,
    sees_all_groups,
)
from keyaccounts.forms.groups import GroupClassForm, GroupForm, account_managers
from keyaccounts.models import (
    CareOccasion,
    ContactChannel,
    GroupClass,
    UpgradeRequest,
    UpgradeStatus,
)
from keyaccounts.selectors.groups import (
    contact_timeline,
    group_former_members,
    group_key_persons,
    group_members,
    group_search,
    member_category_counts,
    upgrade_requests_annotated,
)
from keyaccounts.services import groups as services

PAGE_SIZE = 25
FORMER_PAGE_PARAM = "former_page"
CATEGORIES = ("key_person", "vip", "ordinary")

# D-HOUSE-10: the sortable columns of the group screens. The groups (a few hundred in the
# province, fewer for one manager) and a group's key persons are small: any shown column.
GROUP_SORTING = Sorting(
    {
        "code": ("code",),
        "name": ("name", "code"),
        "class": ("group_class", "code"),
        "city": ("city", "code"),
        "manager": ("account_manager__last_name", "account_manager__first_name", "code"),
        "key_persons": ("key_person_count", "code"),
        "members": ("member_count", "code"),
        # never contacted first: the most neglected
        "last_contact": (F("last_contact_at").asc(nulls_first=True), "code"),
    },
    default="code",
)
KEY_PERSON_SORTING = Sorting(
    {
        "role": ("role",),
        "rank": ("rank", "role"),
        "level": ("level_rank", "role"),
        "last_contact": (F("last_contact_at").asc(nulls_first=True), "role"),
    },
    default="role",
    param="kp_sort",
    page_param="",
)
# A group's members grow with it: the line (the customers' unique number) and the dates
# the (group, ended_on, signed_on) index serves (signed on; left on for former members).
MEMBER_SORTING = Sorting(
    {"line": ("customer__msisdn",), "signed": ("signed_on",)},
    default="line",
)
FORMER_SORTING = Sorting(
    {"left": ("ended_on", "ended_at")},
    default="-left",
    param="former_sort",
    page_param=FORMER_PAGE_PARAM,
)


def page_of(
    request: HttpRequest, items: Any, size: int = PAGE_SIZE, param: str = "page"
) -> tuple[Any, str]:
    """Page ``param`` of ``items``, and the query string of the other parameters (so the
    page links keep the filters and the other lists' pages)."""
    query = request.GET.copy()
    query.pop(param, None)
    return Paginator(items, size).get_page(request.GET.get(param)), query.urlencode()


def _primed(request: HttpRequest, key_persons: Any) -> list[Any]:
    """The key persons as a list, their names' masking answered in one query (D-CUST-13)."""
    rows = list(key_persons)
    prime_unmasked(request.user, [kp.customer_id for kp in rows])
    return rows


def care_choices() -> dict[str, Any]:
    return {"channels": ContactChannel.choices, "occasions": CareOccasion.choices}


def query_with(request: HttpRequest, drop: tuple[str, ...] = (), **params: str) -> str:
    """The current query string with ``params`` set (an empty value removes one) and the
    ``drop`` parameters removed: links that change one filter and keep the others."""
    query = request.GET.copy()
    for name in (*drop, *params):
        query.pop(name, None)
    for name, value in params.items():
        if value:
            query[name] = value
    return query.urlencode()


def group_list(request: HttpRequest) -> HttpResponseBase:
    """GROUP-1: the groups the user may see, searchable, filtered, sorted, paginated."""
    q = search_term(request.GET)
    group_class = request.GET.get("class", "")
    city = search_term(request.GET, "city")
    manager = request.GET.get("manager", "")
    supervisor = sees_all_groups(request.user)
    groups = groups_visible_to(request.user)
    if supervisor and manager.isdigit():
        groups = groups.filter(account_manager_id=int(manager))
    sort = GROUP_SORTING.read(request)
    groups = sort.apply(
        group_search(
            groups,
            q=q,
            group_class=group_class if group_class in GroupClass.values else "",
            city=city,
        )
    )
    if wants_csv(request):  # D-GROUP-12: what the list shows, every page, in its order
        return csv_response(request, "groups", exports.group_columns(), groups)
    page, query = page_of(request, groups)
    return render(
        request,
        "keyaccounts/group_list.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "group_class": group_class,
            "classes": GroupClass.choices,
            "city": city,
            "manager_id": manager,
            "managers": account_managers() if supervisor else [],
            "sort": sort,
            "can_create": may_open(request.user, "keyaccounts:group_create"),
            "export_url": export_url(request),
        },
    )


@idempotent_form
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(**form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Group %(code)s created.") % {"code": group.code})
            return redirect("keyaccounts:group_detail", group_id=group.pk)
    return render(request, "keyaccounts/group_form.html", {"form": form})


def group_detail(request: HttpRequest, group_id: int) -> HttpResponseBase:
    """GROUP-2/3/4: key persons with quick contact entry, members by category, timeline.

    ``?format=csv`` downloads the members of the category shown; with ``list=key_persons``
    the key persons (D-GROUP-12, names masked per D-CUST-13, audited)."""
    group = group_for_user(request.user, group_id)
    today = clock.today()
    category = request.GET.get("category", "")
    if category not in CATEGORIES:
        category = ""
    q = "".join(ch for ch in search_term(request.GET) if ch.isdigit())
    sort = MEMBER_SORTING.read(request)
    kp_sort = KEY_PERSON_SORTING.read(request)
    former_sort = FORMER_SORTING.read(request)
    members = sort.apply(group_members(group, today, category, msisdn=q))
    key_person_rows = kp_sort.apply(group_key_persons(group, today))
    if wants_csv(request):
        if request.GET.get("list") == "key_persons":
            return exports.people_csv(
                request,
                f"group-{group.code}-key-persons",
                exports.key_person_columns(request.user),
                key_person_rows,
                "customer_id",
            )
        return exports.people_csv(
            request,
            f"group-{group.code}-members",
            exports.member_columns(request.user),
            members,
            "customer_id",
        )
    page, query = page_of(request, members)
    former, former_query = page_of(
        request, former_sort.apply(group_former_members(group)), param=FORMER_PAGE_PARAM
    )
    pending = upgrade_requests_annotated(
        UpgradeRequest.objects.filter(key_person__group=group, status=UpgradeStatus.PENDING),
        today,
    )
    key_persons = list(key_person_rows)
    timeline = list(contact_timeline(group.contacts.all())[:10])
    # D-CUST-13: whose names the user sees in full, for everything shown, in one query
    prime_unmasked(
        request.user,
        [kp.customer_id for kp in key_persons]
        + [m.customer_id for m in page]
        + [m.customer_id for m in former]
        + [c.key_person.customer_id for c in timeline if c.key_person is not None],
    )
    return render(
        request,
        "keyaccounts/group_detail.html",
        {
            "group": group,
            "today": today,
            "key_persons": key_persons,
            "counts": member_category_counts(group, today),
            "category": category,
            # the category tabs keep the search and the sorts, and start at page 1
            "tabs": {
                value or "all": query_with(request, drop=("page",), category=value)
                for value in ("", *CATEGORIES)
            },
            "q": q,
            "page": page,
            "query": query,
            "sort": sort,
            "kp_sort": kp_sort,
            "former_sort": former_sort,
            "former": former,
            "former_query": former_query,
            "former_param": FORMER_PAGE_PARAM,
            "timeline": timeline,
            "pending": pending,
            "can_edit_group": sees_all_groups(request.user),
            "export_url": export_url(request),
            "key_persons_export_url": (
                f"{request.path}?list=key_persons&kp_sort={kp_sort.value}&format=csv"
            ),
            **care_choices(),
        },
    )


def group_update(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_for_user(request.user, group_id, write=True)
    initial = {
        "name": group.name,
        "city": group.city,
        "account_manager": group.account_manager,
        "has_it_centre": group.has_it_centre,
    }
    form = GroupForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, **form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Group %(code)s saved.") % {"code": group.code})
            return redirect("keyaccounts:group_detail", group_id=group.pk)
    return render(request, "keyaccounts/group_form.html", {"form": form, "group": group})


def group_change_class(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-1 / TIER-6: a class change re-grants every key person; confirmed first."""
    group = group_for_user(request.user, group_id, write=True)
    form = GroupClassForm(request.POST or None, initial={"group_class": group.group_class})
    confirming = False
    if request.method == "POST" and form.is_valid():
        if not request.POST.get("confirmed"):
            confirming = True
        else:
            try:
                services.group_change_class(
                    group=group, group_class=form.cleaned_data["group_class"], actor=request.user
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Group %(code)s is now class %(cls)s; key-person levels follow.")
                    % {"code": group.code, "cls": form.cleaned_data["group_class"]},
                )
                return redirect("keyaccounts:group_detail", group_id=group.pk)
    return render(
        request,
        "keyaccounts/group_class_form.html",
        {
            "group": group,
            "form": form,
            "confirming": confirming,
            "key_persons": _primed(request, group_key_persons(group, clock.today())),
        },
    )
