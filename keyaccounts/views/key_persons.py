"""GROUP-3 / TIER-6: a key person's page (levels, grants, requests, contacts), adding,
changing and removing key persons."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.idempotency import idempotent_form
from keyaccounts.access import group_for_user, key_person_for_user
from keyaccounts.forms.groups import KeyPersonForm, KeyPersonRemoveForm
from keyaccounts.selectors.groups import upgrade_requests_annotated
from keyaccounts.services import groups as services
from keyaccounts.views.group_contacts import contacts_listed
from keyaccounts.views.groups import care_choices, page_of
from membership.selectors.levels import customer_grants_on
from membership.services.grants import grants_for_cause


@idempotent_form
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
            return redirect("keyaccounts:key_person_detail", key_person_id=person.pk)
    return render(request, "keyaccounts/key_person_form.html", {"group": group, "form": form})


def key_person_detail(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GROUP-3/4: the person, their levels and grants, requests and contacts (filtered,
    sorted, paginated)."""
    person = key_person_for_user(request.user, key_person_id)
    today = clock.today()
    filterset, sort, contacts = contacts_listed(request, person.contacts.all())
    page, query = page_of(request, contacts)
    return render(
        request,
        "keyaccounts/key_person_detail.html",
        {
            "person": person,
            "group": person.group,
            "today": today,
            "grants_now": customer_grants_on(person.customer, today),
            "key_person_grants": grants_for_cause(person).order_by("valid_from", "id"),
            "requests": upgrade_requests_annotated(person.upgrade_requests.all(), today),
            "filter": filterset,
            "sort": sort,
            "page": page,
            "query": query,
            **care_choices(),
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
            return redirect("keyaccounts:key_person_detail", key_person_id=person.pk)
    return render(
        request,
        "keyaccounts/key_person_form.html",
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
            return redirect("keyaccounts:group_detail", group_id=person.group_id)
    return render(
        request,
        "keyaccounts/key_person_confirm_remove.html",
        {"group": person.group, "person": person, "form": form},
    )
