"""The service panel servicedesk registers on membership's customer card."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access import may_open
from membership.models import Customer
from servicedesk.access import may_register_for
from servicedesk.models import BRAND_PRIVILEGE_KINDS, Benefit, RequestKind
from servicedesk.selectors.desk import open_requests, privileges
from servicedesk.selectors.standing import customer_standing


def card_panel_context(request: Any, customer: Customer, on: date) -> dict[str, Any]:
    """Privileges with what is left, and the open requests; the desk card has the rest.

    SERVICE-12/13: whoever may register for the customer (the counter, or the account
    manager who looks after them) gets the brand privileges' and the club sign-up's links."""
    user = getattr(request, "user", None)
    registers = may_register_for(user, customer, Benefit.CLUB_EVENT)
    return {
        "customer": customer,
        "privileges": privileges(customer_standing(customer, on)),
        "open_requests": list(open_requests(customer)[:5]),
        "may_open_desk_card": may_open(request.user, "servicedesk:desk_card"),
        # SERVICE-9: the account manager's way to the birthday minutes (D-DESK-15)
        "may_add_birthday_minutes": may_open(request.user, "servicedesk:birthday_minutes_add"),
        "brand_kinds": [
            (kind, RequestKind(kind).label) for kind in BRAND_PRIVILEGE_KINDS if registers
        ],
        "may_sign_up": registers,
    }
