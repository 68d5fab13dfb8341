"""Django set up for a process that is not the web server: every `vigie` command calls
``setup_django`` first.

It lives apart from vigie.cli so that the apps' commands (vigie.<app>.commands) can use it without
importing the CLI: the CLI depends on the apps, never the other way round (tests/test_import_graph.py).
"""

from __future__ import annotations

import os

import click


def setup_django(database: bool = True) -> None:
    """Set Django up for a command. The translation catalogues are compiled first (Django reads them
    once per process). With ``database`` (every command that reads or writes records), a database
    that is not initialised or not migrated stops the command with what to do (exit 1)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings.development")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from vigie.core.i18n import ensure_catalogues

    try:
        ensure_catalogues()
        django.setup()
    except ImproperlyConfigured as error:  # production without its secret key, for instance
        raise click.ClickException(str(error)) from None
    if database:
        require_database()


def describe_database() -> str:
    """The database in words, without its password: a file's path or a server's name and host."""
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"at {config['NAME']}"
    host = config.get("HOST") or "localhost"
    return f"{config['NAME']!r} on {host}" + (f":{config['PORT']}" if config.get("PORT") else "")


def require_database() -> None:
    """Stop (click error, exit 1, no traceback) unless the database has every migration applied."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        # Every migration the code knows and the database has not recorded, wherever it stands in
        # the graph (a plan to the leaf nodes skips a missing one behind an applied leaf).
        applied = executor.loader.applied_migrations
        plan = [node for node in executor.loader.graph.nodes if node not in applied]
    except DatabaseError as error:
        raise click.ClickException(
            f"the database {describe_database()} cannot be read: {error}".strip()
        ) from None
    if not plan:
        return
    if not executor.loader.applied_migrations:
        raise click.ClickException(
            f"the database {describe_database()} is not initialised: run `vigie init` "
            "(or `vigie demo` for a database with the demo's data)"
        )
    raise click.ClickException(
        f"the database {describe_database()} is older than this version of Vigie "
        f"({len(plan)} change(s) to apply): run `vigie init`"
    )
