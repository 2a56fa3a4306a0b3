"""POINTS-9/10: what follows a customer's status change in the points ledger.

Freezing is derived from the status (``points.selectors.account_frozen``), so suspension,
pending cancellation, reactivation and withdrawal need nothing written here. Cancellation
clears the balance with an entry, in the transaction of the status change (membership sends
``customer_status_changed`` inside it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core import clock
from membership.models import Customer, Status, StatusChange
from points.models import EntryKind
from points.services.ledger import account_lock, entry_post, lots_for_update


@transaction.atomic
def account_clear(*, customer: Customer, actor: Any = None, today: date | None = None) -> int:
    """POINTS-10: clear every lot of a cancelled line, one entry per lot; returns the points."""
    today = today or clock.today()
    (customer,) = account_lock(customer)
    cleared = 0
    for lot in lots_for_update(customer):
        cleared += lot.balance
        entry_post(
            customer=customer,
            lot=lot,
            kind=EntryKind.CANCELLATION_CLEAR,
            amount=-lot.balance,
            booked_on=today,
            actor=actor,
            note=gettext_noop("line cancelled"),  # POINTS-10, shown translated
        )
    return cleared


def on_customer_status_changed(
    sender: Any, *, customer: Customer, change: StatusChange, actor: Any = None, **kwargs: Any
) -> None:
    """Receiver of ``membership.signals.customer_status_changed`` (connected in apps.py)."""
    if change.to_status == Status.CANCELLED:
        account_clear(customer=customer, actor=actor, today=timezone.localdate(change.changed_at))
