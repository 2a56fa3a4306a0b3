"""SERVICE-8: assigning a VIP customer's personal account manager 专属客户经理 and moving a
manager's portfolio to another manager. Supervisors only; both keep the history (the old
row ended, a new one started, each with who did it) and write an audit line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.roles import MANAGER, is_supervisor, roles_of, staff_name
from keyaccounts.models import PersonalManager
from keyaccounts.selectors.personal import (
    current_assignments,
    customer_eligibility,
    portfolio_to_move,
)
from membership.models import Customer

audit = logging.getLogger("keyaccounts.audit")


def _check_supervisor(actor: Any) -> None:
    if actor is None or not is_supervisor(actor):
        raise DomainError(
            _("Only a supervisor may assign personal account managers."), code="forbidden"
        )


def _check_manager(user: Any) -> None:
    if user is None or not getattr(user, "is_active", False) or MANAGER not in roles_of(user):
        raise DomainError(
            _(
                "%(user)s is not an account manager: only staff with that role can be a personal account manager."
            )
            % {"user": getattr(user, "username", "—")}
        )


@transaction.atomic
def personal_manager_assign(
    *, customer: Customer, manager: Any, actor: Any, on: date | None = None
) -> PersonalManager:
    """SERVICE-8: ``manager`` becomes ``customer``'s personal account manager from ``on``
    (today). A current assignment to another manager is ended that day; the customer must
    be eligible today (diamond, platinum or gold, or five credit stars)."""
    _check_supervisor(actor)
    _check_manager(manager)
    on = on or clock.today()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer_eligibility(customer, on).eligible:
        raise DomainError(
            _(
                "%(msisdn)s may not have a personal account manager: that needs a diamond, "
                "platinum or gold level, or five credit stars, on an active line."
            )
            % {"msisdn": customer.msisdn}
        )
    current = current_assignments().filter(customer=customer).first()
    if current is not None and current.manager_id == manager.pk:
        raise DomainError(
            _("%(name)s is already the personal account manager of %(msisdn)s.")
            % {"name": staff_name(manager), "msisdn": customer.msisdn},
            code="conflict",
        )
    now = clock.now()
    if current is not None:
        if on < current.started_on:
            raise DomainError(
                _("The current assignment starts on %(day)s; choose that day or a later one.")
                % {"day": f"{current.started_on:%Y-%m-%d}"}
            )
        current.ended_on, current.ended_at, current.ended_by = on, now, actor
        current.save(update_fields=["ended_on", "ended_at", "ended_by"])
    row = PersonalManager.objects.create(
        customer=customer,
        manager=manager,
        started_on=on,
        reason=PersonalManager.Reason.ASSIGN,
        assigned_at=now,
        assigned_by=actor,
    )
    audit.info(
        "personal manager assigned: customer=%s manager=%s previous=%s actor=%s",
        customer.msisdn,
        manager.pk,
        current.manager_id if current is not None else None,
        actor.pk,
    )
    return row


@transaction.atomic
def personal_manager_rebalance(
    *,
    from_manager: Any,
    to_manager: Any,
    actor: Any,
    customers: Sequence[Customer] | None = None,
    count: int | None = None,
    on: date | None = None,
) -> list[PersonalManager]:
    """SERVICE-8: move personal customers of ``from_manager`` to ``to_manager`` from ``on``
    (today): exactly ``customers`` (each must be a current personal customer of
    ``from_manager``), or the first ``count`` of the portfolio by number. Eligibility is
    not checked again (D-GROUP-8): a customer who lost it moves, still flagged. Set-based:
    one UPDATE ends the rows, one INSERT starts the new ones. Returns the new rows."""
    _check_supervisor(actor)
    _check_manager(to_manager)
    if from_manager.pk == to_manager.pk:
        raise DomainError(_("Choose two different account managers."))
    if (customers is None) == (count is None):
        raise DomainError(_("Give either the customers to move or how many to move."))
    on = on or clock.today()
    rows = portfolio_to_move(from_manager).select_for_update()
    if customers is not None:
        wanted = {c.pk: c for c in customers}
        if not wanted:
            raise DomainError(_("Choose at least one customer to move."))
        chosen = list(rows.filter(customer_id__in=wanted))
        missing = sorted(
            wanted[pk].msisdn for pk in wanted.keys() - {r.customer_id for r in chosen}
        )
        if missing:
            raise DomainError(
                _("Not personal customers of %(name)s: %(numbers)s.")
                % {"name": staff_name(from_manager), "numbers": ", ".join(missing)}
            )
    else:
        count = int(count or 0)
        if count < 1:
            raise DomainError(_("Move at least one customer."))
        chosen = list(rows[:count])
        if len(chosen) < count:
            raise DomainError(
                _("%(name)s has %(have)s personal customers; %(count)s cannot be moved.")
                % {"name": staff_name(from_manager), "have": len(chosen), "count": count}
            )
    late = [r for r in chosen if r.started_on > on]
    if late:
        raise DomainError(
            _("%(msisdn)s is assigned from %(day)s; move it on that day or later.")
            % {"msisdn": late[0].customer.msisdn, "day": f"{late[0].started_on:%Y-%m-%d}"}
        )
    now = clock.now()
    PersonalManager.objects.filter(pk__in=[r.pk for r in chosen]).update(
        ended_on=on, ended_at=now, ended_by=actor
    )
    created = PersonalManager.objects.bulk_create(
        PersonalManager(
            customer_id=r.customer_id,
            manager=to_manager,
            started_on=on,
            reason=PersonalManager.Reason.REBALANCE,
            assigned_at=now,
            assigned_by=actor,
        )
        for r in chosen
    )
    audit.info(
        "personal customers moved: from=%s to=%s count=%s actor=%s",
        from_manager.pk,
        to_manager.pk,
        len(created),
        actor.pk,
    )
    return created


@transaction.atomic
def personal_manager_end(*, customer: Customer, actor: Any, note: str) -> PersonalManager:
    """SERVICE-8 (D-GROUP-10): end the customer's current assignment with no successor
    (the customer left, asked not to be called, …) from today, saying why. The row is kept
    (history); the customer then shows among the eligible customers without a manager
    while still eligible. Supervisors only."""
    _check_supervisor(actor)
    if not note.strip():
        raise DomainError(_("Say why the assignment ends."))
    current = current_assignments().select_for_update().filter(customer=customer).first()
    if current is None:
        raise DomainError(
            _("%(msisdn)s has no personal account manager.") % {"msisdn": customer.msisdn},
            code="conflict",
        )
    on = clock.today()
    if on < current.started_on:
        raise DomainError(
            _("The current assignment starts on %(day)s; it cannot end before.")
            % {"day": f"{current.started_on:%Y-%m-%d}"}
        )
    current.ended_on, current.ended_at, current.ended_by = on, clock.now(), actor
    current.end_note = note.strip()
    current.save(update_fields=["ended_on", "ended_at", "ended_by", "end_note"])
    audit.info(
        "personal manager ended: customer=%s manager=%s actor=%s",
        customer.msisdn,
        current.manager_id,
        actor.pk,
    )
    return current
