"""SERVICE-13: club events: the list, supervisors' create and edit, an event's sign-ups with
attendance and the CSV export, and signing a customer up from the customer's card."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.access import may_open
from core.errors import DomainError
from core.exports import Column, csv_response, export_url, wants_csv
from core.idempotency import idempotent_form
from core.pagination import CappedCountPaginator
from core.roles import is_supervisor
from core.search import search_term
from core.sorting import Sorting
from membership.masking import mask_name, may_reveal_personal_data
from servicedesk.access import (
    club_event_for_user,
    club_signup_for_user,
    customer_for_registering,
)
from servicedesk.forms import (
    ClubEventForm,
    ClubEventSearchForm,
    ClubSignupForm,
    SignupSearchForm,
    TransitionForm,
)
from servicedesk.models import Benefit, SignupStatus
from servicedesk.selectors.club import club_events, event_signups, events_open_for_signup
from servicedesk.services import club as services
from servicedesk.views.desk import customer_card_url

# action in the URL → (target status, the button's label, destructive)
SIGNUP_ACTIONS = {
    "attended": (SignupStatus.ATTENDED, _("Attended"), False),
    "no-show": (SignupStatus.NO_SHOW, _("Did not come"), False),
    "cancel": (SignupStatus.CANCELLED, _("Cancel the sign-up"), True),
}
# D-HOUSE-10: the events are a small table (a few a month), sorted by any column shown.
EVENT_SORTING = Sorting(
    {
        "date": ("starts_at",),
        "title": ("title", "starts_at"),
        "place": ("place", "starts_at"),
        "deadline": ("signup_deadline", "starts_at"),
        "seats": ("signed_up", "starts_at"),
    },
    default="-date",
)
# An event's sign-ups grow with the province's customers: in sign-up order only, on the
# (event, created_at) index, either way.
SIGNUP_SORTING = Sorting({"signed_up": ("created_at",)}, default="signed_up")


def _event_columns() -> list[Column]:
    return [
        Column(_("Date and time"), lambda e: e.starts_at),
        Column(_("Event"), lambda e: e.title),
        Column(_("Kind"), lambda e: e.get_kind_display()),
        Column(_("Place"), lambda e: e.place),
        Column(_("Levels"), lambda e: e.level_labels),
        Column(_("Sign-up deadline"), lambda e: e.signup_deadline),
        Column(_("Seats taken"), lambda e: e.signed_up),
        Column(_("Capacity"), lambda e: e.capacity),
    ]


def club_event_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The events, searched (title, place), filtered (kind, to come or past), sorted (the
    latest first by default), paginated; ``?format=csv``; supervisors may add one."""
    form = ClubEventSearchForm(request.GET)
    form.is_valid()
    sort = EVENT_SORTING.read(request)
    rows = sort.apply(
        club_events(
            q=search_term(request.GET),
            kind=form.cleaned_data.get("kind", ""),
            when=form.cleaned_data.get("when", ""),
            now=clock.now(),
        )
    )
    if wants_csv(request):
        return csv_response(request, "club-events", _event_columns(), rows)
    page = CappedCountPaginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/club_event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "export_url": export_url(request),
            "may_edit": is_supervisor(request.user),
            "may_open_event": may_open(request.user, "servicedesk:club_event_detail"),
        },
    )


@idempotent_form
def club_event_create(request: HttpRequest) -> HttpResponse:
    form = ClubEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = services.club_event_create(actor=request.user, data=dict(form.cleaned_data))
        messages.success(request, _("Club event “%(title)s” created.") % {"title": event.title})
        return redirect("servicedesk:club_event_detail", pk=event.pk)
    return render(request, "servicedesk/club_event_form.html", {"form": form, "event": None})


def club_event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = club_event_for_user(request.user, pk, write=True)
    form = ClubEventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.club_event_update(
                event=event, actor=request.user, data=dict(form.cleaned_data)
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Club event saved."))
            return redirect("servicedesk:club_event_detail", pk=event.pk)
    return render(request, "servicedesk/club_event_form.html", {"form": form, "event": event})


def _signup_filters(request: HttpRequest) -> tuple[SignupSearchForm, str, str]:
    form = SignupSearchForm(request.GET or None)
    number = "".join(ch for ch in search_term(request.GET) if ch.isdigit())
    status = request.GET.get("status", "")
    return form, number, status if status in SignupStatus.values else ""


def club_event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event and its sign-ups (searched by number, filtered by status, paginated);
    attendance is marked here once the event has begun."""
    event = club_event_for_user(request.user, pk)
    form, number, status = _signup_filters(request)
    sort = SIGNUP_SORTING.read(request)
    rows = sort.apply(event_signups(event, number=number, status=status))
    page = CappedCountPaginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/club_event_detail.html",
        {
            "event": event,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "begun": clock.now() >= event.starts_at,
            "may_edit": is_supervisor(request.user),
            "may_reveal": may_reveal_personal_data(request.user),
        },
    )


def _signup_columns(*, reveal: bool) -> list[Column]:
    """The export's columns (codes as headers and values); the name masked (CUST-8) unless
    ``reveal`` (a supervisor's explicit request, D-DESK-19)."""
    name = (lambda s: s.customer.name) if reveal else (lambda s: mask_name(s.customer.name))
    return [
        Column("msisdn", lambda s: s.customer.msisdn),
        Column("name", name),
        Column("line_status", lambda s: s.customer.status),
        Column("status", lambda s: s.status),
        Column("signed_up_at", lambda s: s.created_at),
        Column("closed_at", lambda s: s.closed_at),
    ]


@require_GET
def club_event_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """SERVICE-13: the event's sign-ups (the page's search, filter and sort) as CSV, names
    masked (CUST-8) unless a supervisor asks ``?reveal=1``; every export is audited by
    core.exports (who, which event, the filters, the rows, whether revealed — never the
    data)."""
    event = club_event_for_user(request.user, pk)
    _form, number, status = _signup_filters(request)
    reveal = request.GET.get("reveal") == "1" and may_reveal_personal_data(request.user)
    sort = SIGNUP_SORTING.read(request)
    return csv_response(
        request,
        f"club-event-{event.pk}",
        _signup_columns(reveal=reveal),
        sort.apply(event_signups(event, number=number, status=status)),
        personal=True,
        revealed=reveal,
    )


def club_signup_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: the confirmation step; POST: the move (attendance is posted from the event
    page directly)."""
    signup = club_signup_for_user(request.user, pk, write=True)
    if action not in SIGNUP_ACTIONS:
        raise Http404(_("Unknown action."))
    status, label, danger = SIGNUP_ACTIONS[action]
    form = TransitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.club_signup_set_status(
                signup=signup, status=status, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(msisdn)s: %(status)s.")
                % {"msisdn": signup.customer.msisdn, "status": SignupStatus(status).label},
            )
        return redirect("servicedesk:club_event_detail", pk=signup.event_id)
    return render(
        request,
        "servicedesk/club_signup_confirm.html",
        {"signup": signup, "form": form, "label": label, "danger": danger},
    )


def _customer_page(request: HttpRequest, msisdn: str) -> str:
    """Where to go back to: the desk card for the counter, else the customer card."""
    if may_open(request.user, "servicedesk:desk_card"):
        return reverse("servicedesk:desk_card", kwargs={"msisdn": msisdn})
    return customer_card_url(msisdn)


@idempotent_form
def club_signup_create(request: HttpRequest, msisdn: str) -> HttpResponse:
    """SERVICE-13: sign the customer up for an event open for sign-up (the desk, or the
    account manager who looks after the customer)."""
    customer = customer_for_registering(request.user, msisdn, Benefit.CLUB_EVENT)
    events = events_open_for_signup(clock.now(), clock.today())
    form = ClubSignupForm(request.POST or None, events=events)
    back = _customer_page(request, customer.msisdn)
    if request.method == "POST" and form.is_valid():
        event = form.cleaned_data["event"]
        try:
            signup = services.club_signup_create(
                event=event, customer=customer, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, _("Refused: %(reason)s") % {"reason": exc.message})
        else:
            messages.success(
                request,
                _("Signed up for “%(title)s”: %(terms)s")
                % {"title": event.title, "terms": signup.terms},
            )
            return redirect(back or "servicedesk:club_event_list")
    return render(
        request,
        "servicedesk/club_signup_form.html",
        {"customer": customer, "form": form, "events": events, "back": back},
    )
