"""Small SQL helpers of the import pipeline, one spelling for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def sqlite_type(pg_type: str) -> str:
    if pg_type.startswith("numeric"):
        return "DECIMAL"
    return {"text": "TEXT", "date": "TEXT", "bigint": "INTEGER", "integer": "INTEGER"}.get(
        pg_type, "INTEGER"
    )


def timestamp(value: datetime) -> Any:
    """A timestamp as the driver takes it in raw SQL (SQLite: Django's UTC text)."""
    return value if is_pg() else connection.ops.adapt_datetimefield_value(value)


def differs(left: str, right: str, columns: Iterable[str]) -> str:
    """SQL: any of ``columns`` differs between two row aliases, NULL-safe on both backends."""
    columns = list(columns)
    if is_pg():
        lhs = ", ".join(f"{left}.{q(c)}" for c in columns)
        rhs = ", ".join(f"{right}.{q(c)}" for c in columns)
        return f"(({lhs}) IS DISTINCT FROM ({rhs}))"
    return "(" + " OR ".join(f"{left}.{q(c)} IS NOT {right}.{q(c)}" for c in columns) + ")"
