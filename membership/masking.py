"""CUST-8: national ID numbers and full names are personal data.

They are shown masked (``3201**********1234``, ``张*``) to every role by default and never
written to logs. Decision D-CUST-8: only supervisors (and superusers) may see them in
full, and only on an explicit reveal for one customer, which is audited (who, which line —
never the values themselves).
"""

from __future__ import annotations

import logging
from typing import Any

from core.roles import is_supervisor

audit = logging.getLogger("membership.audit")

MASK = "*"


def mask_id(value: str | None) -> str:
    """CUST-8: keep the first 4 and the last 4 characters: ``3201**********1234``.

    A value too short to keep 8 characters and still hide something is masked whole.
    """
    text = (value or "").strip()
    if len(text) <= 8:
        return MASK * len(text)
    return text[:4] + MASK * (len(text) - 8) + text[-4:]


def mask_name(value: str | None) -> str:
    """CUST-8: keep the first character (the family name): ``张三``→``张*``, ``欧阳娜娜``→``欧***``.

    A one-character name is masked whole, so a mask never shows a full name.
    """
    text = (value or "").strip()
    if len(text) <= 1:
        return MASK * len(text)
    return text[0] + MASK * (len(text) - 1)


def may_reveal_personal_data(user: Any) -> bool:
    """D-CUST-8: supervisors and superusers may ask to see personal data in full."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_supervisor(user)


def personal_data_revealed(request: Any, customer: Any) -> bool:
    """True when ``request`` explicitly asks (``?reveal=1``) and the user may see it.

    Every reveal is audited with the user and the line's number, never the data itself.
    """
    if request.GET.get("reveal") != "1" or not may_reveal_personal_data(request.user):
        return False
    audit.info("personal data revealed: customer=%s user=%s", customer.msisdn, request.user.pk)
    return True
