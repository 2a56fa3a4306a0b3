"""``{{ "gold"|level_label }}`` → the level's display name (TIER-1) in the active language;
``{{ grant|grant_cause }}`` → what caused a level grant, in words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from membership.models import GrantSource, Level, LevelGrant

register = template.Library()


@register.filter
def level_label(code: str | None) -> str:
    if code in Level.values:
        return str(Level(code).label)
    return code or ""


@register.filter
def grant_cause(grant: LevelGrant) -> str:
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
