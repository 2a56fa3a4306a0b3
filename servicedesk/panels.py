"""The service panel servicedesk registers on membership's customer card."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access import may_open
from membership.models import Customer
from servicedesk.selectors.desk import open_requests, privileges
from servicedesk.selectors.standing import customer_standing


def card_panel_context(request: Any, customer: Customer, on: date) -> dict[str, Any]:
    """Privileges with what is left, and the open requests; the desk card has the rest."""
    return {
        "customer": customer,
        "privileges": privileges(customer_standing(customer, on)),
        "open_requests": list(open_requests(customer)[:5]),
        "may_open_desk_card": may_open(request.user, "servicedesk:desk_card"),
        # SERVICE-9: the account manager's way to the birthday minutes (D-DESK-15)
        "may_add_birthday_minutes": may_open(request.user, "servicedesk:birthday_minutes_add"),
    }
