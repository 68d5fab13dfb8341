"""The evidence store: files kept by their SHA-256, written once, never modified.

Layout under the store's root (VIGIE_EVIDENCE_DIR, by default VIGIE_HOME/evidence):

    sha256/<aa>/<bb>/<hash>   the original bytes, read-only (0400), named by their own hash
    incoming/                 files being received (same file system, so the final move is atomic)

A file is hashed while it is received, in the same pass that writes it to ``incoming/``: nothing
reads, decodes or converts it before its hash is known. The move to its content address is a
rename, so a stored object is either complete or absent.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from vigie.core.files import private_dir

from .errors import EmptyFile, EvidenceError, FileTooLarge

CHUNK_BYTES = 1024 * 1024
HASH_DIR = "sha256"
INCOMING_DIR = "incoming"


def _hex(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


MISSING, NOT_A_FILE, UNREADABLE = "missing", "not a file", "unreadable"


@dataclass(frozen=True)
class StoredObject:
    """What the store holds under a hash: ``actual`` is the SHA-256 of the bytes there, or None and
    ``problem`` says why (MISSING, NOT_A_FILE, UNREADABLE) with ``detail``."""

    path: Path
    actual: str | None
    problem: str
    detail: str = ""


def _kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


@dataclass
class ReceivedFile:
    """A file received into ``incoming/`` and hashed; not yet in the store."""

    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class EvidenceStore:
    def __init__(self, root: Path | str, max_bytes: int):
        self.root = Path(root)
        self.max_bytes = max_bytes

    # Receiving and storing

    def receive(self, stream: BinaryIO) -> ReceivedFile:
        """Read ``stream`` once to its end, hashing and writing each chunk as it arrives.

        Raises EmptyFile or FileTooLarge (nothing is left behind) when the stream is empty or longer
        than the limit; the limit is checked while reading, so an oversized file is never read whole.
        """
        incoming = self._directory(INCOMING_DIR)
        descriptor, name = tempfile.mkstemp(dir=incoming, prefix="receiving-")
        path = Path(name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(descriptor, "wb") as handle:
                while chunk := stream.read(CHUNK_BYTES):
                    if isinstance(chunk, str):
                        raise EvidenceError(_("the file must be read as bytes, not text"))
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FileTooLarge(
                            _(
                                "the file is larger than the limit of %(limit)s (VIGIE_EVIDENCE_MAX_BYTES)"
                            )
                            % {"limit": human_size(self.max_bytes)}
                        )
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if size == 0:
                raise EmptyFile(_("the file is empty (0 bytes)"))
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            raise
        os.chmod(path, 0o400)
        return ReceivedFile(path=path, sha256=digest.hexdigest(), size=size)

    def put(self, received: ReceivedFile) -> bool:
        """Move a received file to its content address. True when this created the stored object,
        False when the store already held the same bytes (the received copy is then discarded)."""
        destination = self.path_for(received.sha256)
        if destination.exists():
            received.discard()
            return False
        private_dir(destination.parent)
        # link() fails if another intake stored the same bytes meanwhile; the original is never replaced.
        try:
            os.link(received.path, destination)
        except FileExistsError:
            received.discard()
            return False
        except OSError:  # a file system without hard links: a rename is atomic too
            if destination.exists():
                received.discard()
                return False
            os.rename(received.path, destination)
            _fsync_directory(destination.parent)
            return True
        received.discard()
        _fsync_directory(destination.parent)
        return True

    def remove(self, sha256: str) -> None:
        """Remove a stored object. Only for an intake that failed after storing it."""
        with contextlib.suppress(FileNotFoundError):
            self.path_for(sha256).unlink()

    # Reading

    def path_for(self, sha256: str) -> Path:
        if not _hex(sha256):
            raise ValueError(f"not a SHA-256 in lower-case hexadecimal: {sha256!r}")
        return self.root / HASH_DIR / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path_for(sha256), "rb")

    def hash_of(self, sha256: str) -> str | None:
        """The SHA-256 of the bytes stored under ``sha256`` now (None when there is no readable file)."""
        return self.inspect(sha256).actual

    def inspect(self, sha256: str) -> StoredObject:
        """What is stored under ``sha256`` now: its hash, or why there is none. Never raises for
        what the disk holds (a directory, a link, a device, a file that cannot be read)."""
        path = self.path_for(sha256)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            descriptor = os.open(path, flags)
        except FileNotFoundError:
            return StoredObject(path, None, MISSING)
        except NotADirectoryError:
            return StoredObject(
                path, None, NOT_A_FILE, "a file stands where one of its folders should be"
            )
        except OSError as error:
            if error.errno == errno.ELOOP:
                return StoredObject(path, None, NOT_A_FILE, "it is a symbolic link")
            return StoredObject(path, None, UNREADABLE, error.strerror or str(error))
        try:
            mode = os.fstat(descriptor).st_mode
            if not stat.S_ISREG(mode):
                return StoredObject(path, None, NOT_A_FILE, f"it is {_kind_of(mode)}")
            digest = hashlib.sha256()
            with os.fdopen(descriptor, "rb") as handle:
                descriptor = None
                while chunk := handle.read(CHUNK_BYTES):
                    digest.update(chunk)
            return StoredObject(path, digest.hexdigest(), "")
        except OSError as error:
            return StoredObject(path, None, UNREADABLE, error.strerror or str(error))
        finally:
            if descriptor is not None:
                os.close(descriptor)

    def stored_hashes(self) -> Iterator[str]:
        """The names of every object in the store (the hashes they were stored under)."""
        base = self.root / HASH_DIR
        if not base.is_dir():
            return
        for path in sorted(base.glob("*/*/*")):
            if _hex(path.name) and path.is_file():
                yield path.name

    def _directory(self, name: str) -> Path:
        path = self.root / name
        return private_dir(path)


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return (
                f"{n} {unit}"
                if unit == "bytes"
                else f"{n:.0f} {unit}"
                if n == int(n)
                else f"{n:.1f} {unit}"
            )
        n /= 1000
    return f"{n} GB"


def _fsync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def default_store() -> EvidenceStore:
    """The store configured by VIGIE_EVIDENCE_DIR and VIGIE_EVIDENCE_MAX_BYTES."""
    from django.conf import settings

    root = getattr(settings, "VIGIE_EVIDENCE_DIR", None) or Path(settings.VIGIE_HOME) / "evidence"
    max_bytes = int(getattr(settings, "VIGIE_EVIDENCE_MAX_BYTES", 200 * 1000 * 1000))
    return EvidenceStore(root, max_bytes)
