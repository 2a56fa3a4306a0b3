"""``{{ "gold"|level_label }}`` → the level's display name (TIER-1) in the active language."""

from __future__ import annotations

from django import template

from membership.models import Level

register = template.Library()


@register.filter
def level_label(code: str | None) -> str:
    if code in Level.values:
        return str(Level(code).label)
    return code or ""
