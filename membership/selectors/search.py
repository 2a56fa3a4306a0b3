"""CUST-1 / D-CUST-9: what the counter's one search box understands, and what it finds.

One box takes a phone number (with or without +86 / 0086, spaces, dashes, full-width
digits), an ID-card number, a queue ticket number (a resolver another app registers in
``membership.extensions``) or the start of a name. Every query is an indexed one: the phone
number is unique, the ID number has its own B-tree, a ticket is today's, and a name is a
prefix match (``LIKE '张三%'``) of at least ``NAME_SEARCH_MIN_CHARS`` characters on a
pattern-ops index, capped at ``NAME_SEARCH_MAX_RESULTS`` rows. A name is never searched
with ``LIKE '%x%'``: over a province of millions that is a full scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.programme import programme
from core.validators import msisdn_or_none, normalise_msisdn
from membership.extensions import search_resolvers
from membership.models import Customer

MSISDN = "msisdn"
ID_NUMBER = "id_number"
NAME = "name"

# A resident ID number (GB 11643) as typed: 17 digits and a check character, a digit or X
# (a lowercase x is accepted and read as X).
ID_TYPED_RE = re.compile(r"^\d{17}[\dX]$")
_SEPARATORS = re.compile(r"[\s\-‐‑–—―−]")
_NUMBERISH = re.compile(r"^[\d\s+\-‐‑–—―−()]+$")


@dataclass(frozen=True)
class CounterQuery:
    """What was typed, read: its kind (``msisdn``, ``id_number``, ``name`` or a resolver's
    key) and its normalised value."""

    kind: str
    value: str


def normalise_id_number(raw: str) -> str:
    """An ID number as typed or scanned: full-width characters folded, spaces and dashes
    removed, a lowercase x upper-cased (CUST-10)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def parse_counter_query(raw: str) -> CounterQuery:
    """D-CUST-9: read what the clerk typed, or raise ValidationError saying what is expected."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    number = msisdn_or_none(text)
    if number:
        return CounterQuery(MSISDN, number)
    compact = normalise_id_number(text)
    if ID_TYPED_RE.match(compact):
        return CounterQuery(ID_NUMBER, compact)
    for resolver in search_resolvers():
        if resolver.pattern.match(compact):
            return CounterQuery(resolver.key, compact)
    if _NUMBERISH.match(text):
        normalise_msisdn(text)  # raises the phone number's own message (D-CUST-1)
    if any(char.isdigit() for char in text):
        raise ValidationError(
            _(
                "“%(value)s” is neither a mobile number (11 digits), an ID number (18 "
                "characters) nor a queue ticket number."
            ),
            code="invalid_search",
            params={"value": raw},
        )
    name = " ".join(text.split())
    minimum = programme("NAME_SEARCH_MIN_CHARS")
    if len(name) < minimum:
        raise ValidationError(
            _("Type at least %(n)d characters of a name, or a number."),
            code="name_too_short",
            params={"n": minimum},
        )
    return CounterQuery(NAME, name)


def _id_spellings(value: str) -> list[str]:
    """The stored spellings an ID number may have: with X, or with the x a feed sent."""
    return [value, value[:-1] + "x"] if value.endswith("X") else [value]


def counter_search(query: CounterQuery, *, user: Any, on: date) -> QuerySet[Customer]:
    """D-CUST-9: the customers ``query`` names, in a stable order, each through an index."""
    customers = Customer.objects.all()
    if query.kind == MSISDN:
        return customers.filter(msisdn=query.value)
    if query.kind == ID_NUMBER:
        return customers.filter(id_number__in=_id_spellings(query.value)).order_by("msisdn")
    if query.kind == NAME:
        cap = programme("NAME_SEARCH_MAX_RESULTS")
        return customers.filter(name__startswith=query.value).order_by("name", "msisdn")[:cap]
    for resolver in search_resolvers():
        if resolver.key == query.kind:
            ids = resolver.resolve(user, query.value, on)
            return customers.filter(pk__in=ids).order_by("msisdn")
    return customers.none()
