"""Checking the evidence: every stored file against its hash, every record against the change log.

Files: each stored object is read (never followed through a link, never blocking on a pipe) and
hashed; a missing file, a directory or anything else where the file should be, a file that cannot
be read, and a file whose hash differs are each reported, and verification goes on.

Records: the chain of custody and the identity of each piece of evidence (its hash, size, type,
case, organisation, origin) are compared with what the change log recorded when they were
written. The log is chained and anchored outside the database (vigie.core.audit,
vigie.core.anchor), so an event edited, deleted or inserted by someone with only the database is
reported: an edited event no longer matches the MAC of its content kept in its log entry; a
deleted one leaves its log entry behind; an inserted one has none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .choices import CustodyAction
from .models import CUSTODY_MAC, CustodyEvent, EvidenceItem, custody_content, custody_mac
from .store import MISSING, NOT_A_FILE, UNREADABLE, EvidenceStore, default_store


@dataclass(frozen=True)
class StoreProblem:
    sha256: str  # the hash recorded at intake (what the file should hash to)
    actual: str | None  # what it hashes to now; None when there is no readable file
    item_ids: tuple[int, ...]  # the items that describe this file
    path: str
    problem: str = ""  # MISSING, NOT_A_FILE, UNREADABLE, "changed" or "bad hash"
    detail: str = ""

    @property
    def missing(self) -> bool:
        return self.problem == MISSING

    def describe(self) -> str:
        items = ", ".join(str(i) for i in self.item_ids)
        if self.problem == "bad hash":
            return f"evidence {items}: its recorded hash {self.sha256[:80]!r} is not a SHA-256: the record was altered"
        if self.missing:
            return f"evidence {items}: file missing: {self.path} (expected sha256 {self.sha256})"
        if self.problem == NOT_A_FILE:
            return f"evidence {items}: not a file: {self.path}: {self.detail} (expected sha256 {self.sha256})"
        if self.problem == UNREADABLE:
            return f"evidence {items}: file unreadable: {self.path}: {self.detail} (expected sha256 {self.sha256})"
        return f"evidence {items}: file changed: {self.path} expected sha256 {self.sha256}, actual {self.actual}"


@dataclass
class StoreReport:
    checked: int = 0  # stored objects read and hashed
    items: int = 0  # evidence items they stand for
    problems: list[StoreProblem] = field(default_factory=list)
    unreferenced: list[str] = field(
        default_factory=list
    )  # objects in the store that no item describes

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_store(
    store: EvidenceStore | None = None, record_user=None, record: bool = False
) -> StoreReport:
    """Hash every stored file and compare it with the hash its items were received with.

    With ``record``, each item whose file matches gets a 'verified' event in its chain of custody.
    """
    store = store or default_store()
    report = StoreReport()
    by_hash: dict[str, list[int]] = {}
    for pk, sha256 in (
        EvidenceItem.objects.order_by("sha256", "pk").values_list("pk", "sha256").iterator()
    ):
        by_hash.setdefault(sha256, []).append(pk)
    for sha256, item_ids in by_hash.items():
        report.checked += 1
        report.items += len(item_ids)
        try:
            stored = store.inspect(sha256)
        except ValueError:  # not a SHA-256: only a write that bypassed the program makes one
            report.problems.append(StoreProblem(sha256, None, tuple(item_ids), "", "bad hash"))
            continue
        if stored.actual != sha256:
            problem = stored.problem or "changed"
            report.problems.append(
                StoreProblem(
                    sha256, stored.actual, tuple(item_ids), str(stored.path), problem, stored.detail
                )
            )
        elif record:
            from .services import record_custody

            for item in EvidenceItem.objects.filter(pk__in=item_ids):
                record_custody(item, CustodyAction.VERIFIED, record_user, sha256=stored.actual)
    report.unreferenced = [sha256 for sha256 in store.stored_hashes() if sha256 not in by_hash]
    return report


# --------------------------------------------------------------------------------------------
# Records against the change log


def _logged(model) -> dict[int, tuple[int, str, dict | None]]:
    """For each record of ``model`` the change log knows: (sequence, action, snapshot) of its last write."""
    from django.contrib.contenttypes.models import ContentType

    from vigie.core.choices import ChangeAction
    from vigie.core.models import ChangeLogEntry

    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    last: dict[int, tuple[int, str, dict | None]] = {}
    entries = (
        ChangeLogEntry.objects.filter(
            content_type=content_type,
            action__in=[ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.DELETE],
        )
        .order_by("sequence")
        .values_list("object_id", "sequence", "action", "postchange")
    )
    for object_id, sequence, action, postchange in entries.iterator(chunk_size=2000):
        if isinstance(postchange, str):  # some backends hand JSON back as text through values_list
            postchange = json.loads(postchange)
        last[object_id] = (sequence, action, postchange)
    return last


def _custody_notes() -> dict[int, tuple[str | None, str]]:
    """Each custody event's note decrypted one by one: (note, "") or (None, why it does not decrypt)."""
    from django.db import connection

    from vigie.core.crypto import DecryptionError, KeyringError, decrypt

    quote = connection.ops.quote_name
    table, column = CustodyEvent._meta.db_table, CustodyEvent._meta.get_field("note").column
    notes = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {quote(column)} FROM {quote(table)}")
        for pk, stored in cursor.fetchall():
            if stored in (None, ""):
                notes[pk] = ("", "")
                continue
            try:
                notes[pk] = (decrypt(stored, f"custody event {pk} note"), "")
            except (DecryptionError, KeyringError) as error:
                notes[pk] = (None, str(error))
    return notes


_CUSTODY_FIELDS = (
    "id",
    "organisation_id",
    "item_id",
    "time",
    "actor_id",
    "actor_name",
    "action",
    "sha256",
)


def verify_custody() -> list[str]:
    """Every custody event against its change log entry: one line per event edited, deleted or inserted."""
    from vigie.core.choices import ChangeAction
    from vigie.core.models import json_value

    logged = _logged(CustodyEvent)
    notes = _custody_notes()
    problems = []
    seen = set()
    for row in (
        CustodyEvent.objects.order_by("pk").values_list(*_CUSTODY_FIELDS).iterator(chunk_size=2000)
    ):
        values = dict(zip(_CUSTODY_FIELDS, row, strict=True))
        pk, item_id = values["id"], values["item_id"]
        seen.add(pk)
        where = f"custody event {pk} of evidence {item_id}"
        entry = logged.get(pk)
        if entry is None:
            problems.append(
                f"{where}: not in the change log: it was inserted directly into the database"
            )
            continue
        sequence, action, snapshot = entry
        if action == ChangeAction.DELETE or snapshot is None:
            problems.append(
                f"{where}: the change log (sequence {sequence}) records it as deleted, yet it is there"
            )
            continue
        note, why = notes.get(pk, ("", ""))
        if note is None:
            problems.append(
                f"{where}: its note does not decrypt ({why}): it was edited in the database"
            )
            continue
        differing = [
            name
            for name in _CUSTODY_FIELDS
            if name != "id" and name in snapshot and snapshot[name] != json_value(values[name])
        ]
        expected_mac = snapshot.get(CUSTODY_MAC)
        if expected_mac is not None:
            content = custody_content(
                pk,
                values["organisation_id"],
                item_id,
                values["time"],
                values["actor_id"],
                values["actor_name"],
                values["action"],
                values["sha256"],
                note,
            )
            if custody_mac(content) != expected_mac and not differing:
                differing = ["note"]
        if differing:
            problems.append(
                f"{where}: edited after it was written (change log sequence {sequence}): "
                f"{', '.join(differing)} differ"
            )
    for pk in sorted(set(logged) - seen):
        sequence, action, snapshot = logged[pk]
        if action != ChangeAction.DELETE:
            item = (snapshot or {}).get("item_id", "?")
            problems.append(
                f"custody event {pk} of evidence {item}: missing (written at change log sequence "
                f"{sequence}): it was deleted from the database"
            )
    return problems


_IDENTITY = ("sha256", "size", "media_type", "case_id", "organisation_id", "derived_from_id")


def verify_items() -> list[str]:
    """Each piece of evidence's hash, size, type, case, organisation and origin against the change log."""
    from vigie.core.choices import ChangeAction

    logged = _logged(EvidenceItem)
    problems = []
    seen = set()
    for row in (
        EvidenceItem.objects.order_by("pk").values_list("pk", *_IDENTITY).iterator(chunk_size=2000)
    ):
        pk, values = row[0], dict(zip(_IDENTITY, row[1:], strict=True))
        seen.add(pk)
        entry = logged.get(pk)
        if entry is None:
            problems.append(
                f"evidence {pk}: not in the change log: it was inserted directly into the database"
            )
            continue
        sequence, action, snapshot = entry
        if action == ChangeAction.DELETE or snapshot is None:
            problems.append(
                f"evidence {pk}: the change log (sequence {sequence}) records it as deleted, yet it is there"
            )
            continue
        differing = [
            name for name in _IDENTITY if name in snapshot and snapshot[name] != values[name]
        ]
        if differing:
            problems.append(
                f"evidence {pk}: {', '.join(differing)} changed in the database since change log "
                f"sequence {sequence}"
            )
    for pk in sorted(set(logged) - seen):
        sequence, action, _snapshot = logged[pk]
        if action != ChangeAction.DELETE:
            problems.append(
                f"evidence {pk}: missing (last written at change log sequence {sequence}): "
                "it was deleted from the database"
            )
    return problems


def verify_records() -> list[str]:
    """The evidence records (items and chain of custody) against the change log."""
    return verify_items() + verify_custody()
