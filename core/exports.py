"""CSV export of a list screen: what the screen shows, every page of it, as the role sees it.

A list view that offers a download calls :func:`wants_csv` on its request and, when true,
answers :func:`csv_response` with the same filtered queryset it would page and the columns
it shows. The response streams (a province-sized list is never held in memory), starts with
a UTF-8 byte-order mark so spreadsheet programs read the Chinese right, and neutralises cells
a spreadsheet would run as a formula. An export that carries personal data (names, ID or
phone numbers, even masked) writes one line to the ``core.audit`` log: who, which list,
which filters and how many rows (D-HOUSE-5). A list that a supervisor may export with
the personal data in full (D-CUST-8) passes ``revealed``: the line then says whether it was.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from core import clock

audit = logging.getLogger("core.audit")

EXPORT_PARAM = "format"
EXPORT_VALUE = "csv"
CHUNK_SIZE = 2000
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how to read it from a row."""

    header: str
    value: Callable[[Any], Any]


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get(EXPORT_PARAM) == EXPORT_VALUE


def export_url(request: HttpRequest) -> str:
    """The current list's address with its filters, asking for the CSV (page dropped)."""
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "page"]
    params = [(k, v) for k, v in params if k != EXPORT_PARAM] + [(EXPORT_PARAM, EXPORT_VALUE)]
    return f"{request.path}?{urlencode(params)}"


def cell(value: Any) -> str:
    """A value as the CSV shows it: dates ISO, empty for None, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield BOM + writer.writerow([c.header for c in columns])
    for row in _rows(rows):
        yield writer.writerow([cell(c.value(row)) for c in columns])


def csv_response(
    request: HttpRequest,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    personal: bool = False,
    revealed: bool | None = None,
) -> StreamingHttpResponse:
    """Stream ``rows`` as ``<name>-<today>.csv``; audited when ``personal``. ``revealed``
    (True or False) adds to the audit line whether the columns show the personal data in
    full; the columns themselves are the caller's, masked or not (CUST-8)."""
    counted = _Counted(csv_lines(columns, rows))
    response = StreamingHttpResponse(
        _audited(counted, request, name, revealed) if personal else counted,
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{clock.today()}.csv"'
    return response


class _Counted:
    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.count = -1  # the header is not a row

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.count += 1
            yield line


def _audited(
    lines: _Counted, request: HttpRequest, name: str, revealed: bool | None = None
) -> Iterator[str]:
    """Log the export once it ends, also when the download is broken off (``finally``)."""
    filters = {k: v for k, v in request.GET.items() if k not in (EXPORT_PARAM, "page")}
    try:
        yield from lines
    finally:
        message = "list exported: user=%s list=%s filters=%s rows=%s"
        args: list[Any] = [
            getattr(request.user, "pk", None),
            name,
            urlencode(sorted(filters.items())),
            max(lines.count, 0),
        ]
        if revealed is not None:
            message += " revealed=%s"
            args.append(revealed)
        audit.info(message, *args)
