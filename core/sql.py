"""INSERT … SELECT from a queryset, the same on SQLite and PostgreSQL.

The SELECT is built with the ORM (so that date parts, JSON objects and string
concatenation compile for the backend in use) and wrapped in an INSERT by its column list.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model, QuerySet


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def insert_select(model: type[Model], columns: dict[str, Any], source: QuerySet[Any]) -> int:
    """Insert one row into ``model`` per row of ``source``; returns the number inserted.

    ``columns`` maps each target field name to the expression giving its value, in the
    order they are inserted. The expressions are annotated on ``source`` under private
    aliases and selected in that order.
    """
    aliases = {f"_col{index}": expression for index, expression in enumerate(columns.values())}
    query = source.annotate(**aliases).values(*aliases)
    sql, params = query.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(_column(model, name)) for name in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    statement = f"INSERT INTO {table} ({names}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def analyze_tables(*models: type[Model]) -> None:
    """ANALYZE the tables a bulk write just filled, inside its transaction (PostgreSQL only;
    SQLite plans without statistics). Autovacuum may be off and cannot see rows not yet
    committed: without this the COMMIT's foreign-key checks and the next job's reads plan
    against tables the statistics still call empty (docs/performance.md)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
