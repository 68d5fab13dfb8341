"""The audit key and the stored checkpoint live in the keys folder, outside the database, private."""

import stat

import pytest
from click.testing import CliRunner
from django.test import override_settings

from vigie import cli
from vigie.core import anchor, crypto
from vigie.core.audit import verify_log


@pytest.fixture
def keys_dir(tmp_path):
    directory = tmp_path / "keys"
    with override_settings(VIGIE_KEYS_DIR=directory):
        yield directory


def test_keys_init_creates_the_audit_key_beside_the_keyring(keys_dir):
    outcome = CliRunner().invoke(cli.main, ["keys", "init"])
    assert outcome.exit_code == 0, outcome.output
    path = keys_dir / anchor.AUDIT_KEY_FILE
    assert (
        stat.S_IMODE(path.stat().st_mode) == 0o600
        and stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    )
    key = anchor.load_audit_key(create=False)
    assert key.key_id in outcome.output
    with pytest.raises(anchor.AuditKeyError, match="never replaced"):
        anchor.create_audit_key()
    public = CliRunner().invoke(cli.main, ["audit", "public-key"])
    assert public.exit_code == 0 and public.output.startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in public.output


def test_production_creates_no_audit_key_in_an_empty_folder(keys_dir):
    with override_settings(VIGIE_KEYS_CREATE=False):
        with pytest.raises(anchor.AuditKeyError, match="vigie keys init"):
            anchor.load_audit_key()
        assert not (keys_dir / anchor.AUDIT_KEY_FILE).exists()
        # Beside an existing keyring (the real keys folder, after an upgrade), it is created.
        crypto.create_keyring()
        assert anchor.load_audit_key().path == keys_dir / anchor.AUDIT_KEY_FILE


def test_an_audit_key_readable_by_others_is_refused(keys_dir):
    path = anchor.load_audit_key().path
    path.chmod(0o644)
    with pytest.raises(anchor.AuditKeyError, match="chmod 600"):
        anchor.load_audit_key()


@pytest.mark.django_db
def test_an_unreadable_stored_checkpoint_is_reported_and_kept(keys_dir):
    anchor.load_audit_key()
    path = anchor.stored_checkpoint_path()
    path.write_text("{not json")
    report = verify_log()
    assert any(
        problem.startswith("the stored checkpoint: not a readable checkpoint")
        for problem in report.problems
    )
    assert anchor.advance_stored_checkpoint() is None and path.read_text() == "{not json"


def test_a_checkpoint_survives_its_file_format():
    key = anchor.AuditKey(None, b"m" * 32, anchor.Ed25519PrivateKey.generate(), "")
    checkpoint = anchor.sign_checkpoint(12, "ab" * 32, 12, key)
    again = anchor.Checkpoint.from_json(checkpoint.to_json())
    assert again == checkpoint and again.signed_by(key.public_key)
    with pytest.raises(anchor.CheckpointError):
        anchor.Checkpoint.from_json('{"format": "something else"}')
