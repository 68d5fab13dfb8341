"""Folders and files Vigie creates are private (0700 / 0600), whatever the umask (vigie.core.files);
the stores of evidence and attachments create theirs that way, parents included."""

import io
import os
import stat
from pathlib import Path

import pytest
from django.test import override_settings

from vigie.core.files import private_dir, private_file
from vigie.evidence.store import EvidenceStore
from vigie.intake.attachments import attachment_store

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o002])
def umask(request):
    """Typical umasks, and the most permissive: none may widen what Vigie creates."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_missing_folders_are_created_private_and_existing_ones_are_left(tmp_path, umask):
    existing = tmp_path / "shared"
    existing.mkdir()
    os.chmod(existing, 0o755)
    made = private_dir(existing / "a" / "b" / "home")
    assert made.is_dir()
    assert [mode(p) for p in (existing / "a", existing / "a" / "b", made)] == [0o700] * 3
    assert mode(existing) == 0o755  # not Vigie's to change
    assert private_dir(made) == made  # again: nothing to do
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError):
        private_dir(tmp_path / "file")


def test_a_private_file_is_created_once_empty_and_0600(tmp_path, umask):
    path = private_file(tmp_path / "new" / "vigie.sqlite3")
    assert path.read_bytes() == b"" and mode(path) == 0o600 and mode(path.parent) == 0o700
    path.write_bytes(b"data")
    private_file(path)
    assert path.read_bytes() == b"data"  # never truncated


def test_an_sqlite_database_and_its_side_files_are_private(tmp_path, umask, monkeypatch):
    import sqlite3

    from vigie.settings.base import database_from_environment

    database = tmp_path / "deep" / "vigie.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    config = database_from_environment(tmp_path / "unused.sqlite3")
    assert config["NAME"] == str(database) and mode(database) == 0o600
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
        for suffix in ("-wal", "-shm"):
            assert mode(database.with_name(database.name + suffix)) == 0o600
    finally:
        connection.close()


@pytest.mark.parametrize("store", ["evidence", "attachments"])
def test_the_stores_create_private_folders(tmp_path, umask, store):
    root = tmp_path / "disk" / "vigie" / store
    if store == "evidence":
        files = EvidenceStore(root, 1000)
    else:
        with override_settings(VIGIE_ATTACHMENTS_DIR=root):
            files = attachment_store()
    received = files.receive(io.BytesIO(b"a photograph"))
    files.put(received)
    folders = [tmp_path / "disk", *(p for p in (tmp_path / "disk").rglob("*") if p.is_dir())]
    assert len(folders) >= 5 and {mode(p) for p in folders} == {0o700}, [
        (p, oct(mode(p))) for p in folders
    ]
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert stored and all(mode(p) & 0o077 == 0 for p in stored)
