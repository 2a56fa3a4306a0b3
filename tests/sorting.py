"""What the list sorting tests read off a page or a CSV (D-HOUSE-10)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import OrderBy

_HEADER = re.compile(
    r'<th(?: class="[^"]*")?(?: aria-sort="(\w+)")?><a href="[^"]*" data-sort="([^"]+)"'
)


def sort_headers(html: str) -> dict[str, str]:
    """Each sortable header's key → its ``aria-sort`` ("" on a column the list is not
    sorted by)."""
    return {key: aria for aria, key in _HEADER.findall(html)}


def in_order(rows: list[Any], fields: Sequence[str | OrderBy], *, descending: bool) -> list[Any]:
    """``rows`` as ``order_by(*fields, "pk")`` gives them (every field turned round when
    descending, as core.sorting does): the order a sorted list must show. An empty value
    comes first ascending, as on SQLite, unless the column says ``nulls_last``."""

    def value(row: Any, field: str | OrderBy) -> Any:
        last = isinstance(field, OrderBy) and bool(field.nulls_last)
        path = str(getattr(field.expression, "name", "")) if isinstance(field, OrderBy) else field
        for name in path.split("__"):
            row = getattr(row, name)
        return (row is None, row) if last else (row is not None, row)

    return sorted(
        rows,
        key=lambda row: (*(value(row, field) for field in fields), row.pk),
        reverse=descending,
    )
