"""TIER-7 screens: ask for an upgrade, the supervisor's approvals inbox, decide, withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.exports import export_url, wants_csv
from core.idempotency import idempotent_form
from core.search import search_term
from core.sorting import Sorting, SortState
from keyaccounts import exports
from keyaccounts.access import (
    key_person_for_user,
    prime_unmasked,
    sees_all_groups,
    upgrade_request_for_user,
    upgrade_requests_visible_to,
)
from keyaccounts.forms.groups import DecisionForm, UpgradeRequestForm, WithdrawForm
from keyaccounts.models import UpgradeStatus
from keyaccounts.selectors.groups import upgrade_requests_annotated, upgrade_search
from keyaccounts.services import upgrades as services
from keyaccounts.views.groups import page_of
from membership.models import Level
from membership.selectors.levels import effective_level

# D-HOUSE-10: upgrade requests are few (key persons' only): any shown column sorts. The
# list shows the newest first, the inbox the oldest (what has waited longest).
UPGRADE_COLUMNS = {
    "asked": ("requested_at",),
    "line": ("customer__msisdn", "requested_at"),
    "group": ("key_person__group__name", "requested_at"),
    "from": ("current_rank", "requested_at"),
    "to": ("requested_rank", "requested_at"),
    "by": ("requested_by__last_name", "requested_by__first_name", "requested_at"),
    "status": ("status", "requested_at"),
}
UPGRADE_SORTING = Sorting(UPGRADE_COLUMNS, default="-asked")
INBOX_SORTING = Sorting(UPGRADE_COLUMNS, default="asked")


def _requests_listed(
    request: HttpRequest, sorting: Sorting, *, status: str
) -> tuple[Any, SortState, dict[str, Any]]:
    """TIER-7: the requests the user may see, filtered and sorted as asked, and what the
    filter form shows again."""
    q = search_term(request.GET)
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    overdue = bool(request.GET.get("overdue"))
    sort = sorting.read(request)
    rows = sort.apply(
        upgrade_search(
            upgrade_requests_visible_to(request.user),
            today=clock.today(),
            status=status,
            q=q,
            level=level,
            overdue_only=overdue,
        )
    )
    shown = {"q": q, "level": level, "levels": Level.choices, "overdue_only": overdue}
    return rows, sort, shown


@idempotent_form
def upgrade_create(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """TIER-7: the account manager asks for a higher level for a key person."""
    person = key_person_for_user(request.user, key_person_id, write=True)
    current = effective_level(person.customer, clock.today())
    form = UpgradeRequestForm(request.POST or None, current_level=current)
    if request.method == "POST" and form.is_valid():
        try:
            upgrade = services.upgrade_request_create(
                key_person=person,
                requested_level=form.cleaned_data["requested_level"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Upgrade requested; a supervisor will decide."))
            return redirect("keyaccounts:upgrade_detail", request_id=upgrade.pk)
    return render(
        request,
        "keyaccounts/upgrade_form.html",
        {"person": person, "group": person.group, "current": current, "form": form},
    )


def upgrade_list(request: HttpRequest) -> HttpResponseBase:
    """TIER-7: the requests the user may see, by status, level and overdue, searchable,
    sorted, paginated."""
    status = request.GET.get("status", "")
    requests, sort, shown = _requests_listed(
        request, UPGRADE_SORTING, status=status if status in UpgradeStatus.values else ""
    )
    if wants_csv(request):  # D-GROUP-12: names masked per D-CUST-13, audited; sorted as shown
        return exports.people_csv(
            request,
            "upgrade-requests",
            exports.upgrade_columns(request.user),
            requests,
            "customer_id",
        )
    page, query = page_of(request, requests)
    prime_unmasked(request.user, [r.customer_id for r in page])  # D-CUST-13: one query
    return render(
        request,
        "keyaccounts/upgrade_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": UpgradeStatus.choices,
            "sort": sort,
            "export_url": export_url(request),
            **shown,
        },
    )


def upgrade_inbox(request: HttpRequest) -> HttpResponseBase:
    """TIER-7: the supervisor's approvals inbox: pending requests, oldest first unless
    sorted otherwise, overdue ones (more than the allowed working days) flagged."""
    requests, sort, shown = _requests_listed(request, INBOX_SORTING, status=UpgradeStatus.PENDING)
    if wants_csv(request):  # D-GROUP-12: names masked per D-CUST-13, audited; sorted as shown
        return exports.people_csv(
            request, "upgrade-inbox", exports.upgrade_columns(request.user), requests, "customer_id"
        )
    page, query = page_of(request, requests)
    prime_unmasked(request.user, [r.customer_id for r in page])  # D-CUST-13: one query
    overdue = sum(1 for item in page if item.overdue)
    return render(
        request,
        "keyaccounts/upgrade_inbox.html",
        {
            "page": page,
            "query": query,
            "overdue": overdue,
            "sort": sort,
            "export_url": export_url(request),
            **shown,
        },
    )


def upgrade_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """TIER-7: one request with its history, and the moves the user may make."""
    upgrade = upgrade_request_for_user(request.user, request_id)
    annotated = upgrade_requests_annotated(
        type(upgrade).objects.filter(pk=upgrade.pk), clock.today()
    ).get()
    return render(request, "keyaccounts/upgrade_detail.html", _detail_context(request, annotated))


def _detail_context(request: HttpRequest, upgrade: Any, **extra: Any) -> dict[str, Any]:
    pending = upgrade.status == UpgradeStatus.PENDING
    user = request.user
    is_requester = upgrade.requested_by_id == user.pk
    return {
        "upgrade": upgrade,
        "person": upgrade.key_person,
        "group": upgrade.key_person.group,
        "history": upgrade.history.select_related("actor"),
        "may_decide": pending and not is_requester and sees_all_groups(user),
        "may_withdraw": pending and is_requester,
        "decision_form": extra.pop("decision_form", DecisionForm()),
        "withdraw_form": extra.pop("withdraw_form", WithdrawForm()),
        **extra,
    }


def _decide(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    upgrade = upgrade_request_for_user(request.user, request_id, write=True)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.upgrade_request_approve
            if action == "approve"
            else services.upgrade_request_reject
        )
        try:
            decide(request=upgrade, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Request approved; the limited upgrade is in force.")
                if action == "approve"
                else _("Request rejected."),
            )
            return redirect("keyaccounts:upgrade_detail", request_id=upgrade.pk)
    annotated = upgrade_requests_annotated(
        type(upgrade).objects.filter(pk=upgrade.pk), clock.today()
    ).get()
    return render(
        request,
        "keyaccounts/upgrade_decide.html",
        _detail_context(request, annotated, decision_form=form, action=action),
    )


def upgrade_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    """TIER-7: a supervisor (never the requester) approves with a reason."""
    return _decide(request, request_id, "approve")


def upgrade_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    """TIER-7: a supervisor (never the requester) rejects with a reason."""
    return _decide(request, request_id, "reject")


def upgrade_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    """TIER-7: the requester takes a pending request back (confirmation page first)."""
    upgrade = upgrade_request_for_user(request.user, request_id, write=True)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upgrade_request_withdraw(
                request=upgrade, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Request withdrawn."))
            return redirect("keyaccounts:upgrade_detail", request_id=upgrade.pk)
    annotated = upgrade_requests_annotated(
        type(upgrade).objects.filter(pk=upgrade.pk), clock.today()
    ).get()
    return render(
        request,
        "keyaccounts/upgrade_decide.html",
        _detail_context(request, annotated, withdraw_form=form, action="withdraw"),
    )
