"""The three billing feeds (CUST-9), what an import reports, and the types the pipeline uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from os import PathLike
from typing import IO, Any

from django.utils.translation import gettext_lazy

from membership.services.imports.rows import (
    RowParser,
    parse_bill_row,
    parse_customer_row,
    parse_usage_row,
)

BATCH = 5000  # rows per insert batch (SQLite) and per page when reading the staging table
PG_WORK_MEM = "128MB"  # per sort or hash of the import's own transaction, PostgreSQL only
IMPORT_NOTE = "import"
# CUST-4 decision (docs/decisions.md D-IMPORT-2): the customers feed has no
# suspension reason, so an imported suspension is recorded with an empty reason and this note.
IMPORT_SUSPENSION_NOTE = "import: the feed gives no suspension reason"


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    feed: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first ``max_errors`` only
    # D-VALID-2: bills with a negative total (credits) are imported and flagged: how many,
    # and the lines of the first NEGATIVE_LINES_SHOWN.
    negative_totals: int = 0
    negative_lines: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        """The contract's one-line summary."""
        return f"created {self.created}, updated {self.updated}"

    @property
    def note(self) -> str:
        """D-VALID-2: the flag of a good bills file with negative totals, one English line
        (the command writes it to stderr: stdout keeps the contract's summary alone)."""
        if not self.negative_totals:
            return ""
        bills = "bill has" if self.negative_totals == 1 else "bills have"
        more = self.negative_totals - len(self.negative_lines)
        lines = ", ".join(str(line) for line in self.negative_lines)
        return (
            f"note: {self.negative_totals} {bills} a negative total (a credit), imported, "
            f"earning no points: line{'s' if self.negative_totals > 1 else ''} {lines}"
            + (f" and {more} more" if more > 0 else "")
        )


@dataclass(frozen=True)
class Feed:
    name: str
    label: Any
    columns: tuple[str, ...]
    parse: RowParser
    column_types: tuple[str, ...]  # staging type of each column, PostgreSQL spelling
    key: tuple[str, ...]  # the upsert key, as staged columns
    key_label: Any  # the key in words, for the duplicate-row message
    lock_id: int  # PostgreSQL advisory lock: one import of a feed at a time


CUSTOMERS = Feed(
    name="customers",
    label=gettext_lazy("Customers"),
    columns=(
        "msisdn",
        "name",
        "id_number",
        "birth_date",
        "brand",
        "joined_on",
        "province",
        "city",
        "status",
        "real_name_registered_on",
    ),
    parse=parse_customer_row,
    column_types=("text", "text", "text", "date", "text", "date", "text", "text", "text", "date"),
    key=("msisdn",),
    key_label=gettext_lazy("msisdn"),
    lock_id=90_010_001,
)
BILLS = Feed(
    name="bills",
    label=gettext_lazy("Bills"),
    columns=("msisdn", "month", "total"),
    parse=parse_bill_row,
    column_types=("text", "date", "numeric(12,2)"),
    key=("msisdn", "month"),
    key_label=gettext_lazy("msisdn and month"),
    lock_id=90_010_002,
)
USAGE = Feed(
    name="usage",
    label=gettext_lazy("Usage"),
    columns=("msisdn", "date", "category", "amount"),
    parse=parse_usage_row,
    column_types=("text", "date", "text", "numeric(12,2)"),
    key=("msisdn", "date", "category"),
    key_label=gettext_lazy("msisdn, date and category"),
    lock_id=90_010_003,
)
FEEDS: dict[str, Feed] = {feed.name: feed for feed in (CUSTOMERS, BILLS, USAGE)}

# Customer columns the feed owns besides msisdn and status (status moves go through CUST-4).
CUSTOMER_DATA = (
    "name",
    "id_number",
    "birth_date",
    "brand",
    "joined_on",
    "province",
    "city",
    "real_name_registered_on",
)

PathOrFile = str | PathLike[str] | IO[Any]
OnError = Callable[[RowError], None]
# Called with the bytes of the file read so far, every PROGRESS_EVERY rows and once at the end.
Progress = Callable[[int], None]
PROGRESS_EVERY = 10_000
# D-VALID-2: the lines of negative bill totals an import names (the count is always whole).
NEGATIVE_LINES_SHOWN = 20


class Rollback(Exception):
    """Raised inside the transaction to undo everything (bad rows, dry run)."""
