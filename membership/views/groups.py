"""The account manager's screens: workspace with the care calendar, groups, members, key
persons and the contact log (GROUP-1..4, TIER-6).

Thin views: access helper → form → service → redirect with a message. Which role may open
each URL is in core/access.py; which group a user may see is membership/access_groups.py.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.access import may_open
from core.errors import DomainError
from membership.access_groups import (
    group_for_user,
    groups_visible_to,
    key_person_for_user,
    sees_all_groups,
    upgrade_requests_visible_to,
)
from membership.forms.groups import (
    ContactForm,
    GroupClassForm,
    GroupForm,
    KeyPersonForm,
    KeyPersonRemoveForm,
    MemberAddForm,
    MemberRemoveForm,
    account_managers,
)
from membership.models import (
    CareOccasion,
    ContactChannel,
    GroupClass,
    GroupMember,
    KeyPerson,
    UpgradeRequest,
    UpgradeStatus,
)
from membership.selectors.care import care_calendar
from membership.selectors.groups import (
    contact_timeline,
    group_former_members,
    group_key_persons,
    group_members,
    group_search,
    groups_annotated,
    member_category_counts,
    upgrade_requests_annotated,
)
from membership.selectors.levels import customer_grants_on
from membership.services import groups as services
from membership.services.grants import grants_for_cause

PAGE_SIZE = 25
CARE_PAGE_SIZE = 50  # each list of the care calendar
FORMER_PAGE_PARAM = "former_page"
# The care calendar's lists, each paginated on its own query parameter.
CARE_LISTS = ("birthdays", "greetings", "no_contact", "follow_ups")


def _page(
    request: HttpRequest, items: Any, size: int = PAGE_SIZE, param: str = "page"
) -> tuple[Any, str]:
    """Page ``param`` of ``items``, and the query string of the other parameters (so the
    page links keep the filters and the other lists' pages)."""
    query = request.GET.copy()
    query.pop(param, None)
    return Paginator(items, size).get_page(request.GET.get(param)), query.urlencode()


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to ``next`` when it is a page of ours, else to ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _care_choices() -> dict[str, Any]:
    return {"channels": ContactChannel.choices, "occasions": CareOccasion.choices}


def manager_workspace(request: HttpRequest) -> HttpResponse:
    """The account manager's morning: groups, care calendar, follow-ups, own requests.

    Account managers see their own groups only; supervisors see every manager's and may
    narrow it to one (``?manager=<id>``). Each list of the care calendar is paginated on
    its own parameter (``birthdays_page``, ``greetings_page``, ...).
    """
    today = timezone.localdate()
    groups = groups_visible_to(request.user)
    managers_filter = sees_all_groups(request.user)
    manager_id = request.GET.get("manager", "")
    if managers_filter and manager_id.isdigit():
        groups = groups.filter(account_manager_id=int(manager_id))
    elif not managers_filter:
        groups = groups.filter(account_manager_id=request.user.pk)
        manager_id = ""
    calendar = care_calendar(KeyPerson.objects.filter(group__in=groups.values("pk")), today)
    care_pages = {}
    for name in CARE_LISTS:
        page, query = _page(request, getattr(calendar, name), CARE_PAGE_SIZE, param=f"{name}_page")
        care_pages[name] = {"page": page, "query": query, "param": f"{name}_page"}
    requests = upgrade_requests_annotated(
        upgrade_requests_visible_to(request.user).filter(key_person__group__in=groups.values("pk")),
        today,
    ).order_by("-requested_at", "-id")
    return render(
        request,
        "membership/manager_workspace.html",
        {
            "today": today,
            "groups": groups_annotated(groups).order_by("code")[:50],
            "group_total": groups.count(),
            "calendar": calendar,
            "care_pages": care_pages,
            "requests": requests[:10],
            "managers_filter": managers_filter,
            "manager_id": manager_id,
            "managers": account_managers() if managers_filter else [],
            **_care_choices(),
        },
    )


def group_list(request: HttpRequest) -> HttpResponse:
    """GROUP-1: the groups the user may see, searchable, paginated."""
    q = request.GET.get("q", "").strip()
    group_class = request.GET.get("class", "")
    groups = group_search(
        groups_visible_to(request.user),
        q=q,
        group_class=group_class if group_class in GroupClass.values else "",
    )
    page, query = _page(request, groups)
    return render(
        request,
        "membership/group_list.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "group_class": group_class,
            "classes": GroupClass.choices,
            "can_create": may_open(request.user, "membership:group_create"),
        },
    )


def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(**form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Group %(code)s created.") % {"code": group.code})
            return redirect("membership:group_detail", group_id=group.pk)
    return render(request, "membership/group_form.html", {"form": form})


def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-2/3/4: key persons with quick contact entry, members by category, timeline."""
    group = group_for_user(request.user, group_id)
    today = timezone.localdate()
    category = request.GET.get("category", "")
    if category not in ("key_person", "vip", "ordinary"):
        category = ""
    page, query = _page(request, group_members(group, today, category))
    former, former_query = _page(request, group_former_members(group), param=FORMER_PAGE_PARAM)
    pending = upgrade_requests_annotated(
        UpgradeRequest.objects.filter(key_person__group=group, status=UpgradeStatus.PENDING),
        today,
    )
    return render(
        request,
        "membership/group_detail.html",
        {
            "group": group,
            "today": today,
            "key_persons": group_key_persons(group, today),
            "counts": member_category_counts(group, today),
            "category": category,
            "page": page,
            "query": query,
            "former": former,
            "former_query": former_query,
            "former_param": FORMER_PAGE_PARAM,
            "timeline": contact_timeline(group.contacts.all())[:10],
            "pending": pending,
            "can_edit_group": sees_all_groups(request.user),
            **_care_choices(),
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
            return redirect("membership:group_detail", group_id=group.pk)
    return render(request, "membership/group_form.html", {"form": form, "group": group})


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
                return redirect("membership:group_detail", group_id=group.pk)
    return render(
        request,
        "membership/group_class_form.html",
        {
            "group": group,
            "form": form,
            "confirming": confirming,
            "key_persons": group_key_persons(group, timezone.localdate()),
        },
    )


def group_contacts(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-4: the group's whole contact timeline, paginated."""
    group = group_for_user(request.user, group_id)
    page, query = _page(request, contact_timeline(group.contacts.all()))
    return render(
        request, "membership/group_contacts.html", {"group": group, "page": page, "query": query}
    )


def group_contact_create(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-4: log a contact with the group (a key person or somebody else)."""
    group = group_for_user(request.user, group_id, write=True)
    form = ContactForm(request.POST or None, group=group)
    if (
        request.method == "POST"
        and form.is_valid()
        and _log_contact(request, form, group=group, key_person=form.cleaned_data["key_person"])
    ):
        return redirect("membership:group_detail", group_id=group.pk)
    return render(request, "membership/group_contact_form.html", {"group": group, "form": form})


def _log_contact(request: HttpRequest, form: forms.Form, *, group: Any, key_person: Any) -> bool:
    data = form.cleaned_data
    try:
        services.contact_log_create(
            group=group,
            key_person=key_person,
            person=data.get("person") or "",
            channel=data["channel"],
            occasion=data["occasion"],
            contacted_at=data.get("contacted_at"),
            notes=data["notes"],
            next_follow_up=data["next_follow_up"],
            actor=request.user,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, _("Contact logged."))
    return True


def group_member_add(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-2: sign a line up as a member of the group."""
    group = group_for_user(request.user, group_id, write=True)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_add(group=group, **form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Member added."))
            return redirect("membership:group_detail", group_id=group.pk)
    return render(request, "membership/group_member_form.html", {"group": group, "form": form})


def group_member_remove(request: HttpRequest, group_id: int, member_id: int) -> HttpResponse:
    """GROUP-2: a member leaves the group (confirmation page first); the membership is
    ended, not deleted, and shows among the group's former members."""
    group = group_for_user(request.user, group_id, write=True)
    member = get_object_or_404(
        GroupMember.objects.select_related("customer"),
        pk=member_id,
        group=group,
        ended_on__isnull=True,
    )
    # Bound on every POST: an empty form (no day given) confirms the removal as of today.
    form = MemberRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_remove(
                member=member, on=form.cleaned_data["ended_on"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Member removed from the group."))
            return redirect("membership:group_detail", group_id=group.pk)
    return render(
        request,
        "membership/group_member_confirm_remove.html",
        {"group": group, "member": member, "form": form},
    )


def key_person_create(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-3 / TIER-6: a new key person; the level follows from role, rank and class."""
    group = group_for_user(request.user, group_id, write=True)
    form = KeyPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.key_person_create(
                group=group, **form.cleaned_data, actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Key person added."))
            return redirect("membership:key_person_detail", key_person_id=person.pk)
    return render(request, "membership/key_person_form.html", {"group": group, "form": form})


def key_person_detail(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GROUP-3/4: the person, their levels and grants, requests and contact timeline."""
    person = key_person_for_user(request.user, key_person_id)
    today = timezone.localdate()
    page, query = _page(request, contact_timeline(person.contacts.all()))
    return render(
        request,
        "membership/key_person_detail.html",
        {
            "person": person,
            "group": person.group,
            "today": today,
            "grants_now": customer_grants_on(person.customer, today),
            "key_person_grants": grants_for_cause(person).order_by("valid_from", "id"),
            "requests": upgrade_requests_annotated(person.upgrade_requests.all(), today),
            "page": page,
            "query": query,
            **_care_choices(),
        },
    )


def key_person_update(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GROUP-3 / TIER-6: a new role or rank re-grants the person."""
    person = key_person_for_user(request.user, key_person_id, write=True)
    form = KeyPersonForm(
        request.POST or None,
        editing=True,
        initial={"role": person.role, "rank": person.rank, "title": person.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.key_person_update(key_person=person, **form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Key person saved."))
            return redirect("membership:key_person_detail", key_person_id=person.pk)
    return render(
        request,
        "membership/key_person_form.html",
        {"group": person.group, "person": person, "form": form},
    )


def key_person_remove(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GROUP-3 / TIER-6: the person stops being a key person (confirmation page first)."""
    person = key_person_for_user(request.user, key_person_id, write=True)
    form = KeyPersonRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_person_remove(
                key_person=person, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("No longer a key person; the key-person level ended."))
            return redirect("membership:group_detail", group_id=person.group_id)
    return render(
        request,
        "membership/key_person_confirm_remove.html",
        {"group": person.group, "person": person, "form": form},
    )


def key_person_contact_create(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GROUP-4: quick contact entry from a key person's row (and the care calendar)."""
    person = key_person_for_user(request.user, key_person_id, write=True)
    form = ContactForm(request.POST or None, initial={"occasion": request.GET.get("occasion")})
    if (
        request.method == "POST"
        and form.is_valid()
        and _log_contact(request, form, group=person.group, key_person=person)
    ):
        return _back(request, reverse("membership:key_person_detail", args=[person.pk]))
    return render(
        request,
        "membership/key_person_contact_form.html",
        {
            "group": person.group,
            "person": person,
            "form": form,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )
