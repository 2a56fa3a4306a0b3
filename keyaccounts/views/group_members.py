"""GROUP-2: signing a line up as a member of a group, and a member leaving it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.idempotency import idempotent_form
from keyaccounts.access import group_for_user
from keyaccounts.forms.groups import MemberAddForm, MemberRemoveForm
from keyaccounts.models import GroupMember
from keyaccounts.services import groups as services


@idempotent_form
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
            return redirect("keyaccounts:group_detail", group_id=group.pk)
    return render(request, "keyaccounts/group_member_form.html", {"group": group, "form": form})


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
            return redirect("keyaccounts:group_detail", group_id=group.pk)
    return render(
        request,
        "keyaccounts/group_member_confirm_remove.html",
        {"group": group, "member": member, "form": form},
    )
