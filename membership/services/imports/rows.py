"""CUST-9 / CUST-1 / CUST-2 / CUST-4: reading and checking the rows of the billing feeds.

Pure Python, no database: the one validator every backend shares, so that the messages are
the same on SQLite and PostgreSQL. The file is streamed line by line; each data row comes
out as ``(line, values, error)`` where ``error`` is ``None`` for a good row and the reason
(in words a supervisor can act on) for a bad one. Checks that need the database (unknown
numbers, duplicate keys, status transitions) run afterwards in SQL on the staging table
(stage.py).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.validators import MSISDN_RE, validate_msisdn
from membership.models import Brand, Status, UsageCategory

ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# CONV-1: yuan with at most two decimals; numeric(12,2) leaves 10 digits before the point.
MONEY_RE = re.compile(r"^([+-]?)(\d+)(?:\.(\d+))?$")
MONEY_INTEGER_DIGITS = 10
PLAIN_MONEY_RE = re.compile(r"^\d{1,10}(?:\.\d{1,2})?$")
EARLIEST_DATE = date(1900, 1, 1)
# The choices, read once: ``TextChoices.values`` builds a new list on every access, which
# cost a fifth of the customers feed's time at a million rows.
BRANDS: list[str] = Brand.values
STATUSES: list[str] = Status.values
CATEGORIES: list[str] = UsageCategory.values


@dataclass
class RowContext:
    """What "sane" means for this run: nothing after today (Asia/Shanghai, CONV-4).

    It also remembers the dates and months already accepted: a feed repeats the same few
    hundred of them millions of times.
    """

    today: date
    this_month: date = field(init=False)
    dates: dict[str, date] = field(default_factory=dict)
    months: dict[str, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.this_month = self.today.replace(day=1)


class HeaderError(Exception):
    """The file cannot be read as the feed at all (empty, wrong header): an error on line 1."""


def _problem(column: str, text: str) -> str:
    return f"{column}: {text}"


def parse_msisdn(raw: str, problems: list[str]) -> str | None:
    """CUST-1: exactly 11 digits starting with 13–19; the message names the value."""
    if MSISDN_RE.match(raw):
        return raw
    try:
        validate_msisdn(raw)
    except ValidationError as exc:
        problems.append(_problem("msisdn", exc.messages[0].rstrip(".。")))
    return None


def parse_date(
    column: str,
    raw: str,
    problems: list[str],
    ctx: RowContext,
    *,
    required: bool = True,
    not_future: bool = True,
) -> date | None:
    """An ISO date (YYYY-MM-DD), not before 1900 and (``not_future``) not after today."""
    known = ctx.dates.get(raw)  # only dates up to today are remembered
    if known is not None:
        return known
    if raw == "":
        if required:
            problems.append(_problem(column, _("is empty; a date YYYY-MM-DD is expected")))
        return None
    match = ISO_DATE_RE.match(raw)
    value: date | None = None
    if match:
        try:
            value = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            value = None
    if value is None:
        problems.append(
            _problem(column, _("“%(value)s” is not a date YYYY-MM-DD") % {"value": raw})
        )
        return None
    if not_future and value > ctx.today:
        problems.append(_problem(column, _("%(value)s is in the future") % {"value": raw}))
        return None
    if value < EARLIEST_DATE:
        problems.append(_problem(column, _("%(value)s is before 1900") % {"value": raw}))
        return None
    if value <= ctx.today:
        ctx.dates[raw] = value
    return value


def parse_month(column: str, raw: str, problems: list[str], ctx: RowContext) -> date | None:
    """CUST-9: a billed month YYYY-MM, stored as its first day. D-VALID-2: only a month that
    has ended (before the current one): a month is billed once it is over (CONV-3), and a
    bill of a month still running would be a partial total that accrual and rating read."""
    known = ctx.months.get(raw)
    if known is not None:
        return known
    match = MONTH_RE.match(raw)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < EARLIEST_DATE.year:
        problems.append(_problem(column, _("“%(value)s” is not a month YYYY-MM") % {"value": raw}))
        return None
    value = date(int(match[1]), int(match[2]), 1)
    if value >= ctx.this_month:
        problems.append(
            _problem(
                column,
                _("%(value)s has not ended; a month is billed once it is over") % {"value": raw},
            )
        )
        return None
    ctx.months[raw] = value
    return value


def parse_money(
    column: str, raw: str, problems: list[str], *, allow_negative: bool
) -> Decimal | None:
    """CONV-1: yuan with at most 2 decimals ('12.345' and 'abc' are refused)."""
    if PLAIN_MONEY_RE.match(raw):  # the usual case: 0 to 10 digits, up to 2 decimals
        return Decimal(raw)
    match = MONEY_RE.match(raw)
    if not match:
        problems.append(
            _problem(
                column, _("“%(value)s” is not an amount in yuan such as 128.50") % {"value": raw}
            )
        )
        return None
    sign, whole, fraction = match[1], match[2], match[3] or ""
    if len(fraction) > 2:
        problems.append(
            _problem(column, _("“%(value)s” has more than 2 decimal places") % {"value": raw})
        )
        return None
    if len(whole.lstrip("0")) > MONEY_INTEGER_DIGITS:
        problems.append(_problem(column, _("“%(value)s” is too large") % {"value": raw}))
        return None
    value = Decimal(raw).quantize(Decimal("0.01"))
    if sign == "-" and value and not allow_negative:
        problems.append(_problem(column, _("“%(value)s” is negative") % {"value": raw}))
        return None
    return value


def parse_choice(column: str, raw: str, choices: list[str], problems: list[str]) -> str | None:
    if raw in choices:
        return raw
    problems.append(
        _problem(
            column,
            _("“%(value)s” is not one of %(choices)s")
            % {"value": raw, "choices": ", ".join(choices)},
        )
    )
    return None


def parse_text(column: str, raw: str, max_length: int, problems: list[str]) -> str | None:
    """A required text; the value is never echoed (CUST-8: names and ID numbers are personal)."""
    if raw == "":
        problems.append(_problem(column, _("is empty")))
        return None
    if len(raw) > max_length:
        problems.append(
            _problem(column, _("is longer than %(max)d characters") % {"max": max_length})
        )
        return None
    return raw


# --- one row parser per feed: fields (already stripped) → (values, problems) -----------------

RowParser = Callable[[list[str], RowContext], tuple[tuple[Any, ...], list[str]]]


def parse_customer_row(fields: list[str], ctx: RowContext) -> tuple[tuple[Any, ...], list[str]]:
    """CUST-1/2/4: msisdn,name,id_number,birth_date,brand,joined_on,province,city,status,
    real_name_registered_on."""
    problems: list[str] = []
    msisdn = parse_msisdn(fields[0], problems)
    name = parse_text("name", fields[1], 64, problems)
    id_number = parse_text("id_number", fields[2], 18, problems)
    birth_date = parse_date("birth_date", fields[3], problems, ctx)
    brand = parse_choice("brand", fields[4], BRANDS, problems)
    joined_on = parse_date("joined_on", fields[5], problems, ctx)
    province = parse_text("province", fields[6], 32, problems)
    city = parse_text("city", fields[7], 32, problems)
    status = parse_choice("status", fields[8], STATUSES, problems)
    # May be empty; the billing system may also date a registration ahead (not checked).
    registered = parse_date(
        "real_name_registered_on", fields[9], problems, ctx, required=False, not_future=False
    )
    if birth_date and joined_on and joined_on < birth_date:
        problems.append(_problem("joined_on", _("is before birth_date")))
    values = (
        msisdn,
        name,
        id_number,
        birth_date,
        brand,
        joined_on,
        province,
        city,
        status,
        registered,
    )
    return values, problems


def parse_bill_row(fields: list[str], ctx: RowContext) -> tuple[tuple[Any, ...], list[str]]:
    """CUST-9: msisdn,month,total — a bill may be zero or negative (a credit note: imported
    and flagged, D-VALID-2) but not of a month that has not ended."""
    problems: list[str] = []
    msisdn = parse_msisdn(fields[0], problems)
    month = parse_month("month", fields[1], problems, ctx)
    total = parse_money("total", fields[2], problems, allow_negative=True)
    return (msisdn, month, total), problems


def parse_usage_row(fields: list[str], ctx: RowContext) -> tuple[tuple[Any, ...], list[str]]:
    """CUST-9: msisdn,date,category,amount — a day's usage is never negative."""
    problems: list[str] = []
    msisdn = parse_msisdn(fields[0], problems)
    day = parse_date("date", fields[1], problems, ctx)
    category = parse_choice("category", fields[2], CATEGORIES, problems)
    amount = parse_money("amount", fields[3], problems, allow_negative=False)
    return (msisdn, day, category, amount), problems


# --- streaming the file --------------------------------------------------------------------


def _text_lines(fileobj: IO[Any], bad_lines: dict[int, str]) -> Iterator[str]:
    """Decode the file line by line, so that an undecodable line is reported with its number.

    ``bad_lines`` collects the numbers of lines that are not UTF-8 or hold a NUL character
    (which no database text column takes), with the reason.
    """
    for number, raw in enumerate(fileobj, start=1):
        if isinstance(raw, str):
            text = raw
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
                bad_lines[number] = _(
                    "the line is not UTF-8 text; save the file as UTF-8 (it may be GBK)"
                )
        if "\x00" in text:
            text = text.replace("\x00", "")
            bad_lines[number] = _("the line contains a NUL character")
        if number == 1:
            text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Excel) is fine
        yield text


StagedRow = tuple[int, tuple[Any, ...] | None, str | None]


def read_rows(
    fileobj: IO[Any], columns: tuple[str, ...], parse: RowParser, ctx: RowContext
) -> Iterator[StagedRow]:
    """Yield ``(line, values, error)`` for every data row; line 1 is the header.

    Raises HeaderError before the first row if the header is missing or wrong. Blank lines
    are skipped. Lines are physical lines of the file (a quoted field spanning lines counts
    every line it spans).
    """
    bad_lines: dict[int, str] = {}
    reader = csv.reader(_text_lines(fileobj, bad_lines))
    expected = ",".join(columns)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise HeaderError(_("the header is not valid CSV (%(error)s)") % {"error": exc}) from exc
    if 1 in bad_lines:
        raise HeaderError(bad_lines[1])
    if header is None:
        raise HeaderError(
            _("the file is empty; the header %(header)s is expected") % {"header": expected}
        )
    found = [name.strip().lower() for name in header]
    if tuple(found) != columns:
        raise HeaderError(
            _("the header must be %(expected)s, found %(found)s")
            % {"expected": expected, "found": ",".join(header) or _("an empty line")}
        )
    width = len(columns)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, _("not a valid CSV row (%(error)s)") % {"error": exc}
            continue
        if not fields:
            continue
        if bad_lines:
            spanned = [bad_lines[n] for n in range(start, reader.line_num + 1) if n in bad_lines]
            if spanned:
                yield start, None, spanned[0]
                continue
        if len(fields) != width:
            yield (
                start,
                None,
                _("expected %(expected)d columns, found %(found)d")
                % {"expected": width, "found": len(fields)},
            )
            continue
        values, problems = parse([field.strip() for field in fields], ctx)
        if problems:
            yield start, None, "; ".join(problems)
        else:
            yield start, values, None
