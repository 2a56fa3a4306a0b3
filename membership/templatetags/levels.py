"""``{{ "gold"|level_label }}`` → the level's display name (TIER-1) in the active language;
``{{ grant|grant_cause }}`` → what caused a level grant, in words;
``{{ grant.end_reason|end_reason }}`` → why it ended, in words."""

from __future__ import annotations

from django import template

from membership.models import Level, LevelGrant
from membership.selectors.levels import grant_cause_text, grant_end_text

register = template.Library()


@register.filter
def level_label(code: str | None) -> str:
    if code in Level.values:
        return str(Level(code).label)
    return code or ""


@register.filter
def grant_cause(grant: LevelGrant) -> str:
    """TIER-2 / TIER-10: what caused a grant, in words (``grant_cause_text``)."""
    return grant_cause_text(grant)


@register.filter
def end_reason(reason: str) -> str:
    """TIER-9 / TIER-10: why a grant ended, in words (``grant_end_text``)."""
    return grant_end_text(reason)
