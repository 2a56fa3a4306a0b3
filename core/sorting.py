"""Sorting a list screen by a column header: ``?sort=name`` ascending, ``?sort=-name``
descending (D-HOUSE-10).

A list view declares the columns it lets people sort by and what each sorts on::

    SORTING = Sorting(
        {"opened": ("created_at",), "status": ("status", "created_at")},
        default="-opened",
    )

    sort = SORTING.read(request)
    rows = sort.apply(filterset.qs)
    ... render(..., {"sort": sort})

and its template draws the header with ``{% sort_header sort "opened" _("Opened") %}``:
a link that keeps the filters, drops the page, turns the direction round when the column
is already the sort, and carries ``aria-sort`` so a screen reader says the order. An
unknown or missing ``sort`` is the default; the primary key is the last key, so pages do
not overlap when the sorted values tie. The CSV export is sorted as the screen.

On lists that grow with the province the columns offered are the ones an index serves in
that order (with the list's filters), so a sort never turns a page into a sort of every row.

A page with two sortable tables gives the second its own parameter (``param="kp_sort"``) and
the parameter of its own pages (``page_param``; ``""`` when it is not paged), so sorting one
table keeps the other's order and page. A column whose values may be missing says where
they go with an expression (``F("last_contact_at").asc(nulls_first=True)``): descending
puts them at the other end, the same on every database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import OrderBy, QuerySet
from django.http import HttpRequest

SORT_PARAM = "sort"


@dataclass(frozen=True)
class Sorting:
    """The sortable columns of one list: key → the fields it orders by (ascending)."""

    columns: Mapping[str, Sequence[str | OrderBy]]
    default: str
    tie_breaker: str = "pk"
    param: str = SORT_PARAM
    page_param: str = "page"

    def __post_init__(self) -> None:
        if self.default.removeprefix("-") not in self.columns:
            raise ValueError(f"default sort {self.default!r} is not a column")

    def read(self, request: HttpRequest) -> SortState:
        asked = request.GET.get(self.param, "")
        if asked.removeprefix("-") not in self.columns:
            asked = self.default
        return SortState(self, asked, request)


@dataclass(frozen=True)
class SortState:
    """The sort a request asked for, applied to a queryset and drawn in headers."""

    sorting: Sorting
    value: str
    request: HttpRequest

    @property
    def param(self) -> str:
        return self.sorting.param

    @property
    def key(self) -> str:
        return self.value.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")

    def order_by(self) -> list[str | OrderBy]:
        fields = [_turn(f) if self.descending else f for f in self.sorting.columns[self.key]]
        tie = self.sorting.tie_breaker
        if tie and tie not in fields and f"-{tie}" not in fields:
            fields.append(f"-{tie}" if self.descending else tie)
        return fields

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        return rows.order_by(*self.order_by())

    def header(self, key: str) -> dict[str, Any]:
        """What the header of column ``key`` shows: its link, and whether and how it sorts."""
        current = key == self.key
        target = ("" if self.descending else "-") + key if current else key
        params = [
            (k, v)
            for k, values in self.request.GET.lists()
            for v in values
            if k not in (self.sorting.param, self.sorting.page_param, "format")
        ]
        params.append((self.sorting.param, target))
        aria = ""
        if current:
            aria = "descending" if self.descending else "ascending"
        return {"url": "?" + urlencode(params), "current": current, "aria_sort": aria}


def _turn(field: str | OrderBy) -> str | OrderBy:
    if isinstance(field, OrderBy):  # the missing values go to the other end too
        return OrderBy(
            field.expression,
            descending=not field.descending,
            nulls_first=True if field.nulls_last else None,
            nulls_last=True if field.nulls_first else None,
        )
    return field[1:] if field.startswith("-") else f"-{field}"
