"""Fast inserts for imports: COPY on PostgreSQL, executemany on SQLite, inside the caller's transaction.

The ORM's bulk_create builds a model instance per row; an import of a million dataset rows spends
most of its time there (bench/RESULTS.md). Imports write the same tables through this module,
with ids allocated from the table's own sequence, so every later ORM write stays consistent.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterable, Sequence

from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def column_names(model, fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def allocate_ids(model, count: int) -> list[int]:
    """Reserve ``count`` primary keys for ``model`` (the caller holds the write transaction)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row and row[0] > highest:
            highest = row[0]
        # Reserve them, so that a second allocation in the same transaction does not repeat them.
        cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
        cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest + count])
        return list(range(highest + 1, highest + count + 1))


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, uuid.UUID):
        return value.hex  # Django keeps UUIDs as 32 hex characters in SQLite
    return value


def bulk_insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows (tuples in the order of ``fields``) into the model's table; returns the count.

    JSON fields take already-serialised text (json.dumps), so that serialising happens once.
    """
    table = model._meta.db_table
    columns = column_names(model, fields)
    count = 0
    raw_connection = connection.connection if connection.connection else None
    if is_postgresql():
        quoted = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    placeholders = ", ".join("?" for _ in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})'
    connection.ensure_connection()
    raw_connection = connection.connection

    def adapted():
        nonlocal count
        for row in rows:
            count += 1
            yield tuple(_sqlite_value(v) if isinstance(v, datetime.date | dict | list | uuid.UUID) else v for v in row)

    raw_connection.executemany(sql, adapted())
    return count
