"""Recent customers (D-CUST-9): the last customers a staff member opened, in their session.

The session is the staff member's own (one login, one working day): the list is theirs and
goes when they log out. It keeps the customers' row ids, not their numbers or names
(CUST-8), so a number change (CUST-6) keeps the entry, and the page shows the names masked.
"""

from __future__ import annotations

from typing import Any

from core.programme import programme
from membership.models import Customer

SESSION_KEY = "membership.recent_customers"


def remember_customer(request: Any, customer: Customer) -> None:
    """Put ``customer`` first in the user's recent list; the session is written only when
    the list changes (opening the same card again costs no query)."""
    recent: list[int] = list(request.session.get(SESSION_KEY, []))
    if recent[:1] == [customer.pk]:
        return
    recent = [customer.pk] + [pk for pk in recent if pk != customer.pk]
    request.session[SESSION_KEY] = recent[: programme("RECENT_CUSTOMERS")]


def recent_customers(request: Any) -> list[Customer]:
    """The user's recent customers, most recent first (one query)."""
    recent: list[int] = list(request.session.get(SESSION_KEY, []))
    if not recent:
        return []
    found = Customer.objects.in_bulk(recent)
    return [found[pk] for pk in recent if pk in found]
