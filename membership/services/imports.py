"""CUST-9 billing feeds in: customers, bills and usage (contracts in INTERFACES.md).

One pipeline for the three feeds, inside one transaction:

1. stream the CSV through the shared row validator (membership/services/import_rows.py) into
   a TEMP staging table — COPY on PostgreSQL, batched inserts on SQLite — bad rows included,
   with their message, so that the error list never has to sit in memory;
2. check in SQL what needs the database: duplicate keys within the file, numbers we do not
   know (bills, usage), illegal status moves (customers, CUST-4);
3. if any row is bad: report every bad row in line order, write nothing;
4. otherwise merge set-based (``INSERT … SELECT … ON CONFLICT … DO UPDATE``), counting created
   and updated rows exactly; ``dry_run`` stops before this step and rolls everything back.

The messages come from Python on both backends, so SQLite and PostgreSQL report the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from os import PathLike
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import recorded_actor
from core.errors import DomainError
from membership.models import (
    Bill,
    Brand,
    Customer,
    Status,
    StatusChange,
    Usage,
)
from membership.services.customers import (
    STATUS_TRANSITIONS,
    customer_leave_gotone,
    customer_set_status,
)
from membership.services.import_rows import (
    HeaderError,
    RowContext,
    RowParser,
    StagedRow,
    parse_bill_row,
    parse_customer_row,
    parse_usage_row,
    read_rows,
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

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        """The contract's one-line summary."""
        return f"created {self.created}, updated {self.updated}"


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


class _Rollback(Exception):
    """Raised inside the transaction to undo everything (bad rows, dry run)."""


# --- SQL helpers -----------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def _sqlite_type(pg_type: str) -> str:
    if pg_type.startswith("numeric"):
        return "DECIMAL"
    return {"text": "TEXT", "date": "TEXT", "bigint": "INTEGER", "integer": "INTEGER"}.get(
        pg_type, "INTEGER"
    )


def _timestamp(value: datetime) -> Any:
    """A timestamp as the driver takes it in raw SQL (SQLite: Django's UTC text)."""
    return value if _is_pg() else connection.ops.adapt_datetimefield_value(value)


def _same(value: Any) -> Any:
    return value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _differs(left: str, right: str, columns: Iterable[str]) -> str:
    """SQL: any of ``columns`` differs between two row aliases, NULL-safe on both backends."""
    columns = list(columns)
    if _is_pg():
        lhs = ", ".join(f"{left}.{_q(c)}" for c in columns)
        rhs = ", ".join(f"{right}.{_q(c)}" for c in columns)
        return f"(({lhs}) IS DISTINCT FROM ({rhs}))"
    return "(" + " OR ".join(f"{left}.{_q(c)} IS NOT {right}.{_q(c)}" for c in columns) + ")"


class _Stage:
    """The TEMP tables of one import run (dropped at the end, or rolled back with it).

    ``raw``: the file as read (line, typed values, the validator's error). ``name``: the raw
    rows joined once to the customers, with the first line of each key (duplicates) and, for
    the customers feed, what the line was before. ``bad``: the bad rows only, indexed by line
    for paging. Each is written once by ``CREATE TABLE … AS SELECT``: insert-only, no UPDATE
    of millions of staged rows.
    """

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        suffix = uuid.uuid4().hex[:12]
        self.raw = _q(f"import_raw_{suffix}")
        self.name = _q(f"import_stage_{suffix}")
        self.bad = _q(f"import_bad_{suffix}")
        self.bad_index = _q(f"import_bad_line_{suffix}")

    def create(self, cursor: Any) -> None:
        columns = [("line", "integer")]
        columns += list(zip(self.feed.columns, self.feed.column_types, strict=True))
        columns += [("error", "text")]
        if _is_pg():
            spec = ", ".join(f"{_q(n)} {t}" for n, t in columns)
        else:
            spec = ", ".join(
                f"{_q(n)} {'INTEGER PRIMARY KEY' if n == 'line' else _sqlite_type(t)}"
                for n, t in columns
            )
        cursor.execute(f"CREATE TEMP TABLE {self.raw} ({spec})")

    def load(self, cursor: Any, rows: Iterator[StagedRow]) -> int:
        """Write every data row (good or bad) to the raw table; returns the row count."""
        width = len(self.feed.columns)
        names = ", ".join(_q(n) for n in ("line", *self.feed.columns, "error"))
        count = 0
        if _is_pg():  # COPY: the fast path for millions of rows
            with cursor.copy(f"COPY {self.raw} ({names}) FROM STDIN") as copy:
                for line, values, error in rows:
                    copy.write_row((line, *(values or (None,) * width), error))
                    count += 1
            cursor.execute(f"ANALYZE {self.raw}")
            return count
        sql = f"INSERT INTO {self.raw} ({names}) VALUES ({', '.join(['%s'] * (width + 2))})"
        # SQLite stores dates as ISO text and decimals as numbers parsed from text.
        adapters: list[Callable[[Any], Any]] = [
            _iso if t == "date" else _text if t.startswith("numeric") else _same
            for t in self.feed.column_types
        ]
        empty = (None,) * width
        batch: list[tuple[Any, ...]] = []
        for line, values, error in rows:
            if values is None:
                batch.append((line, *empty, error))
            else:
                batch.append(
                    (line, *[adapt(v) for adapt, v in zip(adapters, values, strict=True)], None)
                )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
        return count

    def check(self, cursor: Any) -> None:
        """The checks that need SQL: known numbers, duplicate keys, CUST-4 status moves."""
        feed = self.feed
        key = ", ".join(_q(c) for c in feed.key)
        select = ["r.*", "c.id AS customer_id", "d.first_line"]
        if feed is CUSTOMERS:
            # CUST-4: an existing line may only move as STATUS_TRANSITIONS allows.
            allowed = sorted(
                f"'{old}>{new}'" for old, news in STATUS_TRANSITIONS.items() for new in news
            )
            select += [
                "c.status AS old_status",
                "c.brand AS old_brand",
                f"CASE WHEN c.id IS NOT NULL AND {_differs('c', 'r', CUSTOMER_DATA)} "
                "THEN 1 ELSE 0 END AS changed",
                "CASE WHEN c.id IS NOT NULL AND r.status <> c.status "
                f"AND (c.status || '>' || r.status) NOT IN ({', '.join(allowed)}) "
                "THEN 1 ELSE 0 END AS bad_transition",
            ]
            bad = "r.error IS NOT NULL OR first_line < r.line OR bad_transition = 1"
            extra = "old_status, r.status AS new_status, bad_transition"
        else:
            bad = "r.error IS NOT NULL OR first_line < r.line OR customer_id IS NULL"
            extra = "NULL AS old_status, NULL AS new_status, 0 AS bad_transition"
        customer = _q(Customer._meta.db_table)
        same_key = " AND ".join(f"d.{_q(c)} = r.{_q(c)}" for c in feed.key)
        # Duplicate keys by hashing (GROUP BY … HAVING), not by sorting the whole file.
        duplicates = (
            f"SELECT {key}, MIN(line) AS first_line FROM {self.raw} WHERE error IS NULL "
            f"GROUP BY {key} HAVING COUNT(*) > 1"
        )
        cursor.execute(
            f"CREATE TEMP TABLE {self.name} AS SELECT {', '.join(select)} "
            f"FROM {self.raw} AS r LEFT JOIN {customer} AS c "
            f"ON c.msisdn = r.msisdn AND r.error IS NULL "
            f"LEFT JOIN ({duplicates}) AS d ON {same_key}"
        )
        cursor.execute(f"DROP TABLE {self.raw}")
        cursor.execute(
            f"CREATE TEMP TABLE {self.bad} AS SELECT r.line, r.error, "
            f"CASE WHEN first_line < r.line THEN first_line END AS dup_of, "
            f"customer_id, r.msisdn, {extra} FROM {self.name} AS r WHERE {bad}"
        )
        cursor.execute(f"CREATE INDEX {self.bad_index} ON {self.bad} (line)")
        if _is_pg():
            cursor.execute(f"ANALYZE {self.name}")

    def bad_rows(self, cursor: Any) -> Iterator[tuple[Any, ...]]:
        """The bad rows in line order, a page at a time (keyset on line)."""
        last = 0
        while True:
            cursor.execute(
                f"SELECT * FROM {self.bad} WHERE line > %s ORDER BY line LIMIT {BATCH}", [last]
            )
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def select(self, cursor: Any, columns: str, where: str) -> list[tuple[Any, ...]]:
        cursor.execute(f"SELECT {columns} FROM {self.name} WHERE {where} ORDER BY line")
        return list(cursor.fetchall())

    def drop(self, cursor: Any) -> None:
        cursor.execute(f"DROP TABLE {self.bad}")
        cursor.execute(f"DROP TABLE {self.name}")


# --- the pipeline ----------------------------------------------------------------------------


def _open(path_or_file: PathOrFile) -> tuple[IO[Any], bool]:
    """The file to read, and whether we opened it (and so must close it)."""
    if isinstance(path_or_file, str | PathLike):
        try:
            return open(path_or_file, "rb"), True  # closed by the caller
        except OSError as exc:
            raise DomainError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": path_or_file, "error": exc.strerror or exc}
            ) from exc
    fileobj: Any = getattr(path_or_file, "file", None) or path_or_file  # Django UploadedFile
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return fileobj, False


def _run(
    feed: Feed,
    *,
    path_or_file: PathOrFile,
    dry_run: bool,
    actor: Any,
    on_error: OnError | None,
    max_errors: int,
) -> ImportResult:
    result = ImportResult(feed=feed.name, dry_run=dry_run)

    def report(error: RowError) -> None:
        result.error_count += 1
        if len(result.errors) < max_errors:
            result.errors.append(error)
        if on_error is not None:
            on_error(error)

    fileobj, opened = _open(path_or_file)
    ctx = RowContext(today=timezone.localdate())
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            try:
                if _is_pg():
                    # hashes and sorts of a few million staged rows stay in memory
                    cursor.execute(f"SET LOCAL work_mem = '{PG_WORK_MEM}'")
                    if not dry_run:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [feed.lock_id])
                stage = _Stage(feed)
                try:
                    rows = read_rows(fileobj, feed.columns, feed.parse, ctx)
                    first = next(rows, None)  # reads and checks the header
                except HeaderError as exc:
                    report(RowError(1, str(exc)))
                    raise _Rollback from exc
                stage.create(cursor)
                result.rows = stage.load(cursor, _chain(first, rows))
                stage.check(cursor)
                for error in _bad_rows(feed, stage, cursor):
                    report(error)
                if result.error_count:
                    raise _Rollback
                if dry_run:
                    result.created = _count_new(feed, stage, cursor)
                    result.updated = result.rows - result.created
                    raise _Rollback
                now = timezone.now()
                if feed is CUSTOMERS:
                    result.created = _merge_customers(stage, cursor, now=now, actor=actor)
                    _apply_customer_changes(stage, cursor, now=now, actor=actor, report=report)
                else:
                    result.created = _merge_simple(feed, stage, cursor, now=now)
                result.updated = result.rows - result.created
                stage.drop(cursor)
            except _Rollback:
                transaction.set_rollback(True)
    finally:
        if opened:
            fileobj.close()
    if not result.ok:
        result.created = result.updated = 0
    return result


def _chain(first: StagedRow | None, rest: Iterator[StagedRow]) -> Iterator[StagedRow]:
    if first is not None:
        yield first
        yield from rest


def _bad_rows(feed: Feed, stage: _Stage, cursor: Any) -> Iterator[RowError]:
    """Every bad row, in line order, with one message naming everything wrong with it."""
    key = str(feed.key_label)
    for line, error, dup_of, customer_id, msisdn, old, new, bad_move in stage.bad_rows(cursor):
        if error is not None:
            yield RowError(line, error)
            continue
        problems = []
        if dup_of is not None:
            problems.append(_("the same %(key)s as line %(line)d") % {"key": key, "line": dup_of})
        if customer_id is None and feed is not CUSTOMERS:
            problems.append(_("msisdn: no customer has the number %(msisdn)s") % {"msisdn": msisdn})
        if bad_move:
            problems.append(
                _("status: the line is %(old)s and cannot become %(new)s")
                % {"old": old, "new": new}
            )
        yield RowError(line, "; ".join(problems))


def _target(feed: Feed) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Table, key columns and value columns of the merge of a bills or usage feed."""
    if feed is BILLS:
        return Bill._meta.db_table, ("customer_id", "month"), ("total",)
    return Usage._meta.db_table, ("customer_id", "date", "category"), ("amount",)


def _count_new(feed: Feed, stage: _Stage, cursor: Any) -> int:
    """Staged rows whose key is not in the database yet (for a dry run, and on SQLite)."""
    if feed is CUSTOMERS:
        cursor.execute(f"SELECT COUNT(*) FROM {stage.name} WHERE customer_id IS NULL")
        return int(cursor.fetchone()[0])
    table, key, _values = _target(feed)
    match = " AND ".join(f"t.{_q(c)} = s.{_q(c)}" for c in key)
    cursor.execute(
        f"SELECT COUNT(*) FROM {stage.name} AS s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {_q(table)} AS t WHERE {match})"
    )
    return int(cursor.fetchone()[0])


def _merge_simple(feed: Feed, stage: _Stage, cursor: Any, *, now: datetime) -> int:
    """CUST-9: upsert bills or usage in one statement; a re-imported row replaces the old one.

    Rows whose amount is unchanged are left alone (a second run changes nothing, CONV-5).
    Returns the number of rows created; every other staged row matched an existing one.
    """
    table, key, values = _target(feed)
    stamped = ("imported_at",) if feed is BILLS else ()  # Bill.imported_at is auto_now
    target = _q(table)
    insert_columns = ", ".join(_q(c) for c in (*key, *values, *stamped))
    select = ", ".join([*(_q(c) for c in (*key, *values)), *(["%s"] * len(stamped))])
    update = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in (*values, *stamped))
    conflict = ", ".join(_q(c) for c in key)
    upsert = (
        f"INSERT INTO {target} ({insert_columns}) "
        f"SELECT {select} FROM {stage.name} WHERE true "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {update} "
        f"WHERE {_differs(target, 'excluded', values)}"
    )
    params = [_timestamp(now)] * len(stamped)
    if _is_pg():
        # xmax = 0 tells a freshly inserted row from an updated one: an exact count even if
        # another writer inserts the same key meanwhile.
        cursor.execute(
            f"WITH m AS ({upsert} RETURNING ({target}.xmax = 0) AS inserted) "
            "SELECT COUNT(*) FROM m WHERE inserted",
            params,
        )
        return int(cursor.fetchone()[0])
    # SQLite has one writer at a time, so a count taken in this transaction stays true.
    created = _count_new(feed, stage, cursor)
    cursor.execute(upsert, params)
    return created


def _history_columns() -> list[str]:
    """The columns simple_history copies from Customer (its own history_* columns aside)."""
    history = Customer.history.model
    return [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]


def _merge_customers(stage: _Stage, cursor: Any, *, now: datetime, actor: Any) -> int:
    """CUST-1/2/4: upsert the customers' data in one statement; returns how many are new.

    New lines are inserted with their status and get their first StatusChange ('' → status);
    existing lines get their data updated here and their status moves later, one by one,
    through the CUST-4 service. Every created or changed line gets a simple_history row, so
    the personal data stays audited although no model ``save()`` runs.
    """
    customer = _q(Customer._meta.db_table)
    history = _q(Customer.history.model._meta.db_table)
    changes = _q(StatusChange._meta.db_table)
    actor_id = getattr(recorded_actor(actor), "pk", None)
    data = ", ".join(_q(c) for c in ("msisdn", *CUSTOMER_DATA))
    update = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in (*CUSTOMER_DATA, "updated_at"))
    upsert = (
        f"INSERT INTO {customer} ({data}, status, suspension_reason, created_at, updated_at) "
        f"SELECT {data}, status, '', %s, %s FROM {stage.name} WHERE true "
        f"ON CONFLICT (msisdn) DO UPDATE SET {update} "
        f"WHERE {_differs(customer, 'excluded', CUSTOMER_DATA)}"
    )
    copied = ", ".join(_q(c) for c in _history_columns())
    history_insert = (
        f"INSERT INTO {history} ({copied}, history_date, history_change_reason, history_type, "
        f"history_user_id) "
    )
    change_insert = (
        f"INSERT INTO {changes} "
        f"(customer_id, from_status, to_status, reason, note, changed_at, actor_id) "
    )
    stamp = _timestamp(now)
    if _is_pg():
        cursor.execute(
            f"WITH m AS ({upsert} RETURNING {customer}.*, ({customer}.xmax = 0) AS inserted), "
            f"h AS ({history_insert} SELECT {copied}, %s, %s, "
            f"CASE WHEN inserted THEN '+' ELSE '~' END, %s FROM m), "
            f"s AS ({change_insert} SELECT id, '', status, '', %s, %s, %s FROM m WHERE inserted) "
            "SELECT COUNT(*) FROM m WHERE inserted",
            [stamp, stamp, now, IMPORT_NOTE, actor_id, IMPORT_NOTE, now, actor_id],
        )
        return int(cursor.fetchone()[0])
    created = _count_new(CUSTOMERS, stage, cursor)
    cursor.execute(upsert, [stamp, stamp])
    from_customer = ", ".join(f"c.{_q(col)}" for col in _history_columns())
    joined = f"FROM {stage.name} AS s JOIN {customer} AS c ON c.msisdn = s.msisdn"
    for kind, condition in (("+", "s.customer_id IS NULL"), ("~", "s.changed = 1")):
        cursor.execute(
            f"{history_insert} SELECT {from_customer}, %s, %s, %s, %s {joined} WHERE {condition}",
            [stamp, IMPORT_NOTE, kind, actor_id],
        )
    cursor.execute(
        f"{change_insert} SELECT c.id, '', c.status, '', %s, %s, %s "
        f"{joined} WHERE s.customer_id IS NULL",
        [IMPORT_NOTE, stamp, actor_id],
    )
    return created


def _apply_customer_changes(
    stage: _Stage,
    cursor: Any,
    *,
    now: datetime,
    actor: Any,
    report: Callable[[RowError], None],
) -> None:
    """CUST-4 / TIER-9 for the few existing lines whose status or brand the feed changes.

    These go through the services one line at a time so that the history rows, the
    ``customer_status_changed`` listeners (POINTS-9 freeze, POINTS-10 clearing) and the
    grant endings of TIER-9 happen exactly as for a change made at the counter.
    """
    moves = stage.select(
        cursor, "line, customer_id, status", "customer_id IS NOT NULL AND status <> old_status"
    )
    leavers = stage.select(
        cursor, "line, customer_id", f"old_brand = '{Brand.GOTONE}' AND brand <> '{Brand.GOTONE}'"
    )
    ids = [row[1] for row in moves] + [row[1] for row in leavers]
    customers = Customer.objects.in_bulk(ids)
    current = 0
    try:
        for line, customer_id, status in moves:
            current = line
            if status == Status.SUSPENDED:
                customer_set_status(  # D-IMPORT-2: the feed carries no suspension reason
                    customer=customers[customer_id],
                    status=status,
                    actor=actor,
                    note=IMPORT_SUSPENSION_NOTE,
                    at=now,
                    reason_unknown=True,
                )
            else:
                customer_set_status(
                    customer=customers[customer_id],
                    status=status,
                    actor=actor,
                    note=IMPORT_NOTE,
                    at=now,
                )
        last_day = timezone.localdate(now) - timedelta(days=1)
        for line, customer_id in leavers:  # TIER-9: leaving gotone ends annual and plan grants
            current = line
            customer_leave_gotone(customer=customers[customer_id], last_day=last_day, actor=actor)
    except DomainError as exc:  # a clerk changed the line since we checked it
        report(RowError(current, exc.message))
        raise _Rollback from exc


# --- the public services ---------------------------------------------------------------------


def customers_import(
    *,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """CUST-1/2/4: the customers feed, upserted by msisdn.

    ``on_error`` is called for every bad row in line order (the command prints them all);
    the result keeps the first ``max_errors`` and the total count.
    """
    return _run(
        CUSTOMERS,
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )


def bills_import(
    *,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """CUST-9: monthly bills, upserted by (msisdn, month); a re-imported bill replaces the old."""
    return _run(
        BILLS,
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )


def usage_import(
    *,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """CUST-9: daily usage, upserted by (msisdn, date, category)."""
    return _run(
        USAGE,
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )


def feed_import(
    *,
    feed: str,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """Any of the three feeds by name (``customers``, ``bills``, ``usage``)."""
    if feed not in FEEDS:
        raise DomainError(_("Unknown feed “%(feed)s”.") % {"feed": feed})
    return _run(
        FEEDS[feed],
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )
