"""The change log is a hash chain anchored outside the database: `vigie audit verify` (and `vigie evidence
verify`) name an entry changed, removed (in the middle or at the end) or reordered, an emptied log, a chain
rewritten with recomputed hashes, and a log shorter than or diverging from a checkpoint.

Each attack is made as someone with the database alone would make it: raw SQL."""

import json
import shutil
import stat

import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from vigie import cli
from vigie.core import anchor
from vigie.core.audit import GENESIS, _label, entry_hash, verify_chain, verify_log
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.interop.loader import run_import
from vigie.places.models import Place

pytestmark = pytest.mark.django_db

VERIFY_COMMANDS = [["audit", "verify"], ["evidence", "verify"]]


@pytest.fixture
def audit_keys(settings, tmp_path):
    """The session's audit key and keyring in a keys folder of this test's own, without a stored
    checkpoint: what a test commits there does not follow the other tests."""
    source = anchor.load_audit_key().path.parent
    directory = tmp_path / "keys"
    directory.mkdir(mode=0o700)
    for name in (anchor.AUDIT_KEY_FILE, "keyring.json"):
        if (source / name).exists():
            shutil.copy2(source / name, directory / name)
    settings.VIGIE_KEYS_DIR = directory
    return directory


@pytest.fixture
def history(audit_keys, acled_file, django_capture_on_commit_callbacks):
    """A few entries, committed as far as the stored checkpoint is concerned (it follows the head)."""
    with django_capture_on_commit_callbacks(execute=True):
        place = Place.objects.create(code="MLI.test.x", kind="locality", name="Kouakourou")
        place.name = "Kouakourou (Djenné)"
        place.save()
        Organisation.objects.create(slug="amdh", name="AMDH")
        run_import("acled", acled_file(30))
        place.delete()
    entries = list(ChangeLogEntry.objects.order_by("sequence"))
    assert len(entries) >= 4
    stored = anchor.read_stored_checkpoint()
    assert stored is not None and stored.sequence == entries[-1].sequence
    return entries


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify(*args):
    return CliRunner().invoke(cli.main, list(args))


def test_an_intact_chain_verifies(history):
    assert list(verify_chain()) == []
    assert verify_log().ok
    outcome = verify("audit", "verify")
    assert outcome.exit_code == 0 and "intact" in outcome.output, outcome.output
    sequences = [entry.sequence for entry in history]
    assert sequences == sorted(sequences) and sequences[-1] - sequences[0] == len(sequences) - 1
    assert all(
        entry.previous_hash == before.entry_hash
        for before, entry in zip(history, history[1:], strict=False)
    )
    key = anchor.load_audit_key()
    assert all(key.mac_matches(entry.entry_hash, entry.entry_mac) for entry in history)


def test_the_stored_checkpoint_follows_each_commit(history):
    stored = anchor.read_stored_checkpoint()
    head = history[-1]
    assert (stored.sequence, stored.entry_hash, stored.count) == (
        head.sequence,
        head.entry_hash,
        ChangeLogEntry.objects.count(),
    )
    assert stored.signed_by(anchor.load_audit_key().public_key)
    path = anchor.stored_checkpoint_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A transaction that rolls back leaves it where it was.
    with pytest.raises(RuntimeError), transaction.atomic():
        Place.objects.create(code="MLI.test.gone", kind="locality", name="Gone")
        raise RuntimeError
    anchor.advance_stored_checkpoint()
    assert anchor.read_stored_checkpoint().sequence == head.sequence


@pytest.mark.parametrize("command", VERIFY_COMMANDS)
def test_an_edited_entry_is_named(history, command):
    target = history[len(history) // 2]
    sql(
        "UPDATE core_changelogentry SET object_repr = %s WHERE id = %s",
        ["nothing happened here", target.pk],
    )
    breaks = list(verify_chain())
    assert breaks[0].entry_id == target.pk and "changed" in breaks[0].reason
    outcome = verify(*command)
    assert outcome.exit_code == 1
    assert f"entry {target.pk} (sequence {target.sequence})" in outcome.output


def test_an_edited_snapshot_is_named(history):
    target = next(entry for entry in history if entry.action == "update")
    sql(
        "UPDATE core_changelogentry SET prechange = %s WHERE id = %s",
        ['{"name": "forged"}', target.pk],
    )
    assert [b.entry_id for b in verify_chain()][:1] == [target.pk]


@pytest.mark.parametrize("command", VERIFY_COMMANDS)
def test_an_entry_removed_in_the_middle_is_detected(history, command):
    target = history[1]
    sql("DELETE FROM core_changelogentry WHERE id = %s", [target.pk])
    breaks = list(verify_chain())
    assert breaks and breaks[0].sequence == target.sequence and "removed" in breaks[0].reason
    outcome = verify(*command)
    assert outcome.exit_code == 1 and f"sequence {target.sequence}" in outcome.output


@pytest.mark.parametrize("command", VERIFY_COMMANDS)
def test_entries_removed_at_the_end_are_detected(history, command):
    last = history[-1]
    sql("DELETE FROM core_changelogentry WHERE id = %s", [last.pk])
    assert list(verify_chain()) == []  # what is left is a perfect chain: only the checkpoint knows
    outcome = verify(*command)
    assert outcome.exit_code == 1
    assert (
        f"ends at sequence {last.sequence - 1}" in outcome.output
        and "removed from its end" in outcome.output
    )


@pytest.mark.parametrize("command", VERIFY_COMMANDS)
def test_an_emptied_log_is_detected(history, command):
    sql("DELETE FROM core_changelogentry")
    outcome = verify(*command)
    assert outcome.exit_code == 1 and "the log was emptied" in outcome.output, outcome.output


def rewrite_from(entries, index, **changes):
    """What an attacker with only the database can do: change an entry, recompute every hash after it."""
    previous = entries[index - 1].entry_hash if index else GENESIS
    for position, entry in enumerate(entries[index:]):
        fresh = ChangeLogEntry.objects.get(pk=entry.pk)
        if position == 0:
            for name, value in changes.items():
                setattr(fresh, name, value)
        fresh.previous_hash = previous
        fresh.entry_hash = previous = entry_hash(fresh, _label(fresh.content_type_id), previous)
        sql(
            "UPDATE core_changelogentry SET object_repr = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
            [fresh.object_repr, fresh.previous_hash, fresh.entry_hash, fresh.pk],
        )


@pytest.mark.parametrize("command", VERIFY_COMMANDS)
def test_a_chain_rewritten_with_recomputed_hashes_is_detected_by_the_mac(history, command):
    index = len(history) // 2
    rewrite_from(history, index, object_repr="nothing happened here")
    breaks = list(verify_chain())
    # Every hash is consistent again; only the MACs (key outside the database) show the rewrite.
    assert all("MAC" in b.reason for b in breaks)
    assert [b.entry_id for b in breaks] == [entry.pk for entry in history[index:]]
    outcome = verify(*command)
    assert outcome.exit_code == 1 and "its MAC does not match" in outcome.output
    assert f"entry {history[index].pk} (sequence {history[index].sequence})" in outcome.output


def test_macs_copied_from_other_entries_do_not_help(history):
    first, second = history[0], history[1]
    sql("UPDATE core_changelogentry SET entry_mac = %s WHERE id = %s", [first.entry_mac, second.pk])
    assert [b.entry_id for b in verify_chain()] == [second.pk]


def test_a_checkpoint_file_names_a_log_cut_after_it(history, tmp_path):
    path = tmp_path / "checkpoint.json"
    outcome = verify("audit", "checkpoint", "--output", str(path))
    assert outcome.exit_code == 0, outcome.output
    exported = anchor.read_checkpoint(path)
    assert exported.sequence == history[-1].sequence and exported.count == len(history) + (
        ChangeLogEntry.objects.filter(sequence__lt=history[0].sequence).count()
    )
    assert verify("audit", "verify", "--checkpoint", str(path)).exit_code == 0
    # The log is cut back and the stored checkpoint is lost too: the exported file still tells.
    for entry in history[-2:]:
        sql("DELETE FROM core_changelogentry WHERE id = %s", [entry.pk])
    anchor.stored_checkpoint_path().unlink()
    outcome = verify("audit", "verify", "--checkpoint", str(path))
    assert outcome.exit_code == 1
    assert f"checkpoint {path}" in outcome.output and "removed from its end" in outcome.output


def test_a_checkpoint_newer_than_the_log_is_reported(history, tmp_path):
    """A checkpoint beyond the log's head: the log (or a restored backup) lacks what it recorded."""
    path = tmp_path / "checkpoint.json"
    key = anchor.load_audit_key()
    head = history[-1]
    path.write_text(
        anchor.sign_checkpoint(head.sequence + 5, "ab" * 32, head.sequence + 5, key).to_json()
    )
    outcome = verify("audit", "verify", "--checkpoint", str(path))
    assert outcome.exit_code == 1
    assert f"ends at sequence {head.sequence}, before the checkpoint {path}" in outcome.output


def test_a_log_diverging_from_a_checkpoint_is_reported(history, tmp_path):
    path = tmp_path / "checkpoint.json"
    assert verify("audit", "checkpoint", "-o", str(path)).exit_code == 0
    target = history[-1]
    rewrite_from(history, len(history) - 1, object_repr="forged")
    outcome = verify("audit", "verify", "--checkpoint", str(path))
    assert outcome.exit_code == 1
    assert (
        f"the entry at sequence {target.sequence} differs from the checkpoint {path}"
        in outcome.output
    )


def test_an_altered_checkpoint_file_fails_its_signature(history, tmp_path):
    path = tmp_path / "checkpoint.json"
    assert verify("audit", "checkpoint", "-o", str(path)).exit_code == 0
    document = json.loads(path.read_text())
    document["sequence"] -= 1
    document["count"] -= 1
    sql("DELETE FROM core_changelogentry WHERE id = %s", [history[-1].pk])
    anchor.stored_checkpoint_path().unlink()
    document["entry_hash"] = history[-2].entry_hash
    path.write_text(json.dumps(document))
    outcome = verify("audit", "verify", "--checkpoint", str(path))
    assert outcome.exit_code == 1 and "its signature does not match" in outcome.output


def test_checkpoints_are_checked_with_the_public_key_kept_elsewhere(history, tmp_path):
    public = tmp_path / "vigie-audit.pub"
    assert verify("audit", "public-key", "--output", str(public)).exit_code == 0
    path = tmp_path / "checkpoint.json"
    assert verify("audit", "checkpoint", "-o", str(path)).exit_code == 0
    assert (
        verify("audit", "verify", "--checkpoint", str(path), "--public-key", str(public)).exit_code
        == 0
    )
    # A checkpoint signed by another key (a server whose keys were replaced) is refused.
    other = anchor.AuditKey(tmp_path, b"k" * 32, anchor.Ed25519PrivateKey.generate(), "")
    head = history[-1]
    path.write_text(
        anchor.sign_checkpoint(
            head.sequence, head.entry_hash, ChangeLogEntry.objects.count(), other
        ).to_json()
    )
    outcome = verify("audit", "verify", "--checkpoint", str(path), "--public-key", str(public))
    assert outcome.exit_code == 1 and f"made with key {other.key_id}" in outcome.output


def test_the_stored_checkpoint_does_not_follow_a_log_rebuilt_after_a_cut(
    history, django_capture_on_commit_callbacks
):
    """Cut at the end, then written past the old head: the checkpoint stays and the cut is still named."""
    stored = anchor.read_stored_checkpoint()
    for entry in history[-2:]:
        sql("DELETE FROM core_changelogentry WHERE id = %s", [entry.pk])
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            Place.objects.create(
                code=f"MLI.test.after{number}", kind="locality", name=f"After {number}"
            )
    assert ChangeLogEntry.objects.order_by("-sequence").first().sequence > stored.sequence
    assert anchor.read_stored_checkpoint() == stored
    outcome = verify("audit", "verify")
    assert (
        outcome.exit_code == 1
        and f"the entry at sequence {stored.sequence} differs" in outcome.output
    )


def test_checkpoint_export_is_refused_for_an_altered_log(history, tmp_path):
    sql("UPDATE core_changelogentry SET object_repr = 'x' WHERE id = %s", [history[2].pk])
    outcome = verify("audit", "checkpoint", "-o", str(tmp_path / "c.json"))
    assert outcome.exit_code == 1 and not (tmp_path / "c.json").exists()


def test_without_the_audit_key_verify_says_so(history):
    anchor.audit_key_path().unlink()
    outcome = verify("audit", "verify")
    assert outcome.exit_code == 1 and "MACs cannot be checked" in outcome.output


def test_entries_written_before_the_upgrade_are_sealed_by_the_migration(history):
    import importlib

    migration = importlib.import_module("vigie.core.migrations.0005_changelog_entry_mac")
    sql("UPDATE core_changelogentry SET entry_mac = ''")
    assert len(list(verify_chain())) == ChangeLogEntry.objects.count()

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    from django.apps import apps

    migration.seal_existing_entries(apps, editor)
    assert list(verify_chain()) == []


def test_reordered_entries_are_detected(history):
    first, second = history[0], history[1]
    sql("UPDATE core_changelogentry SET sequence = -1 WHERE id = %s", [first.pk])
    sql("UPDATE core_changelogentry SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    sql("UPDATE core_changelogentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk])
    assert list(verify_chain())
