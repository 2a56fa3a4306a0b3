"""TIER-2 / TIER-10: writing and ending level grants, each step audited.

Every rule that gives a level (annual rating, plan, key person, approved upgrade, retained
level) calls these functions; nothing else writes ``LevelGrant`` rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from membership.models import (
    LEVEL_RANK,
    Customer,
    GrantEvent,
    GrantSource,
    LevelGrant,
    RatingRun,
)


@transaction.atomic
def grant_create(
    *,
    customer: Customer,
    level: str,
    source: str,
    valid_from: date,
    valid_until: date | None = None,
    cause: models.Model | None = None,
    rating_run: RatingRun | None = None,
    actor: Any = None,
    reason: str = "",
    limited: bool = False,
) -> LevelGrant:
    """TIER-2: give ``customer`` ``level`` from ``valid_from`` to ``valid_until`` (inclusive)."""
    if level not in LEVEL_RANK:
        raise DomainError(_("Unknown level “%(level)s”.") % {"level": level})
    if source not in GrantSource.values:
        raise DomainError(_("Unknown grant source “%(source)s”.") % {"source": source})
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("A grant cannot end before it starts."))
    grant = LevelGrant.objects.create(
        customer=customer,
        level=level,
        rank=LEVEL_RANK[level],
        source=source,
        valid_from=valid_from,
        valid_until=valid_until,
        limited=limited,
        rating_run=rating_run,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=cause.pk if cause is not None else None,
        reason=reason,
        created_by=recorded_actor(actor),
    )
    GrantEvent.objects.create(  # TIER-10
        grant=grant,
        action=GrantEvent.Action.GRANTED,
        at=grant.created_at,
        actor=recorded_actor(actor),
        rating_run=rating_run,
        reason=reason,
    )
    return grant


@transaction.atomic
def grant_end(*, grant: LevelGrant, last_day: date, actor: Any = None, reason: str) -> LevelGrant:
    """TIER-2: the grant is valid up to and including ``last_day`` and no longer after.

    Ending on a day before the grant starts voids it. A grant that already ends on or
    before ``last_day`` is left as it is (ending never lengthens a grant).
    """
    grant = LevelGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.valid_until is not None and grant.valid_until <= last_day:
        return grant
    now = clock.now()
    grant.valid_until = max(last_day, grant.valid_from - timedelta(days=1))
    grant.ended_at = now
    grant.ended_by = recorded_actor(actor)
    grant.end_reason = reason
    grant.save(update_fields=["valid_until", "ended_at", "ended_by", "end_reason"])
    GrantEvent.objects.create(  # TIER-10
        grant=grant,
        action=GrantEvent.Action.ENDED,
        at=now,
        actor=recorded_actor(actor),
        reason=reason,
    )
    return grant


def grants_open_after(customer: Customer, day: date) -> QuerySet[LevelGrant]:
    """Grants of ``customer`` still valid on some day after ``day``."""
    return LevelGrant.objects.filter(customer=customer).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=day)
    )


def grants_end_for_customer(
    *,
    customer: Customer,
    last_day: date,
    sources: list[str] | None = None,
    actor: Any = None,
    reason: str,
) -> int:
    """End every grant of ``customer`` (of ``sources``, or all) after ``last_day``."""
    grants = grants_open_after(customer, last_day)
    if sources is not None:
        grants = grants.filter(source__in=sources)
    count = 0
    for grant in grants:
        grant_end(grant=grant, last_day=last_day, actor=actor, reason=reason)
        count += 1
    return count


def grants_for_cause(cause: models.Model) -> QuerySet[LevelGrant]:
    """The grants a record (a subscription, a key-person role, a request) caused."""
    return LevelGrant.objects.filter(
        cause_type=ContentType.objects.get_for_model(cause), cause_id=cause.pk
    )
