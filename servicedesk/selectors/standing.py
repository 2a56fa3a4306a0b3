"""Who a customer is for privileges on a day: level (TIER-2/7), segment (CUST-5), stars."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, OuterRef, Q, Subquery

from membership.models import RANK_LEVEL, Brand, CreditRating, Customer, LevelGrant
from membership.selectors.levels import customer_grants_on, grants_valid_on
from membership.selectors.segments import Segment, segment_annotations, segment_from
from servicedesk.models import Benefit

# TIER-7: what a limited grant (an approved upgrade) gives: airport VIP service and the green
# channel (the VIP class of the hall queue, SERVICE-1). Every other privilege looks at the
# level of the customer's full grants only (Decision D-DESK-2).
LIMITED_GRANT_BENEFITS = frozenset({Benefit.AIRPORT_LOUNGE})


def grant_levels(customer: Customer, on: date) -> tuple[str | None, str | None]:
    """TIER-2/TIER-7: (level of the full grants, level counting limited grants too) on ``on``."""
    ranks = LevelGrant.objects.filter(grants_valid_on(on), customer=customer).aggregate(
        full=Max("rank", filter=Q(limited=False)), any=Max("rank")
    )
    full = RANK_LEVEL[ranks["full"]] if ranks["full"] else None
    anything = RANK_LEVEL[ranks["any"]] if ranks["any"] else None
    return full, anything


def levels_of(grants: Iterable[LevelGrant]) -> tuple[str | None, str | None]:
    """``grant_levels`` from the grants valid on the day, already read (no query)."""
    grants = list(grants)
    full = max((g.rank for g in grants if not g.limited), default=0)
    anything = max((g.rank for g in grants), default=0)
    return RANK_LEVEL.get(full), RANK_LEVEL.get(anything)


@dataclass(frozen=True)
class Standing:
    customer: Customer
    on: date
    level: str | None  # TIER-7: from grants that are not limited
    limited_level: str | None  # the highest level counting limited grants as well
    segment: Segment  # CUST-5, its ``level`` being ``level`` above (VIP = a full grant)
    stars: int | None  # CREDIT-5: the latest rating on or before ``on``
    # TIER-2: the grants valid on ``on``, the winning one first (limited ones included)
    grants: tuple[LevelGrant, ...] = field(default=(), compare=False)

    @property
    def gotone(self) -> bool:
        return self.customer.brand == Brand.GOTONE

    @property
    def only_limited(self) -> bool:
        """TIER-7: the customer's only level comes from a limited grant."""
        return self.level is None and self.limited_level is not None

    def level_for(self, benefit: str) -> str | None:
        """TIER-7: the level a benefit looks at."""
        return self.limited_level if benefit in LIMITED_GRANT_BENEFITS else self.level


def customer_standing(customer: Customer, on: date) -> Standing:
    """Who ``customer`` is for privileges on ``on``, in two queries whatever the size of
    its history: the grants valid on the day, then the segment's spend and snapshot place
    (CUST-5) and the credit stars (CREDIT-5) as subqueries of one row."""
    grants = tuple(customer_grants_on(customer, on))
    full, anything = levels_of(grants)
    stars = (
        CreditRating.objects.filter(customer=OuterRef("pk"), month__lte=on)
        .order_by("-month")
        .values("stars")[:1]
    )
    facts = (
        Customer.objects.filter(pk=customer.pk)
        .order_by()
        .values(**segment_annotations(on), stars=Subquery(stars))
        .get()
    )
    return Standing(
        customer=customer,
        on=on,
        level=full,
        limited_level=anything,
        segment=segment_from(customer, facts, level=full),
        stars=facts["stars"],
        grants=grants,
    )
