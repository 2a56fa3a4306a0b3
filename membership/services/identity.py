"""CUST-10: the identity check at the counter — verify, never reveal.

The clerk types or scans the number on the ID card in front of them; the answer is only
whether it is the customer's (一致 / 不一致). The stored number never leaves the server, the
typed one is not kept (CUST-8), and every check is an ``IdentityCheck`` row (who, when,
which customer, the answer) plus a line in the ``membership.audit`` log, as the reveals of
D-CUST-8. Decision D-CUST-10: after ``IDENTITY_CHECK_MAX_MISMATCHES`` mismatches for one
customer on one day (by any clerk), further checks that day are refused — and recorded.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from core import clock
from core.programme import programme
from membership.masking import audit
from membership.models import Customer, IdentityCheck, IdentityResult
from membership.selectors.search import normalise_id_number


@dataclass(frozen=True)
class IdentityAnswer:
    result: str  # an IdentityResult
    mismatches_left: int  # before checks are refused for the rest of the day


def customer_check_identity(*, customer: Customer, id_number: str, actor: Any) -> IdentityAnswer:
    """CUST-10: compare ``id_number`` with the customer's, record the check, answer."""
    limit: int = programme("IDENTITY_CHECK_MAX_MISMATCHES")
    typed = normalise_id_number(id_number).encode()
    with transaction.atomic():
        # One check at a time per customer, so two desks cannot both pass the throttle.
        stored = (
            Customer.objects.select_for_update()
            .values_list("id_number", flat=True)
            .get(pk=customer.pk)
        )
        today = clock.today()
        mismatches = IdentityCheck.objects.filter(
            customer=customer, day=today, result=IdentityResult.MISMATCH
        ).count()
        if mismatches >= limit:
            result = IdentityResult.REFUSED
        elif hmac.compare_digest(normalise_id_number(stored).encode(), typed):
            result = IdentityResult.MATCH
        else:
            result = IdentityResult.MISMATCH
            mismatches += 1
        IdentityCheck.objects.create(
            customer=customer,
            checked_by=actor,
            checked_at=clock.now(),
            day=today,
            result=result,
        )
    audit.info("identity checked: customer=%s user=%s result=%s", customer.msisdn, actor.pk, result)
    return IdentityAnswer(result=result, mismatches_left=max(limit - mismatches, 0))
