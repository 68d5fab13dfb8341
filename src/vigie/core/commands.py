"""`vigie` commands about accounts, keys and access (registered by vigie.cli)."""

import click


@click.group()
def keys() -> None:
    """The encryption keys of identifying fields (kept in VIGIE_KEYS_DIR, outside the database)."""


@keys.command("init")
def keys_init() -> None:
    """Create the keyring (one data key, one index key) and the audit key. Needed once in production;
    never replaces either."""
    from vigie.cli import setup_django

    setup_django()
    from vigie.core.crypto import KeyringError, create_keyring

    try:
        keyring = create_keyring()
    except KeyringError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"keyring created: {keyring.path}")
    from vigie.core.anchor import create_audit_key

    audit_key = create_audit_key(exist_ok=True)
    click.echo(f"audit key: {audit_key.path} (public key {audit_key.key_id}, see `vigie audit public-key`)")
    click.echo("back up the keys folder now, apart from the database: without it the encrypted fields cannot be "
               "read")


@keys.command("status")
def keys_status() -> None:
    """Show where the keyring is, its keys, and how many stored values each key protects."""
    from vigie.cli import setup_django

    setup_django()
    from vigie.core.crypto import KeyringError, key_usage, load_keyring

    try:
        keyring = load_keyring(create=False)
    except KeyringError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"keyring: {keyring.path}")
    for purpose, keyset in (("data", keyring.data), ("index", keyring.index)):
        for key_id in sorted(keyset.keys):
            role = "current" if key_id == keyset.current else "old, kept until a rotation finishes"
            click.echo(f"{purpose} key {key_id} (created {keyset.created.get(key_id) or '?'}): {role}")
    usage = key_usage()
    problems = 0
    for where, counts in sorted(usage.items()):
        described = ", ".join(f"{count} under {key_id}" for key_id, count in sorted(counts.items())) or "no values"
        click.echo(f"{where}: {described}")
        problems += sum(count for key_id, count in counts.items() if key_id not in keyring.data.keys)
    if problems:
        click.echo(f"{problems} value(s) are under a key that is not in the keyring: restore the keyring from its "
                   "backup", err=True)
        raise SystemExit(1)


@keys.command("rotate")
@click.option("--only", type=click.Choice(["data", "index"]),
              help="Rotate only the data key or only the blind-index key (default: both).")
def keys_rotate(only: str | None) -> None:
    """New keys; re-encrypt every encrypted field, recompute every blind index, then remove the old keys.

    Run it after a staff member with access to the server or to the keys leaves. Afterwards, back up
    the keyring again: older database backups need the keyring backed up with them.
    """
    from vigie.cli import setup_django

    setup_django()
    from vigie.core.crypto import DecryptionError, KeyringError, rotate_keys

    try:
        result = rotate_keys(data=only in (None, "data"), index=only in (None, "index"))
    except (KeyringError, DecryptionError) as error:
        raise click.ClickException(f"{error}. The rotation stopped; the old keys are kept, run it again once this is fixed.") from error
    for where, count in sorted(result.values.items()):
        click.echo(f"{where}: {count} value(s) re-encrypted")
    for where, count in sorted(result.indexes.items()):
        click.echo(f"{where}: {count} blind index digest(s) recomputed")
    if result.new_data_key:
        click.echo(f"new data key {result.new_data_key}; removed: {', '.join(result.retired_data_keys) or 'none'}")
    if result.new_index_key:
        click.echo(f"new index key {result.new_index_key}; removed: {', '.join(result.retired_index_keys) or 'none'}")
    click.echo(f"{result.total_values} values re-encrypted, {result.total_indexes} index digests recomputed. "
               "Back up the keyring now.")


commands: list = [keys]
