"""SERVICE-13: club events 全球通俱乐部活动: supervisors' events, customers' sign-ups and
their attendance.

A sign-up takes a seat of the event with one conditional UPDATE (``signed_up <
capacity``; the database re-checks it under its row lock, and ``club_event_within_capacity``
is the last line of defence), and, where the entitlement table counts club events, a unit of
the customer's ``club_event`` quota (reserve-then-consume, SERVICE-2, D-DESK-4). Attending or
not coming uses the unit; cancelling before the event gives the seat and the unit back
(D-DESK-19).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.states import state_check, state_move
from membership.models import Customer
from servicedesk.models import (
    Benefit,
    ClubEvent,
    ClubSignup,
    ClubSignupEvent,
    Entitlement,
    Reservation,
    SignupStatus,
)
from servicedesk.selectors.checks import check_club_signup
from servicedesk.selectors.standing import customer_standing
from servicedesk.services.counters import counter_consume, counter_release, counter_reserve

audit = logging.getLogger("servicedesk.audit")

# What a supervisor edits on an event (``signed_up`` moves only with the sign-ups).
EVENT_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "place",
    "capacity",
    "levels",
    "signup_deadline",
    "description",
)


def club_event_create(*, actor: Any, data: dict[str, Any]) -> ClubEvent:
    """SERVICE-13: a new event (supervisors), its creation kept in the event's history."""
    event = ClubEvent(
        **{name: data[name] for name in EVENT_FIELDS if name in data},
        created_at=clock.now(),
        created_by=recorded_actor(actor),
    )
    event.save()
    audit.info("club event created: event=%s user=%s", event.pk, getattr(actor, "pk", None))
    return event


@transaction.atomic
def club_event_update(*, event: ClubEvent, actor: Any, data: dict[str, Any]) -> ClubEvent:
    """SERVICE-13: edit an event, on its row locked so that no sign-up takes a seat
    meanwhile; the capacity cannot go below the seats taken."""
    locked = ClubEvent.objects.select_for_update().get(pk=event.pk)
    capacity = data.get("capacity", locked.capacity)
    if capacity < locked.signed_up:
        raise DomainError(
            _("%(n)d seats are taken already; the capacity cannot be lower.")
            % {"n": locked.signed_up},
            code="capacity_below_signups",
        )
    changed = [name for name in EVENT_FIELDS if name in data]
    for name in changed:
        setattr(locked, name, data[name])
    locked.save(update_fields=changed)
    audit.info("club event edited: event=%s user=%s", locked.pk, getattr(actor, "pk", None))
    return locked


def _record(signup: ClubSignup, origin: str, to: str, actor: Any, note: str = "") -> Any:
    return ClubSignupEvent.objects.create(
        signup=signup,
        from_status=origin,
        to_status=to,
        at=clock.now(),
        actor=recorded_actor(actor),
        note=note[:300],
    )


@transaction.atomic
def club_signup_create(
    *, event: ClubEvent, customer: Customer, actor: Any, note: str = ""
) -> ClubSignup:
    """SERVICE-13: sign ``customer`` up for ``event``, or refuse with the reason
    (``DomainError`` with its code): sign-up closed, no club-event privilege at the
    customer's level or a level the event is not for, the quota used, already signed up,
    or no seat left. Nothing is written when refused."""
    now, today = clock.now(), clock.today()
    event = ClubEvent.objects.get(pk=event.pk)
    if event.starts_at <= now or today > event.signup_deadline:
        raise DomainError(
            _("Sign-up for this event closed on %(day)s.")
            % {"day": event.signup_deadline.isoformat()},
            code="signup_closed",
        )
    check = check_club_signup(
        customer_standing(customer, today),
        event_levels=list(event.levels),
        event_day=timezone.localdate(event.starts_at),
        table=list(Entitlement.objects.filter(benefit=Benefit.CLUB_EVENT)),
    )
    if not check.allowed:
        raise DomainError(check.reason, code=check.code or "refused")
    taken = ClubSignup.objects.filter(event=event, customer=customer).exclude(
        status=SignupStatus.CANCELLED
    )
    already = _("The customer is signed up for this event already.")
    if taken.exists():
        raise DomainError(already, code="already_signed_up")
    seat = ClubEvent.objects.filter(pk=event.pk, signed_up__lt=F("capacity")).update(
        signed_up=F("signed_up") + 1
    )
    if not seat:
        raise DomainError(_("The event is full: no seat is left."), code="event_full")
    signup = ClubSignup(
        event=event,
        customer=customer,
        terms=check.terms[:300],
        note=note[:300],
        created_at=now,
        created_by=recorded_actor(actor),
    )
    if check.counted:
        assert check.period_start is not None
        assert check.quota is not None
        counter = counter_reserve(
            customer=customer,
            benefit=check.benefit,
            period_start=check.period_start,
            quota=check.quota,
        )
        if counter is None:  # the last unit went to a parallel sign-up or request
            raise DomainError(
                _("The last unit of this privilege was just taken; nothing is left."),
                code="quota_used",
            )
        signup.counter, signup.reservation = counter, Reservation.RESERVED
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError as exc:  # club_signup_once_per_event, under a race
        raise DomainError(already, code="already_signed_up") from exc
    _record(signup, "", SignupStatus.SIGNED_UP, actor, note)
    return signup


@transaction.atomic
def club_signup_set_status(
    *, signup: ClubSignup, status: str, actor: Any, note: str = ""
) -> ClubSignup:
    """SERVICE-13: signed up → attended | no-show (once the event has begun) or cancelled
    (before it begins), with a history row (core.states.state_move on the row locked here).

    Attended and no-show use the reserved unit; cancelled gives it and the seat back."""
    signup = ClubSignup.objects.select_for_update().select_related("event").get(pk=signup.pk)
    if status not in SignupStatus.values:
        raise DomainError(_("Unknown status “%(status)s”.") % {"status": status})
    refusal = _("A sign-up that is %(current)s cannot become %(new)s.") % {
        "current": SignupStatus(signup.status).label,
        "new": SignupStatus(status).label,
    }
    state_check(signup, status, refusal=refusal, code="invalid")
    now = clock.now()
    begun = now >= signup.event.starts_at
    if status in (SignupStatus.ATTENDED, SignupStatus.NO_SHOW) and not begun:
        raise DomainError(
            _("Attendance is marked once the event has begun."), code="event_not_begun"
        )
    if status == SignupStatus.CANCELLED and begun:
        raise DomainError(
            _("The event has begun: mark the customer as attended or as not come."),
            code="event_begun",
        )
    origin = signup.status
    values: dict[str, Any] = {"closed_at": now}
    if signup.reservation == Reservation.RESERVED and signup.counter_id is not None:
        assert signup.counter is not None
        if status == SignupStatus.CANCELLED:
            counter_release(counter=signup.counter)
            values["reservation"] = Reservation.RELEASED
        else:
            counter_consume(counter=signup.counter)
            values["reservation"] = Reservation.CONSUMED
    if status == SignupStatus.CANCELLED:
        ClubEvent.objects.filter(pk=signup.event_id, signed_up__gt=0).update(
            signed_up=F("signed_up") - 1
        )
    state_move(
        signup,
        status,
        values=values,
        locked=True,
        refusal=refusal,
        code="invalid",
        history=lambda: _record(signup, origin, status, actor, note),
    )
    return signup
