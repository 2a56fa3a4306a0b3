"""The TEMP staging tables of one import run, the SQL checks, and the bad rows' messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from membership.models import Customer
from membership.services.imports.feeds import BATCH, CUSTOMER_DATA, CUSTOMERS, Feed, RowError
from membership.services.imports.rows import StagedRow
from membership.services.imports.sql import differs, is_pg, q, sqlite_type


def _same(value: Any) -> Any:
    return value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class Stage:
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
        self.raw = q(f"import_raw_{suffix}")
        self.name = q(f"import_stage_{suffix}")
        self.bad = q(f"import_bad_{suffix}")
        self.bad_index = q(f"import_bad_line_{suffix}")

    def create(self, cursor: Any) -> None:
        columns = [("line", "integer")]
        columns += list(zip(self.feed.columns, self.feed.column_types, strict=True))
        columns += [("error", "text")]
        if is_pg():
            spec = ", ".join(f"{q(n)} {t}" for n, t in columns)
        else:
            spec = ", ".join(
                f"{q(n)} {'INTEGER PRIMARY KEY' if n == 'line' else sqlite_type(t)}"
                for n, t in columns
            )
        cursor.execute(f"CREATE TEMP TABLE {self.raw} ({spec})")

    def load(self, cursor: Any, rows: Iterator[StagedRow]) -> int:
        """Write every data row (good or bad) to the raw table; returns the row count."""
        width = len(self.feed.columns)
        names = ", ".join(q(n) for n in ("line", *self.feed.columns, "error"))
        count = 0
        if is_pg():  # COPY: the fast path for millions of rows
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
        key = ", ".join(q(c) for c in feed.key)
        select = ["r.*", "c.id AS customer_id", "d.first_line"]
        if feed is CUSTOMERS:
            # CUST-4: an existing line may only move as Customer.TRANSITIONS allows.
            allowed = sorted(
                f"'{old}>{new}'" for old, news in Customer.TRANSITIONS.items() for new in news
            )
            select += [
                "c.status AS old_status",
                "c.brand AS old_brand",
                f"CASE WHEN c.id IS NOT NULL AND {differs('c', 'r', CUSTOMER_DATA)} "
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
        customer = q(Customer._meta.db_table)
        same_key = " AND ".join(f"d.{q(c)} = r.{q(c)}" for c in feed.key)
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
        if is_pg():
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


def negative_bill_lines(stage: Stage, cursor: Any, shown: int) -> tuple[int, list[int]]:
    """D-VALID-2: how many rows of a good bills file have a negative total (a credit), and
    the first ``shown`` of their lines."""
    cursor.execute(f"SELECT COUNT(*) FROM {stage.name} WHERE total < 0")
    count = int(cursor.fetchone()[0])
    if not count:
        return 0, []
    cursor.execute(f"SELECT line FROM {stage.name} WHERE total < 0 ORDER BY line LIMIT {shown}")
    return count, [int(row[0]) for row in cursor.fetchall()]


def bad_row_errors(feed: Feed, stage: Stage, cursor: Any) -> Iterator[RowError]:
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
