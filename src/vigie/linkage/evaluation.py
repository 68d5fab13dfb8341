"""Scoring a record linkage against a known truth.

Both metrics are computed from the contingency table of (true cluster, predicted cluster)
counts, never by enumerating pairs of reports, so a million reports score in seconds.

Conventions, shared by every function here:

* The evaluated items are the keys of ``truth``. A report of ``truth`` missing from
  ``predicted`` counts as a singleton of its own; labels of ``predicted`` for reports not
  in ``truth`` are ignored.
* Labels are opaque: only which reports share a label matters, not the label itself.
* Pairwise precision is 1.0 when the prediction puts no two reports together (it made no
  false merge), pairwise recall is 1.0 when the truth has no two reports together; F1 is 0.0
  when precision and recall are both 0.0. An empty truth scores 1.0 everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vigie.core.text import normalize_name

__all__ = ["Scores", "pairwise_scores", "bcubed_scores", "exact_key_baseline", "contingency"]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> Scores:
        total = precision + recall
        return cls(precision, recall, 2 * precision * recall / total if total else 0.0)

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}

    def __str__(self) -> str:
        return f"P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f}"


_MISSING = object()


def contingency(
    truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]
) -> tuple[Counter, Counter, Counter]:
    """(cells, true_sizes, predicted_sizes) over the reports of ``truth``.

    ``cells[(t, p)]`` counts the reports with true label t and predicted label p. A report
    without a predicted label gets a private one, so it stands alone.
    """
    cells: Counter = Counter()
    get = predicted.get
    for item, t in truth.items():
        p = get(item, _MISSING)
        # Tag labels so that a predicted label can never collide with a private one.
        cells[(t, (1, item) if p is _MISSING else (0, p))] += 1
    true_sizes: Counter = Counter()
    predicted_sizes: Counter = Counter()
    for (t, p), n in cells.items():
        true_sizes[t] += n
        predicted_sizes[p] += n
    return cells, true_sizes, predicted_sizes


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> Scores:
    """Precision, recall and F1 over the pairs of reports placed in the same cluster."""
    cells, true_sizes, predicted_sizes = contingency(truth, predicted)
    together = sum(_pairs(n) for n in cells.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    return Scores.of(precision, recall)


def bcubed_scores(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> Scores:
    """B-cubed precision, recall and F1 (Bagga & Baldwin), averaged over reports.

    The precision of a report is the share of its predicted cluster that truly belongs with
    it (itself included); its recall is the share of its true cluster found in its predicted
    cluster. A cell of n reports contributes n * n / size to the sums.
    """
    cells, true_sizes, predicted_sizes = contingency(truth, predicted)
    total = len(truth)
    if not total:
        return Scores(1.0, 1.0, 1.0)
    precision_sum = 0.0
    recall_sum = 0.0
    for (t, p), n in cells.items():
        square = n * n
        precision_sum += square / predicted_sizes[p]
        recall_sum += square / true_sizes[t]
    return Scores.of(precision_sum / total, recall_sum / total)


def _field(report: Any, name: str) -> str:
    value = report.get(name) if isinstance(report, Mapping) else getattr(report, name, None)
    return "" if value is None else str(value)


def exact_key_baseline(reports: Iterable[Any]) -> dict[str, str]:
    """The naive linkage: same event date and same cercle (admin2, normalised) = same incident.

    ``reports`` are mappings (rows of a link file) or objects with ``report_id``,
    ``event_date`` and ``admin2``. Reports with an empty admin2 share a key per date.
    """
    return {
        _field(
            r, "report_id"
        ): f"{_field(r, 'event_date').strip()}|{normalize_name(_field(r, 'admin2'))}"
        for r in reports
    }
