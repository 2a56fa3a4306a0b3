"""Template filters of the group screens: ``{{ row.level_rank|rank_level }}`` → level code."""

from __future__ import annotations

from django import template

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
