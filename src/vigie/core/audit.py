"""The change log as a hash chain: rewriting, removing or reordering an entry is detected.

Each entry carries a sequence number, the hash of the entry before it, and its own hash: SHA-256
over the previous hash and a canonical JSON of the entry's content; and a MAC of that hash under
the audit key kept outside the database (vigie.core.anchor), so that a chain rewritten with
recomputed hashes is detected too. `vigie audit verify` walks the chain and names every entry that
does not match; ``verify_log`` adds the comparison with checkpoints, which catches entries cut
from the end and an emptied log. Entries are appended only through ``append_entries``, which holds
the chain's lock for the rest of the transaction and renews the stored checkpoint once it commits.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection

from . import anchor
from .models import ChangeLogEntry

GENESIS = "0" * 64
_LOCK_KEY = 7_412_031_884  # PostgreSQL advisory lock of the chain


def _canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_hash(entry: ChangeLogEntry, content_type_label: str, previous_hash: str) -> str:
    content = {
        "sequence": entry.sequence,
        "time": _canonical_time(entry.time),
        "user": entry.user_id,
        "user_name": entry.user_name,
        "request_id": str(entry.request_id),
        "origin": entry.origin,
        "action": entry.action,
        "content_type": content_type_label,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "prechange": entry.prechange,
        "postchange": entry.postchange,
    }
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256((previous_hash + text).encode()).hexdigest()


def _label(content_type_id: int) -> str:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _lock_chain() -> None:
    """Only one writer appends at a time (SQLite's write transaction is already exclusive)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def append_entries(entries: Sequence[ChangeLogEntry]) -> None:
    """Chain and save new entries. Call inside a transaction (the lock lasts until it ends)."""
    if not entries:
        return
    key = anchor.load_audit_key()
    _lock_chain()
    last = (
        ChangeLogEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    )
    sequence, previous = last if last else (0, GENESIS)
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.previous_hash = previous
        # The hash covers the content as the database gives it back (JSON through its round trip).
        entry.prechange = _json_round_trip(entry.prechange)
        entry.postchange = _json_round_trip(entry.postchange)
        entry.entry_hash = previous = entry_hash(entry, _label(entry.content_type_id), previous)
        entry.entry_mac = key.mac(entry.entry_hash)
    ChangeLogEntry.objects.bulk_create(entries)
    anchor.schedule_checkpoint()


def _json_round_trip(value):
    return None if value is None else json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    sequence: int
    reason: str

    def describe(self) -> str:
        if self.entry_id is None and self.sequence == 0:
            return f"change log: {self.reason}"
        where = f"entry {self.entry_id}" if self.entry_id is not None else "an entry"
        return f"change log {where} (sequence {self.sequence}): {self.reason}"


def verify_chain(batch: int = 5000) -> Iterator[ChainBreak]:
    """Yield where the chain is broken (nothing when it is intact), in sequence order.

    An entry whose MAC does not match was written, or rewritten, by someone without the audit key.
    """
    try:
        key = anchor.load_audit_key(create=False)
    except anchor.AuditKeyError as error:
        key = None
        if ChangeLogEntry.objects.exists():
            yield ChainBreak(None, 0, f"its MACs cannot be checked: {error}")
    expected_sequence, previous = 1, GENESIS
    last_id = None
    queryset = ChangeLogEntry.objects.order_by("sequence")
    start = 0
    while True:
        chunk = list(queryset.filter(sequence__gt=start)[:batch])
        if not chunk:
            return
        for entry in chunk:
            if entry.sequence != expected_sequence:
                yield ChainBreak(
                    entry.pk,
                    expected_sequence,
                    f"missing: the chain jumps from {expected_sequence - 1} to {entry.sequence} "
                    f"(after entry {last_id}); an entry was removed",
                )
                expected_sequence = entry.sequence
            if entry.previous_hash != previous:
                yield ChainBreak(
                    entry.pk,
                    entry.sequence,
                    "does not follow the entry before it (removed, inserted or reordered)",
                )
            recomputed = entry_hash(entry, _label(entry.content_type_id), entry.previous_hash)
            if recomputed != entry.entry_hash:
                yield ChainBreak(
                    entry.pk, entry.sequence, "its content was changed after it was written"
                )
            elif key is not None and not key.mac_matches(entry.entry_hash, entry.entry_mac):
                yield ChainBreak(
                    entry.pk,
                    entry.sequence,
                    "its MAC does not match: the entry was written or rewritten without the audit key "
                    "(hashes recomputed after a change)",
                )
            previous, last_id = entry.entry_hash, entry.pk
            expected_sequence += 1
            start = entry.sequence


@dataclass
class LogReport:
    breaks: list[ChainBreak]
    checkpoint_problems: list[str]
    notes: list[str]
    head: tuple[int, str] | None  # (sequence, hash) of the last entry

    @property
    def problems(self) -> list[str]:
        return [chain_break.describe() for chain_break in self.breaks] + self.checkpoint_problems

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.checkpoint_problems


def verify_log(checkpoints: Sequence = (), public_key=None) -> LogReport:
    """The chain and its MACs, then the log against the stored checkpoint and each given one.

    ``checkpoints`` are paths of exported checkpoint files; ``public_key`` (an Ed25519 public key
    kept apart from the server) checks their signatures, the server's own key otherwise.
    """
    # Read before the walk, which goes at least this far: the head reported is one that was checked.
    head = (
        ChangeLogEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    )
    breaks = list(verify_chain())
    problems, notes = [], []
    if public_key is None:
        try:
            public_key = anchor.load_audit_key(create=False).public_key
        except anchor.AuditKeyError:
            public_key = None  # already reported by verify_chain when there are entries
    try:
        stored = anchor.read_stored_checkpoint()
    except anchor.CheckpointError as error:
        stored = None
        problems.append(f"the stored checkpoint: {error}")
    if stored is not None:
        problems.extend(anchor.compare_with_checkpoint(stored, public_key, "stored checkpoint"))
        notes.append(f"stored {stored.describe()}")
    else:
        notes.append(f"no stored checkpoint yet ({anchor.stored_checkpoint_path()})")
    for path in checkpoints:
        try:
            checkpoint = anchor.read_checkpoint(path)
        except anchor.CheckpointError as error:
            problems.append(f"checkpoint {path}: {error}")
            continue
        problems.extend(
            anchor.compare_with_checkpoint(checkpoint, public_key, f"checkpoint {path}")
        )
        notes.append(f"{path}: {checkpoint.describe()}")
    return LogReport(breaks, problems, notes, head)


def export_checkpoint() -> anchor.Checkpoint:
    """A signed checkpoint of the log's head, after checking the whole chain (ValueError if broken).

    The stored checkpoint moves forward to it too.
    """
    report = verify_log()
    if not report.ok:
        raise ValueError(
            f"the change log is altered ({len(report.problems)} problem(s), the first: "
            f"{report.problems[0]}); no checkpoint is made of an altered log"
        )
    # The head that was verified, even if entries were appended since.
    sequence, head_hash = report.head if report.head else (0, GENESIS)
    count = ChangeLogEntry.objects.filter(sequence__lte=sequence).count()
    checkpoint = anchor.sign_checkpoint(sequence, head_hash, count)
    anchor.advance_stored_checkpoint()
    return checkpoint


def record_read(obj, user=None, purpose: str = "") -> None:
    """Log that ``user`` read ``obj`` (a victim, a piece of evidence, a case) in the chained log.

    The entry names the record, never its content: no personal data goes into the log.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from .choices import ChangeAction
    from .context import current_change_context

    context = current_change_context()
    user_id = getattr(user, "pk", None) if user is not None else context.user_id
    user_name = (
        user.get_username() if user is not None and user.is_authenticated else context.user_name
    )
    entry = ChangeLogEntry(
        user_id=user_id,
        user_name=user_name,
        request_id=context.request_id,
        origin=context.origin,
        action=ChangeAction.READ,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=f"{obj._meta.model_name} {obj.pk}",
        prechange=None,
        postchange={"purpose": purpose} if purpose else None,
    )
    with transaction.atomic():
        append_entries([entry])
