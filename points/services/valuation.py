"""FIN-1: setting the yuan-per-point rate the points liability is valued at."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from points.models import PointsValuation

audit = logging.getLogger("points.audit")

# FIN-1: a rate is positive with at most this many decimals (and fits the column).
RATE_DECIMALS = 4
RATE_MAX = Decimal("9999.9999")


def rate_refusal(rate: Decimal) -> str:
    """Why ``rate`` cannot be a valuation rate, or '' (the form and the service share it)."""
    if not rate.is_finite() or rate <= 0 or rate > RATE_MAX:
        return _("A rate is a positive number of yuan per point, at most %(max)s.") % {
            "max": RATE_MAX
        }
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATE_DECIMALS:
        return _("A rate has at most %(n)s decimals.") % {"n": RATE_DECIMALS}
    return ""


@transaction.atomic
def valuation_set(
    *, rate: Decimal, valid_from: date, note: str = "", actor: Any = None
) -> PointsValuation:
    """FIN-1: a new rate in force from ``valid_from``; earlier rates stay as history, and
    a rate set again for the same day replaces it from then on (the later row wins).

    Audited twice: the row keeps who set it and when, and a line goes to the
    ``points.audit`` log."""
    refusal = rate_refusal(rate)
    if refusal:
        raise DomainError(refusal, code="rate")
    valuation = PointsValuation.objects.create(
        rate=rate,
        valid_from=valid_from,
        note=note,
        set_by=recorded_actor(actor),
        set_at=clock.now(),
    )
    audit.info(
        "points valuation set: rate=%s valid_from=%s user=%s id=%s",
        rate,
        valid_from.isoformat(),
        getattr(valuation.set_by, "pk", None),
        valuation.pk,
    )
    return valuation
