"""Reads of customers, levels and grants."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# TIER-9 / TIER-10: the audit reasons the programme writes when it ends a grant (rule ID and
# an English note), and what a screen says instead, in the active language. ``(?P<name>)``
# groups fill the phrase's ``%(name)s``.
_END_REASONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"TIER-9: line cancelled$"), gettext_lazy("the line was cancelled")),
    (re.compile(r"TIER-9: left the gotone brand$"), gettext_lazy("the line left GoTone")),
    (re.compile(r"TIER-11: level rose$"), gettext_lazy("a higher level replaced it")),
    (
        re.compile(r"TIER-8: level retained on a cross-region move$"),
        gettext_lazy("kept until the rating year ended after a cross-region move"),
    ),
    (re.compile(r"TIER-6: no longer a key person$"), gettext_lazy("no longer a key person")),
    (re.compile(r"TIER-6: became a key person$"), gettext_lazy("became a key person")),
    (
        re.compile(r"TIER-6: key person's role or rank changed$"),
        gettext_lazy("the key person's role or rank changed"),
    ),
    (
        re.compile(r"TIER-6: group class (?P<old>\w+) → (?P<new>\w+)$"),
        gettext_lazy("the group's class changed from %(old)s to %(new)s"),
    ),
    (
        re.compile(r"TIER-5: replaced by order #(?P<order>\d+)$"),
        gettext_lazy("replaced by plan order no. %(order)s"),
    ),
    (
        re.compile(r"TIER-5: plan changed on (?P<day>[0-9-]+)\b.*$"),
        gettext_lazy("the plan changed on %(day)s"),
    ),
]
_RULE_PREFIX = re.compile(r"^(?P<rule>[A-Z]+-\d+): ")


def grant_end_text(reason: str) -> str:
    """TIER-9 / TIER-10: why a grant (or a key person's role) ended, in words of the active
    language. The stored reason stays the audit record as written; a reason the programme
    wrote (it starts with a rule ID) is shown by its phrase, or as "ended by rule …" when it
    has none; a reason a person typed is shown as typed."""
    text = (reason or "").strip()
    if not _RULE_PREFIX.match(text):
        return text
    for pattern, phrase in _END_REASONS:
        if found := pattern.match(text):
            return str(phrase) % found.groupdict() if found.groupdict() else str(phrase)
    rule = _RULE_PREFIX.match(text)["rule"]  # type: ignore[index]
    return _("ended under rule %(rule)s") % {"rule": rule}
