"""Checking every stored file against the hash it was received with."""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import CustodyAction
from .models import EvidenceItem
from .store import EvidenceStore, default_store


@dataclass(frozen=True)
class StoreProblem:
    sha256: str                 # the hash recorded at intake (what the file should hash to)
    actual: str | None          # what it hashes to now; None when the file is missing
    item_ids: tuple[int, ...]   # the items that describe this file
    path: str

    @property
    def missing(self) -> bool:
        return self.actual is None

    def describe(self) -> str:
        items = ", ".join(str(i) for i in self.item_ids)
        if self.missing:
            return f"evidence {items}: file missing: {self.path} (expected sha256 {self.sha256})"
        return f"evidence {items}: file changed: {self.path} expected sha256 {self.sha256}, actual {self.actual}"


@dataclass
class StoreReport:
    checked: int = 0                                     # stored objects read and hashed
    items: int = 0                                       # evidence items they stand for
    problems: list[StoreProblem] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)  # objects in the store that no item describes

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_store(store: EvidenceStore | None = None, record_user=None, record: bool = False) -> StoreReport:
    """Hash every stored file and compare it with the hash its items were received with.

    With ``record``, each item whose file matches gets a 'verified' event in its chain of custody.
    """
    store = store or default_store()
    report = StoreReport()
    by_hash: dict[str, list[int]] = {}
    for pk, sha256 in EvidenceItem.objects.order_by("sha256", "pk").values_list("pk", "sha256").iterator():
        by_hash.setdefault(sha256, []).append(pk)
    for sha256, item_ids in by_hash.items():
        actual = store.hash_of(sha256)
        report.checked += 1
        report.items += len(item_ids)
        if actual != sha256:
            report.problems.append(StoreProblem(sha256, actual, tuple(item_ids), str(store.path_for(sha256))))
        elif record:
            from .services import record_custody

            for item in EvidenceItem.objects.filter(pk__in=item_ids):
                record_custody(item, CustodyAction.VERIFIED, record_user, sha256=actual)
    report.unreferenced = [sha256 for sha256 in store.stored_hashes() if sha256 not in by_hash]
    return report
