"""`vigie` commands about accounts, keys and access (registered in vigie.commands)."""

import click

from vigie.bootstrap import setup_django
from vigie.commands import register_command


@register_command
@click.group()
def keys() -> None:
    """The encryption keys of identifying fields (kept in VIGIE_KEYS_DIR, outside the database)."""


@keys.command("init")
def keys_init() -> None:
    """Create the keyring (one data key, one index key) and the audit key. Needed once in production;
    never replaces either."""
    setup_django(database=False)
    from vigie.core.crypto import KeyringError, create_keyring

    try:
        keyring = create_keyring()
    except KeyringError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"keyring created: {keyring.path}")
    from vigie.core.anchor import create_audit_key

    audit_key = create_audit_key(exist_ok=True)
    click.echo(
        f"audit key: {audit_key.path} (public key {audit_key.key_id}, see `vigie audit public-key`)"
    )
    click.echo(
        "back up the keys folder now, apart from the database: without it the encrypted fields cannot be "
        "read"
    )


@keys.command("status")
def keys_status() -> None:
    """Show the keyring, its keys, and what each key protects; exit 1 on any problem.

    Problems: values under a key missing from the keyring, a key rotation that has not finished
    (old keys still in the keyring), blind-index digests that no key of the keyring made.
    """
    setup_django()
    from vigie.core.crypto import (
        NO_KEY,
        UNREADABLE,
        KeyringError,
        index_usage,
        key_usage,
        load_keyring,
        rotation_status,
    )

    try:
        keyring = load_keyring(create=False)
    except KeyringError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"keyring: {keyring.path}")
    for purpose, keyset in (("data", keyring.data), ("index", keyring.index)):
        for key_id in sorted(keyset.keys):
            role = (
                "current" if key_id == keyset.current else "old, kept until the rotation finishes"
            )
            click.echo(
                f"{purpose} key {key_id} (created {keyset.created.get(key_id) or '?'}): {role}"
            )
    usage = key_usage()
    problems = 0
    for where, counts in sorted(usage.items()):
        described = (
            ", ".join(f"{count} under {key_id}" for key_id, count in sorted(counts.items()))
            or "no values"
        )
        click.echo(f"{where}: {described}")
        problems += sum(
            count for key_id, count in counts.items() if key_id not in keyring.data.keys
        )
    indexes = index_usage(keyring)
    for where, counts in sorted(indexes.items()):
        described = (
            ", ".join(
                f"{count} digest(s) under index key {key_id}"
                for key_id, count in sorted(counts.items())
                if key_id not in (NO_KEY, UNREADABLE)
            )
            or "no digests"
        )
        click.echo(f"{where}: {described}")
    failed = False
    if problems:
        click.echo(
            f"{problems} value(s) are under a key that is not in the keyring: restore the keyring from its "
            "backup",
            err=True,
        )
        failed = True
    rotation = rotation_status(keyring, usage, indexes)
    if rotation.unfinished:
        old = ", ".join(rotation.old_data_keys + rotation.old_index_keys)
        click.echo(
            f"a key rotation has not finished: the old key(s) {old} are still in the keyring; "
            f"{rotation.values_under_old_keys} value(s) are still encrypted under them and "
            f"{rotation.digests_under_old_keys} name index digest(s) were made with them (search "
            "still finds those records).",
            err=True,
        )
        if rotation.running:
            click.echo(
                "A rotation is running now: run `vigie keys status` again when it has ended.",
                err=True,
            )
        else:
            click.echo(
                "Finish it with `vigie keys rotate` (it completes this rotation, without new keys), "
                "then back up the keyring.",
                err=True,
            )
        failed = True
    stale = sum(counts.get(NO_KEY, 0) for counts in indexes.values())
    if stale:
        click.echo(
            f"{stale} name index digest(s) were made with no key of the keyring: exact search cannot "
            "find those records; `vigie keys rotate --only index` recomputes every digest",
            err=True,
        )
        failed = True
    unreadable = sum(counts.get(UNREADABLE, 0) for counts in indexes.values())
    if unreadable and not problems:
        click.echo(
            f"{unreadable} indexed value(s) do not decrypt: they were altered in the database "
            "(`vigie keys rotate` names the first one and stops)",
            err=True,
        )
        failed = True
    if failed:
        raise SystemExit(1)
    click.echo("all values are under the current keys; no rotation is pending")


@keys.command("rotate")
@click.option(
    "--only",
    type=click.Choice(["data", "index"]),
    help="Rotate only the data key or only the blind-index key (default: both).",
)
def keys_rotate(only: str | None) -> None:
    """New keys; re-encrypt every encrypted field, recompute every blind index, then remove the old keys.

    Run it after a staff member with access to the server or to the keys leaves. Afterwards, back up
    the keyring again: older database backups need the keyring backed up with them. Safe to
    interrupt: `vigie keys status` then reports the unfinished rotation, and running this again
    finishes it (with the keys it made) instead of starting another.
    """
    setup_django()
    from vigie.core.crypto import DecryptionError, KeyringError, rotate_keys

    try:
        result = rotate_keys(data=only in (None, "data"), index=only in (None, "index"))
    except (KeyringError, DecryptionError) as error:
        raise click.ClickException(
            f"{error}. The rotation stopped; the old keys are kept, run it again once this is fixed."
        ) from error
    if result.resumed:
        click.echo(
            "finished the key rotation that was interrupted earlier (no new keys were made; "
            "run `vigie keys rotate` again for a new rotation)"
        )
    for where, count in sorted(result.values.items()):
        click.echo(f"{where}: {count} value(s) re-encrypted")
    for where, count in sorted(result.indexes.items()):
        click.echo(f"{where}: {count} blind index digest(s) recomputed")
    if result.new_data_key:
        click.echo(
            f"new data key {result.new_data_key}; removed: {', '.join(result.retired_data_keys) or 'none'}"
        )
    if result.new_index_key:
        click.echo(
            f"new index key {result.new_index_key}; removed: {', '.join(result.retired_index_keys) or 'none'}"
        )
    click.echo(
        f"{result.total_values} values re-encrypted, {result.total_indexes} index digests recomputed. "
        "Back up the keyring now."
    )
