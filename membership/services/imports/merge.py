"""The set-based merges of a checked feed into the tables (CUST-1/2/4/9, TIER-9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from core.actors import recorded_actor
from core.errors import DomainError
from membership.models import Bill, Brand, Customer, Status, StatusChange, Usage
from membership.services.customers import customer_leave_gotone, customer_set_status
from membership.services.imports.feeds import (
    BILLS,
    CUSTOMER_DATA,
    CUSTOMERS,
    IMPORT_NOTE,
    IMPORT_SUSPENSION_NOTE,
    Feed,
    Rollback,
    RowError,
)
from membership.services.imports.sql import differs, is_pg, q, timestamp
from membership.services.imports.stage import Stage


def _target(feed: Feed) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Table, key columns and value columns of the merge of a bills or usage feed."""
    if feed is BILLS:
        return Bill._meta.db_table, ("customer_id", "month"), ("total",)
    return Usage._meta.db_table, ("customer_id", "date", "category"), ("amount",)


def count_new(feed: Feed, stage: Stage, cursor: Any) -> int:
    """Staged rows whose key is not in the database yet (for a dry run, and on SQLite)."""
    if feed is CUSTOMERS:
        cursor.execute(f"SELECT COUNT(*) FROM {stage.name} WHERE customer_id IS NULL")
        return int(cursor.fetchone()[0])
    table, key, _values = _target(feed)
    match = " AND ".join(f"t.{q(c)} = s.{q(c)}" for c in key)
    cursor.execute(
        f"SELECT COUNT(*) FROM {stage.name} AS s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {q(table)} AS t WHERE {match})"
    )
    return int(cursor.fetchone()[0])


def merge_simple(feed: Feed, stage: Stage, cursor: Any, *, now: datetime) -> int:
    """CUST-9: upsert bills or usage in one statement; a re-imported row replaces the old one.

    Rows whose amount is unchanged are left alone (a second run changes nothing, CONV-5).
    Returns the number of rows created; every other staged row matched an existing one.
    """
    table, key, values = _target(feed)
    stamped = ("imported_at",) if feed is BILLS else ()  # Bill.imported_at is auto_now
    target = q(table)
    insert_columns = ", ".join(q(c) for c in (*key, *values, *stamped))
    select = ", ".join([*(q(c) for c in (*key, *values)), *(["%s"] * len(stamped))])
    update = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in (*values, *stamped))
    conflict = ", ".join(q(c) for c in key)
    upsert = (
        f"INSERT INTO {target} ({insert_columns}) "
        f"SELECT {select} FROM {stage.name} WHERE true "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {update} "
        f"WHERE {differs(target, 'excluded', values)}"
    )
    params = [timestamp(now)] * len(stamped)
    if is_pg():
        # xmax = 0 tells a freshly inserted row from an updated one: an exact count even if
        # another writer inserts the same key meanwhile.
        cursor.execute(
            f"WITH m AS ({upsert} RETURNING ({target}.xmax = 0) AS inserted) "
            "SELECT COUNT(*) FROM m WHERE inserted",
            params,
        )
        return int(cursor.fetchone()[0])
    # SQLite has one writer at a time, so a count taken in this transaction stays true.
    created = count_new(feed, stage, cursor)
    cursor.execute(upsert, params)
    return created


def refresh_statistics(feed: Feed, cursor: Any) -> None:
    """ANALYZE the tables the merge wrote, inside its transaction (PostgreSQL only).

    Autovacuum may be off, and it cannot see rows not yet committed anyway: without this the
    foreign-key checks at COMMIT and the next job (an accrual, a rating) plan against tables
    the statistics still call empty, and a nested loop over millions of rows follows.
    """
    if not is_pg():
        return
    models: tuple[Any, ...]
    if feed is CUSTOMERS:
        models = (Customer, Customer.history.model, StatusChange)
    else:
        models = (Bill,) if feed is BILLS else (Usage,)
    for model in models:
        cursor.execute(f"ANALYZE {q(model._meta.db_table)}")


def _history_columns() -> list[str]:
    """The columns simple_history copies from Customer (its own history_* columns aside)."""
    history = Customer.history.model
    return [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]


def merge_customers(stage: Stage, cursor: Any, *, now: datetime, actor: Any) -> int:
    """CUST-1/2/4: upsert the customers' data in one statement; returns how many are new.

    New lines are inserted with their status and get their first StatusChange ('' → status);
    existing lines get their data updated here and their status moves later, one by one,
    through the CUST-4 service. Every created or changed line gets a simple_history row, so
    the personal data stays audited although no model ``save()`` runs.
    """
    customer = q(Customer._meta.db_table)
    history = q(Customer.history.model._meta.db_table)
    changes = q(StatusChange._meta.db_table)
    actor_id = getattr(recorded_actor(actor), "pk", None)
    data = ", ".join(q(c) for c in ("msisdn", *CUSTOMER_DATA))
    update = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in (*CUSTOMER_DATA, "updated_at"))
    upsert = (
        f"INSERT INTO {customer} ({data}, status, suspension_reason, created_at, updated_at) "
        f"SELECT {data}, status, '', %s, %s FROM {stage.name} WHERE true "
        f"ON CONFLICT (msisdn) DO UPDATE SET {update} "
        f"WHERE {differs(customer, 'excluded', CUSTOMER_DATA)}"
    )
    copied = ", ".join(q(c) for c in _history_columns())
    history_insert = (
        f"INSERT INTO {history} ({copied}, history_date, history_change_reason, history_type, "
        f"history_user_id) "
    )
    change_insert = (
        f"INSERT INTO {changes} "
        f"(customer_id, from_status, to_status, reason, note, changed_at, actor_id) "
    )
    stamp = timestamp(now)
    if is_pg():
        cursor.execute(
            f"WITH m AS ({upsert} RETURNING {customer}.*, ({customer}.xmax = 0) AS inserted), "
            f"h AS ({history_insert} SELECT {copied}, %s, %s, "
            f"CASE WHEN inserted THEN '+' ELSE '~' END, %s FROM m), "
            f"s AS ({change_insert} SELECT id, '', status, '', %s, %s, %s FROM m WHERE inserted) "
            "SELECT COUNT(*) FROM m WHERE inserted",
            [stamp, stamp, now, IMPORT_NOTE, actor_id, IMPORT_NOTE, now, actor_id],
        )
        return int(cursor.fetchone()[0])
    created = count_new(CUSTOMERS, stage, cursor)
    cursor.execute(upsert, [stamp, stamp])
    from_customer = ", ".join(f"c.{q(col)}" for col in _history_columns())
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


def apply_customer_changes(
    stage: Stage,
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
        raise Rollback from exc
