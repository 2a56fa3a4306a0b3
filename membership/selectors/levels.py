"""Reads of customers, levels and grants."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from membership.models import RANK_LEVEL, Customer, GrantSource, LevelGrant


def grants_valid_on(on: date) -> Q:
    """TIER-2: the condition for a grant valid on ``on`` (windows are inclusive)."""
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def customer_grants_on(customer: Customer, on: date) -> QuerySet[LevelGrant]:
    """The grants of ``customer`` valid on ``on``, the winning one first."""
    return LevelGrant.objects.filter(grants_valid_on(on), customer=customer).order_by(
        "-rank", "limited", "valid_from", "id"
    )


def effective_level(customer: Customer, on: date) -> str | None:
    """TIER-2: the highest level among the grants valid on ``on``, or None (not VIP)."""
    rank = customer_grants_on(customer, on).aggregate(top=Max("rank"))["top"]
    return RANK_LEVEL[rank] if rank else None


def effective_rank_subquery(on: date, customer_ref: str = "pk") -> Coalesce:
    """TIER-2 in SQL: the effective level rank (0 = none) of the outer customer on ``on``."""
    return Coalesce(
        Subquery(
            LevelGrant.objects.filter(grants_valid_on(on), customer_id=OuterRef(customer_ref))
            .order_by("-rank")
            .values("rank")[:1]
        ),
        0,
        output_field=IntegerField(),
    )


def customers_with_level(on: date) -> QuerySet[Any]:
    """Customers annotated with ``level_rank`` on ``on`` (0 when not VIP)."""
    return Customer.objects.annotate(level_rank=effective_rank_subquery(on))


def grant_cause_text(grant: LevelGrant) -> str:
    """TIER-2 / TIER-10: what caused a grant, in words of the active language, from the
    grant's own fields (its rating run, its cause's number). The ``reason`` column stays the
    audit record as written (rule ID and English note): screens show this instead."""
    run = grant.rating_run
    if grant.source == GrantSource.ANNUAL and run is not None:
        if run.policy == "gotone_annual":
            return _("Annual rating of %(period)s") % {"period": run.period}
        return _("Rolling-average rating to %(period)s") % {"period": run.period}
    numbered: dict[str, str] = {
        GrantSource.PLAN: _("Plan order no. %(id)s"),
        GrantSource.KEY_PERSON: _("Key-person role no. %(id)s"),
        GrantSource.UPGRADE: _("Upgrade request no. %(id)s, approved"),
    }
    if grant.source in numbered and grant.cause_id:
        return numbered[grant.source] % {"id": grant.cause_id}
    if grant.source == GrantSource.RETAINED:
        return _("Kept on a cross-region move (TIER-8)")
    return str(grant.get_source_display())
