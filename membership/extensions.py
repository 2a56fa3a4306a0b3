"""Where higher apps plug into membership's customer card and customer API.

membership is the ground floor and imports no other app. An app above it that has
something to show on a customer (points, plans, service requests), or a number the counter's
search box should understand (a queue ticket), or entries of the customer's timeline
(CUST-11: levels, points, requests, contacts, plans), registers it here from
its ``AppConfig.ready()``; membership renders whatever is registered, in ``order``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy

from membership.models import Customer

# name → fn(customer, on) returning the JSON block of the customer API (docs/interfaces.md).
CUSTOMER_API_BLOCKS: dict[str, Callable[[Customer, date], Any]] = {}


@dataclass(frozen=True)
class CardPanel:
    key: str
    order: int
    template: str
    context: Callable[[Any, Customer, date], dict[str, Any]]  # (request, customer, on)


CUSTOMER_CARD_PANELS: dict[str, CardPanel] = {}


def register_api_block(name: str, fn: Callable[[Customer, date], Any]) -> None:
    CUSTOMER_API_BLOCKS[name] = fn


def register_card_panel(
    *,
    key: str,
    template: str,
    context: Callable[[Any, Customer, date], dict[str, Any]],
    order: int = 100,
) -> None:
    CUSTOMER_CARD_PANELS[key] = CardPanel(key=key, order=order, template=template, context=context)


def card_panels() -> list[CardPanel]:
    return sorted(CUSTOMER_CARD_PANELS.values(), key=lambda panel: panel.order)


@dataclass(frozen=True)
class SearchResolver:
    """D-CUST-9: something else a clerk may type in the counter's search box (a queue ticket
    number): ``pattern`` recognises it (after the box upper-cases it) and ``resolve(user,
    term, on)`` returns the ids of the customers it names, from indexed queries only."""

    key: str
    pattern: re.Pattern[str]
    resolve: Callable[[Any, str, date], list[int]]


COUNTER_SEARCH_RESOLVERS: dict[str, SearchResolver] = {}


def register_search_resolver(
    *, key: str, pattern: str, resolve: Callable[[Any, str, date], list[int]]
) -> None:
    COUNTER_SEARCH_RESOLVERS[key] = SearchResolver(
        key=key, pattern=re.compile(pattern), resolve=resolve
    )


def search_resolvers() -> list[SearchResolver]:
    return sorted(COUNTER_SEARCH_RESOLVERS.values(), key=lambda resolver: resolver.key)


# CUST-11, D-CUST-11: the member timeline. Each app that records something about a customer
# registers a source; membership merges them, newest first, a page at a time.

TIMELINE_LEVEL = "level"
TIMELINE_STATUS = "status"
TIMELINE_LINE = "line"
TIMELINE_POINTS = "points"
TIMELINE_REQUEST = "request"
TIMELINE_CONTACT = "contact"
TIMELINE_PLAN = "plan"

# The kinds of entries a timeline may hold, in the order the filter lists them.
TIMELINE_KINDS: tuple[tuple[str, Any], ...] = (
    (TIMELINE_LEVEL, gettext_lazy("Levels")),
    (TIMELINE_STATUS, gettext_lazy("Status changes")),
    (TIMELINE_LINE, gettext_lazy("Ownership and number changes")),
    (TIMELINE_POINTS, gettext_lazy("Points")),
    (TIMELINE_REQUEST, gettext_lazy("Requests and visits")),
    (TIMELINE_CONTACT, gettext_lazy("Contacts")),
    (TIMELINE_PLAN, gettext_lazy("Plan changes")),
)
TIMELINE_KIND_LABELS: dict[str, Any] = dict(TIMELINE_KINDS)


@dataclass(frozen=True)
class TimelineEntry:
    """CUST-11: one thing that happened to a customer, as the timeline shows it.

    ``title`` is a sentence in the user's language, ``detail`` a line under it (names of
    other people already masked, CUST-8), ``link`` a page the user may open (or ""),
    ``actor`` the staff member's name ("" for a job), ``rule`` the rule ID shown beside it,
    ``key`` a stable tie-break between entries of the same instant (``"source:id"``).
    """

    at: datetime
    kind: str
    title: str
    key: str
    detail: str = ""
    link: str = ""
    actor: str = ""
    rule: str = ""

    @property
    def kind_label(self) -> str:
        return str(TIMELINE_KIND_LABELS.get(self.kind, self.kind))


def timeline_sort_key(entry: TimelineEntry) -> tuple[datetime, str]:
    return (entry.at, entry.key)


@dataclass(frozen=True)
class TimelineSource:
    """D-CUST-11: ``entries(customer, user=, kinds=, limit=)`` returns at most ``limit``
    entries (all when ``limit`` is None) of the ``kinds`` asked, newest first, read by
    LIMITed queries on indexed columns — never the customer's whole history for one page —
    and only what ``user`` may see. ``kinds`` lists the kinds the source can give."""

    key: str
    kinds: frozenset[str]
    entries: Callable[..., Iterable[TimelineEntry]]


TIMELINE_SOURCES: dict[str, TimelineSource] = {}


def register_timeline_source(
    *, key: str, kinds: Iterable[str], entries: Callable[..., Iterable[TimelineEntry]]
) -> None:
    unknown = set(kinds) - set(TIMELINE_KIND_LABELS)
    if unknown:
        raise ValueError(f"unknown timeline kinds: {sorted(unknown)}")
    TIMELINE_SOURCES[key] = TimelineSource(key=key, kinds=frozenset(kinds), entries=entries)


def timeline_sources() -> list[TimelineSource]:
    return sorted(TIMELINE_SOURCES.values(), key=lambda source: source.key)
