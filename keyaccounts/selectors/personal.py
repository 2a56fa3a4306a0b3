"""SERVICE-8: who may have a personal account manager 专属客户经理, who has one, and each
manager's portfolio; set-based reads (one query per list, whatever its size).

Eligible (SERVICE-8, D-GROUP-8): a line not cancelled whose effective level today (TIER-2)
is diamond, platinum or gold, or whose latest credit rating (CREDIT-5) gives five stars.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from core.roles import MANAGER
from keyaccounts.models import KeyPerson, PersonalManager
from membership.models import LEVEL_RANK, CreditRating, Customer, Level, Status
from membership.selectors.levels import effective_rank_subquery

# SERVICE-8: the levels that bring a personal account manager, and the credit stars.
PERSONAL_MANAGER_LEVELS = (Level.DIAMOND, Level.PLATINUM, Level.GOLD)
PERSONAL_MANAGER_MIN_RANK = min(LEVEL_RANK[level] for level in PERSONAL_MANAGER_LEVELS)
FIVE_STARS = 5


def credit_stars_subquery(on: date, customer_ref: str = "pk") -> Coalesce:
    """CREDIT-5 in SQL: the stars of the outer customer's latest rating of a month that
    began on or before ``on`` (0 when never rated)."""
    return Coalesce(
        Subquery(
            CreditRating.objects.filter(customer_id=OuterRef(customer_ref), month__lte=on)
            .order_by("-month")
            .values("stars")[:1]
        ),
        0,
        output_field=IntegerField(),
    )


def _eligible_condition() -> Q:
    return Q(level_rank__gte=PERSONAL_MANAGER_MIN_RANK) | Q(credit_stars=FIVE_STARS)


def customers_with_eligibility(
    on: date, customers: QuerySet[Customer] | None = None
) -> QuerySet[Any]:
    """``customers`` (every customer by default) annotated with ``level_rank`` (TIER-2),
    ``credit_stars`` (CREDIT-5) and ``eligible`` (SERVICE-8) on ``on``."""
    base = customers if customers is not None else Customer.objects.all()
    return base.annotate(
        level_rank=effective_rank_subquery(on), credit_stars=credit_stars_subquery(on)
    ).annotate(
        eligible=ExpressionWrapper(
            _eligible_condition() & ~Q(status=Status.CANCELLED), output_field=BooleanField()
        )
    )


def eligible_customers(on: date) -> QuerySet[Any]:
    """SERVICE-8: every customer who may have a personal account manager on ``on``."""
    return (
        customers_with_eligibility(on)
        .filter(_eligible_condition())
        .exclude(status=Status.CANCELLED)
    )


def current_assignments() -> QuerySet[PersonalManager]:
    """SERVICE-8: the assignments in force (at most one per customer)."""
    return PersonalManager.objects.filter(ended_on__isnull=True)


def portfolio_to_move(
    from_manager: Any, customers: Sequence[Customer] | None = None
) -> QuerySet[PersonalManager]:
    """SERVICE-8: the current assignments of ``from_manager`` a move takes, by number: those
    of ``customers`` when given, else the whole portfolio (the caller takes the first N).
    The move's confirmation page and the move itself both read it."""
    rows = current_assignments().filter(manager=from_manager).order_by("customer__msisdn")
    return rows if customers is None else rows.filter(customer__in=list(customers))


ELIGIBLE_BY_STARS = "five_stars"  # the portfolio's filter: eligible by credit, any level


def eligible_without_manager(
    on: date, *, q: str = "", city: str = "", level: str = ""
) -> QuerySet[Any]:
    """SERVICE-8: the eligible customers with no current personal account manager, by
    number; ``q`` narrows to the numbers that start with it, ``city`` to one city (its
    index), ``level`` to one of the levels that bring a manager or to five-star customers
    (``five_stars``)."""
    has_manager = current_assignments().filter(customer_id=OuterRef("pk"))
    rows = eligible_customers(on).exclude(Exists(has_manager))
    if q:
        rows = rows.filter(msisdn__startswith=q)
    if city:
        rows = rows.filter(city=city)
    if level == ELIGIBLE_BY_STARS:
        rows = rows.filter(credit_stars=FIVE_STARS)
    elif level in PERSONAL_MANAGER_LEVELS:
        rows = rows.filter(level_rank=LEVEL_RANK[level])
    return rows.order_by("msisdn")


def customer_eligibility(customer: Customer, on: date) -> Any:
    """The customer with ``level_rank``, ``credit_stars`` and ``eligible`` on ``on``."""
    return customers_with_eligibility(on, Customer.objects.filter(pk=customer.pk)).get()


def assignments_annotated(rows: QuerySet[PersonalManager], on: date) -> QuerySet[Any]:
    """Assignments with their customer's ``level_rank``, ``credit_stars``, ``five_star``
    (home visits when needed, SERVICE-8) and ``eligible`` on ``on`` (one who lost it is
    kept and flagged, D-GROUP-8)."""
    level = effective_rank_subquery(on, "customer_id")
    stars = credit_stars_subquery(on, "customer_id")
    return (
        rows.select_related("customer", "manager")
        .annotate(level_rank=level, credit_stars=stars)
        .annotate(
            five_star=ExpressionWrapper(Q(credit_stars=FIVE_STARS), output_field=BooleanField()),
            eligible=ExpressionWrapper(
                (Q(level_rank__gte=PERSONAL_MANAGER_MIN_RANK) | Q(credit_stars=FIVE_STARS))
                & ~Q(customer__status=Status.CANCELLED),
                output_field=BooleanField(),
            ),
        )
    )


def manager_portfolios(on: date) -> QuerySet[Any]:
    """Every active account manager with ``vip_count`` (current personal customers),
    ``lost_count`` (of them, no longer eligible on ``on``) and ``key_person_count``
    (current key persons of the groups they manage), in one query."""
    current = current_assignments().filter(manager_id=OuterRef("pk"))
    vip = current.order_by().values("manager_id").annotate(n=Count("pk")).values("n")
    lost = (
        current.annotate(
            level_rank=effective_rank_subquery(on, "customer_id"),
            credit_stars=credit_stars_subquery(on, "customer_id"),
        )
        .exclude(_eligible_condition() & ~Q(customer__status=Status.CANCELLED))
        .order_by()
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    key_persons = (
        KeyPerson.objects.filter(group__account_manager_id=OuterRef("pk"), ended_at__isnull=True)
        .order_by()
        .values("group__account_manager_id")
        .annotate(n=Count("pk"))
        .values("n")
    )

    def count(rows: QuerySet[Any]) -> Coalesce:
        return Coalesce(Subquery(rows), Value(0), output_field=IntegerField())

    return (
        get_user_model()
        .objects.filter(groups__name=MANAGER, is_active=True)
        .annotate(vip_count=count(vip), lost_count=count(lost), key_person_count=count(key_persons))
        .order_by("username")
    )


def manager_on(customer: Customer, on: date) -> PersonalManager | None:
    """SERVICE-8: the customer's personal account manager on ``on`` (the row in force that
    day: started on or before it, not ended by it), or None."""
    return (
        PersonalManager.objects.filter(customer=customer, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("manager")
        .order_by("-started_on", "-id")
        .first()
    )
