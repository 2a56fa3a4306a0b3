"""TIER-7 approved upgrades: an account manager asks, a supervisor decides, each move is a
history row, and an approval writes a limited grant through the grant service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.roles import is_supervisor
from core.states import state_check, state_move
from keyaccounts.models import KeyPerson, UpgradeRequest, UpgradeRequestEvent, UpgradeStatus
from membership.models import LEVEL_RANK, GrantSource, Level, Status
from membership.selectors.levels import effective_level
from membership.services.grants import grant_create


def upgrade_valid_until(day: date) -> date:
    """TIER-7: the end of the current rating year (1 February – 31 January, TIER-4).

    Decision D-GROUP-3: a request approved in January runs to 31 January of the *next* year:
    the rating year it was approved in ends within days, and the annual rating for the
    following one has already been fixed on data the request was raised against.
    """
    return date(day.year + 1, 1, 31)


def upgrade_set_status(
    *,
    request: UpgradeRequest,
    status: str,
    actor: Any,
    note: str = "",
    at: datetime | None = None,
    **fields: Any,
) -> UpgradeRequest:
    """TIER-7: move ``request`` to ``status`` if ``UpgradeRequest.TRANSITIONS`` allows it,
    with a history row (``core.states.state_move``).

    The move is a conditional UPDATE on the status the caller read: when two people decide
    the same request at once, only the first one's UPDATE matches a row, the second is
    refused (nothing half-written: the caller's transaction rolls back).
    """
    refusal = _("A request that is %(current)s cannot become %(target)s.") % {
        "current": request.get_status_display().lower(),
        "target": UpgradeStatus(status).label.lower(),
    }
    state_check(request, status, refusal=refusal, code="conflict")
    at = at or clock.now()
    if at < request.requested_at:
        raise DomainError(_("A request cannot move before it was made."))
    origin = request.status
    state_move(
        request,
        status,
        values=fields,
        refusal=refusal,
        code="conflict",
        lost=_("This request has been decided or withdrawn meanwhile."),
        history=lambda: UpgradeRequestEvent.objects.create(
            request=request,
            from_status=origin,
            to_status=status,
            at=at,
            actor=recorded_actor(actor),
            note=note,
        ),
    )
    return request


def _locked(request: UpgradeRequest) -> UpgradeRequest:
    return UpgradeRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)


@transaction.atomic
def upgrade_request_create(
    *,
    key_person: KeyPerson,
    requested_level: str,
    reason: str,
    actor: Any,
    at: datetime | None = None,
) -> UpgradeRequest:
    """TIER-7: the group's account manager asks for a higher level for a key person."""
    person = KeyPerson.objects.select_related("group", "customer").get(pk=key_person.pk)
    if not (person.group.account_manager_id == actor.pk or is_supervisor(actor)):
        raise DomainError(
            _("Only the group's account manager may ask for an upgrade."), code="forbidden"
        )
    if person.ended_at is not None:
        raise DomainError(_("This person is no longer a key person."))
    if person.customer.status == Status.CANCELLED:
        raise DomainError(
            _("The line %(msisdn)s is cancelled.") % {"msisdn": person.customer.msisdn}
        )
    if requested_level not in LEVEL_RANK:
        raise DomainError(_("Unknown level “%(level)s”.") % {"level": requested_level})
    if not reason.strip():
        raise DomainError(_("Give a reason for the upgrade."))
    at = at or clock.now()
    current = effective_level(person.customer, timezone.localdate(at))
    if current is not None and LEVEL_RANK[requested_level] <= LEVEL_RANK[current]:
        raise DomainError(
            _("The requested level must be higher than the current one (%(level)s).")
            % {"level": Level(current).label}
        )
    if UpgradeRequest.objects.filter(key_person=person, status=UpgradeStatus.PENDING).exists():
        raise DomainError(_("A request for this key person is pending already."))
    try:
        with transaction.atomic():
            request = UpgradeRequest.objects.create(
                key_person=person,
                customer=person.customer,
                current_level=current or "",
                requested_level=requested_level,
                reason=reason.strip(),
                requested_by=actor,
                requested_at=at,
            )
    except IntegrityError as exc:  # a concurrent request won the unique constraint
        raise DomainError(_("A request for this key person is pending already.")) from exc
    UpgradeRequestEvent.objects.create(
        request=request,
        from_status="",
        to_status=UpgradeStatus.PENDING,
        at=at,
        actor=actor,
        note=request.reason,
    )
    return request


def _check_decider(request: UpgradeRequest, actor: Any, note: str) -> None:
    if not is_supervisor(actor):
        raise DomainError(_("Only a supervisor decides upgrade requests."), code="forbidden")
    if request.requested_by_id == actor.pk:
        raise DomainError(_("Nobody decides a request they made (TIER-7)."), code="forbidden")
    if not note.strip():
        raise DomainError(_("Give the reason for the decision."))


@transaction.atomic
def upgrade_request_approve(
    *, request: UpgradeRequest, actor: Any, note: str, at: datetime | None = None
) -> UpgradeRequest:
    """TIER-7: a supervisor (not the requester) approves; a limited upgrade grant is written
    from the decision day to the end of the rating year (airport VIP and green channel only,
    no mid-high-end promotions)."""
    request = _locked(request)
    _check_decider(request, actor, note)
    if request.customer.status == Status.CANCELLED:
        raise DomainError(
            _("The line %(msisdn)s is cancelled.") % {"msisdn": request.customer.msisdn}
        )
    at = at or clock.now()
    request = upgrade_set_status(
        request=request,
        status=UpgradeStatus.APPROVED,
        actor=actor,
        note=note.strip(),
        at=at,
        decided_by=actor,
        decided_at=at,
        decision_note=note.strip(),
    )
    day = timezone.localdate(at)
    grant = grant_create(
        customer=request.customer,
        level=request.requested_level,
        source=GrantSource.UPGRADE,
        valid_from=day,
        valid_until=upgrade_valid_until(day),
        cause=request,
        actor=actor,
        reason=f"TIER-7: upgrade request #{request.pk} approved: {note.strip()}"[:200],
        limited=True,
    )
    UpgradeRequest.objects.filter(pk=request.pk).update(grant=grant)
    request.grant = grant
    return request


@transaction.atomic
def upgrade_request_reject(
    *, request: UpgradeRequest, actor: Any, note: str, at: datetime | None = None
) -> UpgradeRequest:
    """TIER-7: a supervisor (not the requester) rejects, with the reason."""
    request = _locked(request)
    _check_decider(request, actor, note)
    at = at or clock.now()
    return upgrade_set_status(
        request=request,
        status=UpgradeStatus.REJECTED,
        actor=actor,
        note=note.strip(),
        at=at,
        decided_by=actor,
        decided_at=at,
        decision_note=note.strip(),
    )


@transaction.atomic
def upgrade_request_withdraw(
    *, request: UpgradeRequest, actor: Any, note: str = "", at: datetime | None = None
) -> UpgradeRequest:
    """TIER-7: the requester takes a pending request back."""
    request = _locked(request)
    if request.requested_by_id != actor.pk:
        raise DomainError(_("Only the person who asked may withdraw a request."), code="forbidden")
    return upgrade_set_status(
        request=request,
        status=UpgradeStatus.WITHDRAWN,
        actor=actor,
        note=note.strip() or "Withdrawn by the requester.",
        at=at,
    )


@transaction.atomic
def upgrade_request_close_for_key_person(*, request: UpgradeRequest, actor: Any) -> UpgradeRequest:
    """A pending request whose person stopped being a key person is withdrawn, recorded
    with who removed the key person."""
    request = _locked(request)
    return upgrade_set_status(
        request=request,
        status=UpgradeStatus.WITHDRAWN,
        actor=actor,
        note="Withdrawn: the person is no longer a key person.",
    )
