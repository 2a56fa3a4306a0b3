"""CUST-11: the member timeline — what happened to one customer, newest first, a page at a time.

Every app that records something about a customer registers a timeline source
(``membership.extensions.register_timeline_source``); membership's own source (level grants,
status changes, ownership and number changes) is below. D-CUST-11: for page ``n`` of ``size``
each source reads at most ``n × size + 1`` entries by LIMITed queries, newest first, and the
streams are merged with ``heapq.merge``; so a page costs the same few queries however long
the customer's history is, and never loads it whole. The CSV export (``limit=None``) reads
all of it.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _

from core.roles import staff_name
from membership.extensions import (
    TIMELINE_KIND_LABELS,
    TIMELINE_LEVEL,
    TIMELINE_LINE,
    TIMELINE_STATUS,
    TimelineEntry,
    timeline_sort_key,
    timeline_sources,
)
from membership.models import (
    Brand,
    Customer,
    CustomerEvent,
    GrantEvent,
    GrantSource,
    Level,
    Status,
    StatusChange,
    SuspensionReason,
)
from membership.selectors.levels import grant_cause_text, grant_end_text


@dataclass(frozen=True)
class TimelinePage:
    """One page of a timeline: its entries, and whether pages come before and after it."""

    entries: list[TimelineEntry]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def _wanted(kinds: Collection[str] | None) -> frozenset[str]:
    if not kinds:
        return frozenset(TIMELINE_KIND_LABELS)
    return frozenset(kinds) & frozenset(TIMELINE_KIND_LABELS)


def timeline_entries(
    customer: Customer, *, user: Any, kinds: Collection[str] | None = None, limit: int | None
) -> Iterator[TimelineEntry]:
    """CUST-11: the customer's entries of ``kinds`` (all when empty) that ``user`` may see,
    newest first: the first ``limit`` of them (all when None), merged from every source."""
    wanted = _wanted(kinds)
    streams: list[list[TimelineEntry]] = []
    for source in timeline_sources():
        asked = wanted & source.kinds
        if not asked:
            continue
        found = source.entries(customer, user=user, kinds=asked, limit=limit)
        # The source's order is trusted only up to its LIMIT; sort what it gave on our key.
        stream = sorted((e for e in found if e.kind in asked), key=timeline_sort_key, reverse=True)
        streams.append(stream if limit is None else stream[:limit])
    merged = heapq.merge(*streams, key=timeline_sort_key, reverse=True)
    return merged if limit is None else islice(merged, limit)


def timeline_page(
    customer: Customer,
    *,
    user: Any,
    page: int = 1,
    size: int,
    kinds: Collection[str] | None = None,
) -> TimelinePage:
    """D-CUST-11: page ``page`` (from 1) of ``size`` entries; each source reads at most
    ``page × size + 1`` rows (the one more tells whether a next page exists)."""
    page = max(page, 1)
    start = (page - 1) * size
    found = list(
        islice(
            timeline_entries(customer, user=user, kinds=kinds, limit=page * size + 1), start, None
        )
    )
    return TimelinePage(entries=found[:size], number=page, size=size, has_next=len(found) > size)


# Membership's own source: level grants and their ends (TIER-2/TIER-10), status changes
# (CUST-4), ownership transfers, number changes and cross-region moves (CUST-6/7).


def _actor(user: Any) -> str:
    return staff_name(user) if user is not None else ""


def _label(choices: Any, value: str | None) -> str:
    if not value:
        return "—"
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _grant_entries(customer: Customer, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        GrantEvent.objects.filter(grant__customer=customer)
        .select_related("grant", "grant__rating_run", "actor")
        .order_by("-at", "-id")
    )
    for event in rows if limit is None else rows[:limit]:
        grant = event.grant
        values = {
            "level": _label(Level, grant.level),
            "source": _label(GrantSource, grant.source),
            "from": grant.valid_from.isoformat(),
            "until": grant.valid_until.isoformat() if grant.valid_until else _("open-ended"),
        }
        if event.action == GrantEvent.Action.ENDED:
            title = _("Level %(level)s ended (%(source)s)") % values
            detail = _("Last day %(until)s.") % values
        else:
            title = _("Level %(level)s granted (%(source)s)") % values
            detail = _("Valid from %(from)s until %(until)s.") % values
        if event.action == GrantEvent.Action.GRANTED:
            # What caused it, or why it ended, in words; the stored reason is the audit
            # record (rule ID and English note).
            detail = f"{detail} {grant_cause_text(grant)}"
        elif event.reason:
            detail = f"{detail} {grant_end_text(event.reason)}"
        yield TimelineEntry(
            at=event.at,
            kind=TIMELINE_LEVEL,
            title=title,
            detail=detail,
            actor=_actor(event.actor),
            rule="TIER-10",
            key=f"membership.grant:{event.pk:012d}",
        )


def _status_entries(customer: Customer, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        StatusChange.objects.filter(customer=customer)
        .select_related("actor")
        .order_by("-changed_at", "-id")
    )
    for change in rows if limit is None else rows[:limit]:
        values = {
            "from": _label(Status, change.from_status),
            "to": _label(Status, change.to_status),
        }
        if change.from_status:
            title = _("Status changed from %(from)s to %(to)s") % values
        else:
            title = _("Status set to %(to)s") % values
        detail = _label(SuspensionReason, change.reason) if change.reason else change.note
        yield TimelineEntry(
            at=change.changed_at,
            kind=TIMELINE_STATUS,
            title=title,
            detail=detail,
            actor=_actor(change.actor),
            rule="CUST-4",
            key=f"membership.status:{change.pk:012d}",
        )


def _line_entries(customer: Customer, limit: int | None) -> Iterable[TimelineEntry]:
    rows = (
        CustomerEvent.objects.filter(customer=customer)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    for event in rows if limit is None else rows[:limit]:
        before, after = event.before or {}, event.after or {}
        if event.kind == CustomerEvent.Kind.OWNERSHIP_TRANSFER:
            title, rule = _("Ownership transferred to a new holder"), "CUST-6"
            # CUST-8: the service stored the new holder's name already masked.
            detail = _("New holder: %(name)s") % {"name": after.get("name") or "—"}
        elif event.kind == CustomerEvent.Kind.NUMBER_CHANGE:
            title, rule = _("Number changed"), "CUST-6"
            detail = _("From %(old)s to %(new)s.") % {
                "old": before.get("msisdn", "—"),
                "new": after.get("msisdn", "—"),
            }
        else:
            title, rule = _("Cross-region move"), "CUST-7"
            detail = _("From %(old)s to %(new)s.") % {
                "old": " ".join(
                    filter(None, [before.get("province"), before.get("city"), before.get("msisdn")])
                ),
                "new": " ".join(
                    filter(None, [after.get("province"), after.get("city"), after.get("msisdn")])
                ),
            }
            if before.get("brand") and after.get("brand") and before["brand"] != after["brand"]:
                detail = f"{detail} " + _("Brand: %(old)s → %(new)s.") % {
                    "old": _label(Brand, before["brand"]),
                    "new": _label(Brand, after["brand"]),
                }
        yield TimelineEntry(
            at=event.at,
            kind=TIMELINE_LINE,
            title=title,
            detail=detail,
            actor=_actor(event.actor),
            rule=rule,
            key=f"membership.line:{event.pk:012d}",
        )


def membership_timeline(
    customer: Customer, *, user: Any, kinds: Collection[str], limit: int | None
) -> list[TimelineEntry]:
    """CUST-11: membership's timeline source (three LIMITed queries at most)."""
    found: list[TimelineEntry] = []
    if TIMELINE_LEVEL in kinds:
        found.extend(_grant_entries(customer, limit))
    if TIMELINE_STATUS in kinds:
        found.extend(_status_entries(customer, limit))
    if TIMELINE_LINE in kinds:
        found.extend(_line_entries(customer, limit))
    return found
