"""The change log anchored outside the database: a keyed MAC on every entry, signed checkpoints.

Why
    The SHA-256 chain (vigie.core.audit) shows that an entry was changed, but anyone who can write
    to the database can also recompute every hash after the change, or cut entries off the end, or
    empty the table: the chain alone is then intact. Two things kept outside the database close
    those holes.

The audit key (``audit-key.json`` in VIGIE_KEYS_DIR, beside the encryption keyring, 0600)
    holds a MAC key and an Ed25519 signing key. Every entry carries ``entry_mac``, HMAC-SHA256 of
    its hash under the MAC key: without the key, a rewritten chain cannot be given valid MACs.

Checkpoints
    A checkpoint states the head of the log: its sequence, its hash, how many entries lead to it,
    when; it is signed with the Ed25519 key, so that it can be checked with the public key alone
    (`vigie audit public-key`), kept by the operator away from the server. `vigie audit checkpoint
    --output FILE` exports one; `vigie audit verify --checkpoint FILE` reports a log shorter than,
    or different from, the checkpoint. The latest checkpoint is also kept automatically in the keys
    folder (``audit-checkpoint.json``), renewed after each commit that added entries, so that a
    log cut at its end or emptied is reported without the operator passing a file.

    The stored checkpoint only moves forward, and only along the chain it already names: if the
    entry it records is gone or different, it is kept as it is (the evidence) and verify reports
    the difference until an operator looks.

Nothing here logs an entry's content; messages name sequences, hashes and files.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .crypto import KEYRING_FILE, keys_dir, may_create_keyring

logger = logging.getLogger(__name__)

AUDIT_KEY_FILE = "audit-key.json"
CHECKPOINT_FILE = "audit-checkpoint.json"
CHECKPOINT_FORMAT = "vigie-audit-checkpoint-1"
_MAC_CONTEXT = b"vigie change log entry\x00"
_RECORD_CONTEXT = b"vigie record content\x00"


class AuditKeyError(RuntimeError):
    """The audit key is missing, unreadable, too widely readable or malformed."""


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read as one."""


# --------------------------------------------------------------------------------------------
# The audit key


@dataclass(frozen=True)
class AuditKey:
    path: Path
    mac_key: bytes
    signing_key: Ed25519PrivateKey
    created: str

    def mac(self, entry_hash: str) -> str:
        return hmac.new(
            self.mac_key, _MAC_CONTEXT + entry_hash.encode(), hashlib.sha256
        ).hexdigest()

    def mac_matches(self, entry_hash: str, mac: str) -> bool:
        return hmac.compare_digest(self.mac(entry_hash), mac or "")

    def record_mac(self, label: str, content: dict) -> str:
        """A MAC of a record's content, kept in its change log entry (custody events: vigie.evidence).

        The content may hold decrypted values: only this MAC of it goes into the log, and without the
        key it cannot be tested against a guess.
        """
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        message = _RECORD_CONTEXT + label.encode() + b"\x00" + text.encode()
        return hmac.new(self.mac_key, message, hashlib.sha256).hexdigest()

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    @property
    def key_id(self) -> str:
        return public_key_id(self.public_key)


def public_key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def read_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise AuditKeyError(f"{path} is not a public key file: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyError(
            f"{path} is not an Ed25519 public key (the kind `vigie audit public-key` writes)"
        )
    return key


def audit_key_path() -> Path:
    return keys_dir() / AUDIT_KEY_FILE


def _may_create(path: Path) -> bool:
    """Created on first use in development and tests, or beside an existing keyring (so the folder
    is the real keys folder, not an unmounted one); `vigie keys init` creates it in production."""
    return may_create_keyring() or (path.parent / KEYRING_FILE).exists()


_cache: dict[Path, tuple[tuple, AuditKey]] = {}
_cache_lock = threading.Lock()


def load_audit_key(create: bool | None = None) -> AuditKey:
    path = audit_key_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        if not (_may_create(path) if create is None else create):
            raise AuditKeyError(
                f"no audit key at {path}. It is created by `vigie keys init` (or on first use beside the "
                "keyring); if the keys folder was restored, restore it from its backup too."
            ) from None
        create_audit_key(exist_ok=True)
        info = path.stat()
    signature = (info.st_ino, info.st_mtime_ns, info.st_size, info.st_mode)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    key = _read_audit_key(path)
    with _cache_lock:
        _cache[path] = (signature, key)
    return key


def _check_private(path: Path) -> None:
    if os.name == "nt":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        wanted = 0o700 if path.is_dir() else 0o600
        raise AuditKeyError(
            f"{path} can be read by other users (mode {mode:04o}); run: chmod {wanted:o} {path}"
        )


def _read_audit_key(path: Path) -> AuditKey:
    _check_private(path.parent)
    _check_private(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        mac_key = base64.b64decode(document["mac_key"], validate=True)
        seed = base64.b64decode(document["signing_key"], validate=True)
        if len(mac_key) != 32 or len(seed) != 32:
            raise ValueError("a key is not 32 bytes")
        signing_key = Ed25519PrivateKey.from_private_bytes(seed)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AuditKeyError(f"the audit key {path} cannot be read: {error}") from None
    return AuditKey(path, mac_key, signing_key, str(document.get("created", "")))


def create_audit_key(exist_ok: bool = False) -> AuditKey:
    """A new MAC key and signing key, written once (0600); an existing audit key is never replaced."""
    path = audit_key_path()
    signing_key = Ed25519PrivateKey.generate()
    seed = signing_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    document = {
        "format": 1,
        "created": _now(),
        "mac_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        "signing_key": base64.b64encode(seed).decode(),
    }
    try:
        _write_private(path, json.dumps(document, indent=2) + "\n", exclusive=True)
    except FileExistsError:
        if not exist_ok:
            raise AuditKeyError(
                f"an audit key already exists at {path}; it is never replaced"
            ) from None
        return load_audit_key(create=False)
    key = load_audit_key(create=False)
    logger.info("created the audit key %s (public key %s)", path, key.key_id)
    return key


def _write_private(path: Path, text: str, exclusive: bool = False, durable: bool = True) -> None:
    """Write atomically (temporary file, fsync unless not ``durable``, rename), 0600 in a 0700 folder."""
    directory = path.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name != "nt":
        os.chmod(directory, 0o700)
    temporary = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(temporary, path)  # fails if another process created it first
        else:
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# Checkpoints


@dataclass(frozen=True)
class Checkpoint:
    sequence: int  # the head's sequence (0 for an empty log)
    entry_hash: str  # the head's hash
    count: int  # entries in the log up to and including the head
    time: str  # when the checkpoint was made (UTC, ISO 8601)
    key_id: str  # which signing key made it (the public key's fingerprint)
    signature: str = ""  # Ed25519 over the fields above, base64

    def payload(self) -> bytes:
        fields = {
            "format": CHECKPOINT_FORMAT,
            "sequence": self.sequence,
            "entry_hash": self.entry_hash,
            "count": self.count,
            "time": self.time,
            "key_id": self.key_id,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        document = json.loads(self.payload())
        document["signature"] = self.signature
        return json.dumps(document, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        try:
            document = json.loads(text)
            if document.get("format") != CHECKPOINT_FORMAT:
                raise ValueError(f"not a {CHECKPOINT_FORMAT} file")
            checkpoint = cls(
                int(document["sequence"]),
                str(document["entry_hash"]),
                int(document["count"]),
                str(document["time"]),
                str(document["key_id"]),
                str(document["signature"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CheckpointError(f"not a readable checkpoint: {error}") from None
        if checkpoint.sequence < 0 or checkpoint.count < 0 or len(checkpoint.entry_hash) != 64:
            raise CheckpointError("not a readable checkpoint: impossible values")
        return checkpoint

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.payload())
        except (InvalidSignature, ValueError):
            return False
        return True

    def describe(self) -> str:
        return f"checkpoint of {self.time} (sequence {self.sequence}, {self.count} entries)"


def sign_checkpoint(
    sequence: int, entry_hash: str, count: int, key: AuditKey | None = None
) -> Checkpoint:
    key = key or load_audit_key()
    unsigned = Checkpoint(sequence, entry_hash, count, _now(), key.key_id)
    signature = base64.b64encode(key.signing_key.sign(unsigned.payload())).decode()
    return Checkpoint(sequence, entry_hash, count, unsigned.time, key.key_id, signature)


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path} cannot be read: {error}") from None
    return Checkpoint.from_json(text)


def stored_checkpoint_path() -> Path:
    return keys_dir() / CHECKPOINT_FILE


def read_stored_checkpoint() -> Checkpoint | None:
    """The checkpoint kept in the keys folder; None before the first one."""
    path = stored_checkpoint_path()
    if not path.exists():
        return None
    return read_checkpoint(path)


@contextlib.contextmanager
def _checkpoint_lock():
    """One writer of the stored checkpoint at a time on this machine."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock
        yield
        return
    directory = keys_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(directory / ".audit-checkpoint.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _head():
    from .models import ChangeLogEntry

    return (
        ChangeLogEntry.objects.order_by("-sequence")
        .values_list("sequence", "entry_hash", "entry_mac")
        .first()
    )


def _hash_at(sequence: int) -> str | None:
    from .models import ChangeLogEntry

    return (
        ChangeLogEntry.objects.filter(sequence=sequence)
        .values_list("entry_hash", flat=True)
        .first()
    )


def _count(up_to: int, after: int = 0) -> int:
    from .models import ChangeLogEntry

    return ChangeLogEntry.objects.filter(sequence__gt=after, sequence__lte=up_to).count()


def advance_stored_checkpoint() -> Checkpoint | None:
    """Move the stored checkpoint to the log's head, if the head continues the chain it records.

    Returns the new checkpoint, or None when it did not move (nothing new, or the log no longer
    holds what the stored checkpoint records: that one is then kept, and verify reports it).
    """
    key = load_audit_key()
    with _checkpoint_lock():
        try:
            stored = read_stored_checkpoint()
        except CheckpointError as error:
            logger.error(
                "the stored audit checkpoint is unreadable and is kept as it is: %s", error
            )
            return None
        head = _head()
        if head is None or (stored is not None and head[0] <= stored.sequence):
            return None
        sequence, entry_hash, mac = head
        if not key.mac_matches(entry_hash, mac):
            logger.error(
                "the change log's last entry (sequence %d) has no valid MAC: checkpoint not renewed",
                sequence,
            )
            return None
        if stored is not None and stored.sequence > 0:
            if _hash_at(stored.sequence) != stored.entry_hash:
                logger.error(
                    "the change log no longer holds the entry of the stored checkpoint (sequence %d): "
                    "checkpoint kept; run `vigie audit verify`",
                    stored.sequence,
                )
                return None
            count = stored.count + _count(sequence, after=stored.sequence)
        else:
            count = _count(sequence)
        checkpoint = sign_checkpoint(sequence, entry_hash, count, key)
        # Not fsynced: renewed after every commit, where an fsync cost 4.5 ms of the 8 ms it took. The
        # rename is atomic, so a crash leaves the previous checkpoint, which the log still continues.
        _write_private(stored_checkpoint_path(), checkpoint.to_json(), durable=False)
        return checkpoint


def _advance_after_commit() -> None:
    try:
        advance_stored_checkpoint()
    except (
        Exception
    ):  # the commit has happened; a checkpoint not renewed is reported by verify later
        logger.exception("the stored audit checkpoint could not be renewed")


def schedule_checkpoint(using: str = "default") -> None:
    """Renew the stored checkpoint once the current transaction commits (once per transaction)."""
    from django.db import connections, transaction

    pending = connections[using].run_on_commit
    if any(callback is _advance_after_commit for _savepoints, callback, *_rest in pending):
        return
    transaction.on_commit(_advance_after_commit, using=using)


# --------------------------------------------------------------------------------------------
# Comparing the log with a checkpoint


def compare_with_checkpoint(
    checkpoint: Checkpoint, public_key: Ed25519PublicKey | None, name: str
) -> list[str]:
    """What differs between the log and ``checkpoint`` (nothing when the log continues it)."""
    problems = []
    if public_key is not None and not checkpoint.signed_by(public_key):
        problems.append(
            f"{name}: its signature does not match the public key {public_key_id(public_key)} "
            f"(made with key {checkpoint.key_id}): the file was altered or comes from another key"
        )
    if checkpoint.sequence == 0:
        return problems
    head = _head()
    what = (
        f"{name} of {checkpoint.time} (sequence {checkpoint.sequence}, {checkpoint.count} entries)"
    )
    if head is None:
        problems.append(
            f"the change log is empty, but the {what} says it held entries: the log was emptied"
        )
        return problems
    if head[0] < checkpoint.sequence:
        problems.append(
            f"the change log ends at sequence {head[0]}, before the {what}: entries were removed "
            "from its end (or the database was restored from an older backup)"
        )
        return problems
    at = _hash_at(checkpoint.sequence)
    if at is None:
        problems.append(
            f"the entry at sequence {checkpoint.sequence} recorded by the {what} is missing"
        )
    elif at != checkpoint.entry_hash:
        problems.append(
            f"the entry at sequence {checkpoint.sequence} differs from the {what}: "
            "the log was rewritten up to it"
        )
    count = _count(checkpoint.sequence)
    if count != checkpoint.count:
        problems.append(
            f"the change log holds {count} entries up to sequence {checkpoint.sequence}, "
            f"the {what} recorded {checkpoint.count}"
        )
    return problems
