"""Fast inserts for imports: COPY on PostgreSQL, executemany on SQLite, inside the caller's transaction.

The ORM's bulk_create builds a model instance per row; an import of a million dataset rows spends
most of its time there (bench/RESULTS.md). Imports write the same tables through this module,
with ids allocated from the table's own sequence, so every later ORM write stays consistent.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
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
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
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
        cursor.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest + count]
        )
        return list(range(highest + 1, highest + count + 1))


def _converters(model, fields: Sequence[str]) -> list[tuple[int, callable]]:
    """Per-column conversions SQLite needs (dates as ISO text, UUIDs as hex), found once per call."""
    from django.db import models

    found = []
    for position, name in enumerate(fields):
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            found.append((position, _datetime_text))
        elif isinstance(field, models.DateField):
            found.append((position, _date_text))
        elif isinstance(field, models.UUIDField):
            found.append((position, lambda value: value.hex))
    return found


def _date_text(value) -> str:
    return value if type(value) is str else value.isoformat()


@functools.lru_cache(maxsize=64)
def _datetime_text(value: datetime.datetime) -> str:
    """As Django stores it in SQLite: UTC, without the offset. (An import stamps every row alike.)"""
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")


def bulk_insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows (tuples in the order of ``fields``) into the model's table; returns the count.

    JSON fields take already-serialised text (json.dumps), so that serialising happens once.
    """
    table = model._meta.db_table
    columns = column_names(model, fields)
    count = 0
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
    converters = _converters(model, fields)

    def adapted():
        nonlocal count
        for row in rows:
            count += 1
            if converters:
                row = list(row)
                for position, convert in converters:
                    if row[position] is not None:
                        row[position] = convert(row[position])
            yield row

    connection.connection.executemany(sql, adapted())
    return count


def tune_for_bulk_write() -> None:
    """Call inside the import's transaction.

    SQLite: a larger page cache (its default is 2 MB).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MB, in KiB


class DeferredIndexes:
    """Drop the secondary indexes (and, on PostgreSQL, the foreign keys) of some tables for a large
    load, and build them again at the end, in the same transaction (pg_restore's method).

    Building an index once over a million rows is several times faster than updating it a million
    times, and re-adding a foreign key checks all rows in one join instead of one trigger per row.
    Indexes for which ``keep(definition)`` is true stay (those the load itself queries).
    """

    def __init__(self, models, keep=lambda definition: False):
        self.tables = [model._meta.db_table for model in models]
        self.keep = keep
        self.indexes: list[tuple[str, str]] = []  # (name, definition)
        self.foreign_keys: list[tuple[str, str, str]] = []  # (table, name, definition)
        self.active = False

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables:
                if is_postgresql():
                    cursor.execute(
                        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                        "WHERE c.conrelid = %s::regclass AND c.contype = 'f'",
                        [table],
                    )
                    for name, definition in cursor.fetchall():
                        self.foreign_keys.append((table, name, definition))
                    cursor.execute(
                        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                        "AND NOT x.indisprimary AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                        [table],
                    )
                else:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL",
                        [table],
                    )
                for name, definition in cursor.fetchall():
                    if not self.keep(definition):
                        self.indexes.append((name, definition))
            if self.foreign_keys:
                # Run the checks already queued for the rows written so far, then drop the keys.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        self.active = True

    def restore(self) -> None:
        if not self.active:
            return
        with connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if self.foreign_keys:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.active = False


@contextlib.contextmanager
def foreign_keys_checked_once(models):
    """SQLite looks up the parent of every foreign key of every row it inserts. For an import, outside
    any transaction, switch that off and check every written table once, at the end, inside the
    import's transaction (Django's check_constraints: PRAGMA foreign_key_check). Yields the check.
    Elsewhere (PostgreSQL, or already inside a transaction) the check is left to the database."""
    tables = [model._meta.db_table for model in models]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield lambda: None
        return
    disabled = connection.disable_constraint_checking()
    try:
        yield (
            (lambda: connection.check_constraints(table_names=tables))
            if disabled
            else (lambda: None)
        )
    finally:
        if disabled:
            connection.enable_constraint_checking()
