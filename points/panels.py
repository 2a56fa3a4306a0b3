"""The points panel of the customer card (registered through membership.extensions)."""

from __future__ import annotations

from datetime import date
from typing import Any

from membership.models import Customer
from points.selectors import account_frozen, expiring_in, lots_of


def card_panel_context(request: Any, customer: Customer, on: date) -> dict[str, Any]:
    """Redeemable balance, what expires at this year's clearing, and the link to the tab:
    one query (the lots with points left)."""
    lots = lots_of(customer)
    return {
        "points_redeemable": sum(lot.balance for lot in lots),
        "points_expiring": expiring_in(customer, lots, on.year),
        "points_expiring_on": date(on.year, 12, 31),
        "points_frozen": account_frozen(customer),
        "points_customer": customer,
    }
