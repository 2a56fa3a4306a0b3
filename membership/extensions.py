"""Where higher apps plug into membership's customer card and customer API.

membership is the ground floor and imports no other app. An app above it that has
something to show on a customer (points, plans, service requests), or a number the counter's
search box should understand (a queue ticket), registers it here from
its ``AppConfig.ready()``; membership renders whatever is registered, in ``order``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

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
