"""SERVICE-2 reserve-then-consume on the usage counters.

Every move is one conditional UPDATE on the counter row: the database re-checks the
condition under its row lock, so two clerks serving the same customer at the same moment
cannot both take the last unit; the check constraint ``counter_within_quota`` is the last
line of defence.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F

from membership.models import Customer
from servicedesk.models import UsageCounter


@transaction.atomic
def counter_reserve(
    *, customer: Customer, benefit: str, period_start: date, quota: int
) -> UsageCounter | None:
    """Reserve one unit of ``benefit`` in the period; None when the quota is used up.

    ``quota`` is the quota in force now (the customer's level may have changed since the
    counter was opened); it is written to the counter with the reservation.
    """
    counter, _created = UsageCounter.objects.get_or_create(
        customer=customer,
        benefit=benefit,
        period_start=period_start,
        defaults={"quota": quota},
    )
    taken = (
        UsageCounter.objects.filter(pk=counter.pk)
        .alias(taken=F("reserved") + F("consumed"))
        .filter(taken__lt=quota)
        .update(reserved=F("reserved") + 1, quota=quota)
    )
    if not taken:
        return None
    counter.refresh_from_db()
    return counter


def counter_consume(*, counter: UsageCounter) -> bool:
    """The reserved unit is used (the request is done)."""
    return bool(
        UsageCounter.objects.filter(pk=counter.pk, reserved__gt=0).update(
            reserved=F("reserved") - 1, consumed=F("consumed") + 1
        )
    )


def counter_release(*, counter: UsageCounter) -> bool:
    """The reserved unit goes back (the request was cancelled or refused)."""
    return bool(
        UsageCounter.objects.filter(pk=counter.pk, reserved__gt=0).update(
            reserved=F("reserved") - 1
        )
    )
