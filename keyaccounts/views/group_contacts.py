"""GROUP-4: a group's contact log, and logging a contact with the group or with a key
person (quick entry from the key person's row and the care calendar)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.exports import export_url, wants_csv
from core.idempotency import idempotent_form
from core.redirects import safe_next
from core.sorting import Sorting
from keyaccounts import exports
from keyaccounts.access import group_for_user, key_person_for_user, prime_unmasked
from keyaccounts.filters import ContactFilter
from keyaccounts.forms.groups import ContactForm
from keyaccounts.selectors.groups import contact_timeline
from keyaccounts.services import groups as services
from keyaccounts.views.groups import page_of

# D-HOUSE-10: a contact log grows with the province; the (group, contacted_at) and
# (key_person, contacted_at) indexes serve its one sortable column, newest first by default.
CONTACT_SORTING = Sorting({"when": ("contacted_at",)}, default="-when")


def contacts_listed(request: HttpRequest, contacts: Any) -> tuple[ContactFilter, Any, Any]:
    """GROUP-4: a contact log (a group's, a key person's) filtered and sorted as asked: the
    filters, the sort and the rows."""
    filterset = ContactFilter(request.GET or None, queryset=contacts)
    sort = CONTACT_SORTING.read(request)
    return filterset, sort, sort.apply(contact_timeline(filterset.qs))


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to ``next`` when it is a page of ours, else to ``default``."""
    return redirect(safe_next(request, default))


def group_contacts(request: HttpRequest, group_id: int) -> HttpResponseBase:
    """GROUP-4: the group's whole contact log, filtered, sorted, paginated; ``?format=csv``
    downloads all of it as shown (D-GROUP-12, names masked per D-CUST-13, audited)."""
    group = group_for_user(request.user, group_id)
    filterset, sort, contacts = contacts_listed(request, group.contacts.all())
    if wants_csv(request):
        return exports.people_csv(
            request,
            f"group-{group.code}-contacts",
            exports.contact_columns(request.user),
            contacts,
            "key_person__customer_id",
        )
    page, query = page_of(request, contacts)
    prime_unmasked(  # D-CUST-13: one query for the page's names
        request.user, [c.key_person.customer_id for c in page if c.key_person is not None]
    )
    return render(
        request,
        "keyaccounts/group_contacts.html",
        {
            "group": group,
            "filter": filterset,
            "sort": sort,
            "page": page,
            "query": query,
            "export_url": export_url(request),
        },
    )


@idempotent_form
def group_contact_create(request: HttpRequest, group_id: int) -> HttpResponse:
    """GROUP-4: log a contact with the group (a key person or somebody else)."""
    group = group_for_user(request.user, group_id, write=True)
    form = ContactForm(request.POST or None, group=group)
    if (
        request.method == "POST"
        and form.is_valid()
        and _log_contact(request, form, group=group, key_person=form.cleaned_data["key_person"])
    ):
        return redirect("keyaccounts:group_detail", group_id=group.pk)
    return render(request, "keyaccounts/group_contact_form.html", {"group": group, "form": form})


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


@idempotent_form
def key_person_contact_create(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GROUP-4: quick contact entry from a key person's row (and the care calendar)."""
    person = key_person_for_user(request.user, key_person_id, write=True)
    form = ContactForm(request.POST or None, initial={"occasion": request.GET.get("occasion")})
    if (
        request.method == "POST"
        and form.is_valid()
        and _log_contact(request, form, group=person.group, key_person=person)
    ):
        return _back(request, reverse("keyaccounts:key_person_detail", args=[person.pk]))
    return render(
        request,
        "keyaccounts/key_person_contact_form.html",
        {
            "group": person.group,
            "person": person,
            "form": form,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )
