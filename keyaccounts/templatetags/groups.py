"""Template filters of the group screens: ``{{ row.level_rank|rank_level }}`` → level code;
``{{ customer|customer_name:request.user }}`` → the name as the user may see it (D-CUST-13)."""

from __future__ import annotations

from typing import Any

from django import template

from keyaccounts.access import customer_id_number_for, customer_name_for
from membership.models import RANK_LEVEL
from membership.templatetags.levels import level_label

register = template.Library()


@register.filter
def rank_level(rank: int | None) -> str:
    """TIER-1: the level code of a rank (0 or None → "")."""
    return RANK_LEVEL.get(rank or 0, "")


# The level's display name is the levels library's filter, offered here too.
register.filter("level_label", level_label)


@register.filter
def percent(value: object) -> str:
    """A ratio (0.8125) as a percentage with one decimal (81.3%); None → "–"."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


@register.filter
def customer_name(customer: Any, user: Any) -> str:
    """CUST-8 / D-CUST-13: ``{{ person.customer|customer_name:request.user }}`` — the name
    in full for the customer's own account manager, masked for everybody else."""
    return customer_name_for(user, customer)


@register.filter
def customer_id_number(customer: Any, user: Any) -> str:
    """CUST-8 / D-CUST-13: the ID number, by the same rule as :func:`customer_name`."""
    return customer_id_number_for(user, customer)
