"""Tampering with evidence as someone with the database or the disk would: `vigie evidence verify` and
`vigie audit verify` report each change, one line each, and never crash.

Custody events and evidence records are compared with the chained, anchored change log; stored files
with their hashes."""

import datetime
import hashlib
import io
import os

import pytest
from click.testing import CliRunner
from django.db import connection
from django.utils import timezone

from vigie.cases.demo import png_bytes
from vigie.cli import main
from vigie.core.crypto import encrypt
from vigie.evidence import store as store_module
from vigie.evidence.integrity import verify_custody, verify_items, verify_store
from vigie.evidence.models import CustodyEvent
from vigie.evidence.services import add_evidence, record_custody
from vigie.evidence.store import default_store

pytestmark = pytest.mark.django_db

PHOTO = png_bytes(8, 6, lambda x, y: (x * 30, y * 40, 90))
TEXT = b"Transcription de l'entretien\n"
BOTH = [["evidence", "verify"], ["audit", "verify"]]


@pytest.fixture
def items(case, investigator):
    photo = add_evidence(case, io.BytesIO(PHOTO), "a.png", {}, investigator).item
    text = add_evidence(
        case, io.BytesIO(TEXT), "t.txt", {"note": "reçu du témoin"}, investigator
    ).item
    transfer = record_custody(photo, "transferred", investigator, note="remis au greffe")
    return photo, text, transfer


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def run(command):
    return CliRunner().invoke(main, command)


def test_untouched_evidence_verifies_with_both_commands(items):
    assert verify_custody() == [] and verify_items() == []
    for command in BOTH:
        outcome = run(command)
        assert outcome.exit_code == 0, outcome.output


@pytest.mark.parametrize("command", BOTH)
def test_a_custody_event_edited_in_the_database_is_reported(items, command):
    _photo, _text, transfer = items
    sql(
        "UPDATE evidence_custodyevent SET actor_name = %s, action = %s WHERE id = %s",
        ["quelqu'un d'autre", "verified", transfer.pk],
    )
    outcome = run(command)
    assert outcome.exit_code == 1
    assert (
        f"custody event {transfer.pk} of evidence {transfer.item_id}: edited after it was written"
        in outcome.output
    )
    assert "actor_name, action differ" in outcome.output


@pytest.mark.parametrize("command", BOTH)
def test_a_custody_note_replaced_with_another_valid_ciphertext_is_reported(items, command):
    """The attacker may even hold the data key: the note's MAC is under the audit key, not the data key."""
    _photo, _text, transfer = items
    sql(
        "UPDATE evidence_custodyevent SET note = %s WHERE id = %s",
        [encrypt("jamais remis"), transfer.pk],
    )
    assert CustodyEvent.objects.get(pk=transfer.pk).note == "jamais remis"
    outcome = run(command)
    assert outcome.exit_code == 1
    assert f"custody event {transfer.pk} of evidence {transfer.item_id}: edited" in outcome.output
    assert "note differ" in outcome.output
    assert "jamais remis" not in outcome.output and "remis au greffe" not in outcome.output


def test_a_custody_note_that_no_longer_decrypts_is_reported(items):
    _photo, _text, transfer = items
    sql(
        "UPDATE evidence_custodyevent SET note = %s WHERE id = %s",
        ["vgc1:deadbeef:AAAA", transfer.pk],
    )
    [problem] = verify_custody()
    assert f"custody event {transfer.pk}" in problem and "does not decrypt" in problem


@pytest.mark.parametrize("command", BOTH)
def test_a_custody_event_deleted_from_the_database_is_reported(items, command):
    _photo, _text, transfer = items
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [transfer.pk])
    outcome = run(command)
    assert outcome.exit_code == 1
    assert (
        f"custody event {transfer.pk} of evidence {transfer.item_id}: missing" in outcome.output
        and "deleted from the database" in outcome.output
    )


@pytest.mark.parametrize("command", BOTH)
def test_a_custody_event_inserted_into_the_database_is_reported(items, command):
    photo, _text, _transfer = items
    sql(
        "INSERT INTO evidence_custodyevent (organisation_id, item_id, time, actor_id, actor_name, action, sha256, note) "
        "VALUES (%s, %s, %s, NULL, %s, %s, %s, %s)",
        [
            photo.organisation_id,
            photo.pk,
            timezone.now() - datetime.timedelta(days=3),
            "greffe",
            "transferred",
            photo.sha256,
            "",
        ],
    )
    inserted = CustodyEvent.objects.order_by("-pk").first()
    outcome = run(command)
    assert outcome.exit_code == 1
    assert (
        f"custody event {inserted.pk} of evidence {photo.pk}: not in the change log"
        in outcome.output
    )


@pytest.mark.parametrize("command", BOTH)
def test_an_evidence_hash_changed_in_the_database_is_reported(items, command):
    photo, _text, _transfer = items
    forged = hashlib.sha256(b"other bytes").hexdigest()
    sql("UPDATE evidence_evidenceitem SET sha256 = %s WHERE id = %s", [forged, photo.pk])
    outcome = run(command)
    assert outcome.exit_code == 1
    assert f"evidence {photo.pk}: sha256 changed in the database" in outcome.output


def test_a_recorded_hash_that_is_not_a_hash_is_reported_not_a_crash(items):
    photo, _text, _transfer = items
    sql(
        "UPDATE evidence_evidenceitem SET sha256 = %s WHERE id = %s", ["../../etc/passwd", photo.pk]
    )
    outcome = run(["evidence", "verify"])
    assert outcome.exit_code == 1 and isinstance(outcome.exception, SystemExit)
    assert (
        f"evidence {photo.pk}: its recorded hash '../../etc/passwd' is not a SHA-256"
        in outcome.output
    )


def replace(path, make):
    os.chmod(path, 0o600)
    path.unlink()
    make(path)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda path: path.mkdir(), "not a file: {path}: it is a directory"),
        (lambda path: os.mkfifo(path), "not a file: {path}: it is a named pipe"),
        (
            lambda path: path.symlink_to(path.parent / "elsewhere"),
            "not a file: {path}: it is a symbolic link",
        ),
        (lambda path: None, "file missing: {path}"),
    ],
)
def test_a_stored_file_replaced_by_something_else_is_reported(items, make, expected):
    photo, text, _transfer = items
    path = default_store().path_for(photo.sha256)
    (path.parent / "elsewhere").write_bytes(PHOTO)
    replace(path, make)
    report = verify_store()
    [problem] = report.problems
    assert problem.item_ids == (photo.pk,) and problem.actual is None
    outcome = run(["evidence", "verify"])
    assert outcome.exit_code == 1 and isinstance(outcome.exception, SystemExit), outcome.output
    assert f"evidence {photo.pk}: {expected.format(path=path)}" in outcome.output
    assert f"evidence {text.pk}:" not in outcome.output


def test_a_file_where_a_folder_of_the_store_should_be_is_reported(items):
    photo, _text, _transfer = items
    folder = default_store().path_for(photo.sha256).parent
    for child in folder.iterdir():
        os.chmod(child, 0o600)
        child.unlink()
    folder.rmdir()
    folder.write_bytes(b"")
    outcome = run(["evidence", "verify"])
    assert outcome.exit_code == 1
    assert (
        f"evidence {photo.pk}: not a file:" in outcome.output
        and "where one of its folders" in outcome.output
    )


def test_an_unreadable_file_is_reported(items, monkeypatch):
    """Tests run as root, which reads a 0000 file: the refusal is the operating system's answer, simulated."""
    photo, text, _transfer = items
    path = default_store().path_for(photo.sha256)
    real_open = os.open

    def refusing_open(name, flags, *args, **kwargs):
        if os.fspath(name) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(store_module.os, "open", refusing_open)
    outcome = run(["evidence", "verify"])
    assert outcome.exit_code == 1
    assert f"evidence {photo.pk}: file unreadable: {path}: Permission denied" in outcome.output
    assert f"evidence {text.pk}:" not in outcome.output


def test_every_problem_gets_its_own_line(items):
    photo, text, transfer = items
    replace(default_store().path_for(photo.sha256), lambda path: path.mkdir())
    replace(default_store().path_for(text.sha256), lambda path: path.write_bytes(b"changed"))
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [transfer.pk])
    outcome = run(["evidence", "verify"])
    assert outcome.exit_code == 1
    lines = outcome.output.splitlines()
    assert sum(f"evidence {photo.pk}: not a file" in line for line in lines) == 1
    assert sum(f"evidence {text.pk}: file changed" in line for line in lines) == 1
    assert sum(f"custody event {transfer.pk} " in line for line in lines) == 1


def test_custody_events_logged_before_the_content_mac_are_checked_on_their_plain_fields(
    items, investigator, monkeypatch
):
    """Events written before the upgrade have no content MAC in their log entry: their fields in clear
    (who, what, when, which item, which hash) are still compared with the log."""
    photo, _text, _transfer = items
    from vigie.core.crypto import EncryptedSnapshotMixin

    monkeypatch.setattr(
        CustodyEvent, "snapshot", lambda self: EncryptedSnapshotMixin.snapshot(self)
    )
    old = record_custody(photo, "copied", investigator, note="copie pour l'avocat")
    monkeypatch.undo()
    assert verify_custody() == []
    sql("UPDATE evidence_custodyevent SET action = %s WHERE id = %s", ["verified", old.pk])
    [problem] = verify_custody()
    assert (
        f"custody event {old.pk} of evidence {photo.pk}: edited" in problem
        and "action differ" in problem
    )
