"""SERVICE-8: the customer's personal account manager 专属客户经理 on the customer card and
the desk card, and in ``GET /api/customers/{msisdn}/`` (an added block, docs/interfaces.md),
both registered through membership.extensions in keyaccounts' ``AppConfig.ready()``."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.roles import staff_name
from keyaccounts.selectors.personal import manager_on
from membership.models import Customer


def card_panel_context(request: Any, customer: Customer, on: date) -> dict[str, Any]:
    """The manager in charge on ``on`` (one query), or none: then the panel says so."""
    row = manager_on(customer, on)
    return {
        "manager_name": staff_name(row.manager) if row else "",
        "manager_username": row.manager.get_username() if row else "",
        "manager_since": row.started_on if row else None,
    }


def customer_api_block(customer: Customer, on: date) -> dict[str, Any] | None:
    """The ``personal_manager`` block: ``{"username", "name", "since"}`` of the manager in
    charge on ``on``, or null."""
    row = manager_on(customer, on)
    if row is None:
        return None
    return {
        "username": row.manager.get_username(),
        "name": staff_name(row.manager),
        "since": row.started_on.isoformat(),
    }
