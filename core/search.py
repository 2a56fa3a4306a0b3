"""The free-text search box of the list pages."""

from __future__ import annotations

from django.http import QueryDict

MAX_LENGTH = 200


def search_term(params: QueryDict, name: str = "q") -> str:
    """What the user typed in the search box, ready for a ``LIKE`` lookup: NUL and the other
    control characters removed (PostgreSQL text cannot hold NUL: left in, the query fails
    with a 500), surrounding spaces stripped, at most MAX_LENGTH characters."""
    raw = params.get(name, "")
    cleaned = "".join(char for char in raw if char >= " " and char != "\x7f")
    return cleaned.strip()[:MAX_LENGTH]
