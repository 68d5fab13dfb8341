"""The linker's public face: the records it reads and writes, and the interface of a backend.

A backend is where the linkage runs: `vigie.linkage.clustering.Linker` in this process (plain
Python), `vigie.linkage.spark.SparkLinker` on a Spark cluster. Both implement `LinkerBackend`, the
few methods the pipeline (`vigie link`, `vigie link-file`, the benchmark) calls, and both use the
same comparisons (`vigie.linkage.comparisons`) and model (`vigie.linkage.training`); only where the
candidate pairs are formed and clustered differs (Splink's `database_api` splits its linker the same
way).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .training import Model

__all__ = ["LinkReport", "PairScore", "LinkResult", "LinkerBackend"]


@dataclass
class LinkReport:
    """One report, as in the CSV of `vigie link-file`."""

    report_id: str
    source: str
    event_date: datetime.date
    published: datetime.date | None = None
    event_date_end: datetime.date | None = (
        None  # when the report gives a period (an operation over days)
    )
    date_precision: str = "day"  # day, range, week, month, year
    location: str = ""
    admin1: str = ""
    admin2: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = ""  # exact, near, admin3, admin2, admin1, country; '' = infer
    perpetrator: str = ""
    target: str = ""
    event_label: str = ""
    killed: int | None = None


@dataclass
class PairScore:
    """Why two reports were (or were not) joined: the weight of each field; score is their sum."""

    a: str
    b: str
    score: float
    weights: dict[str, float]


@dataclass
class LinkResult:
    incident_of: dict[str, str]  # report_id -> incident label ("I000001"), every report present
    pairs: list[PairScore]  # scored candidate pairs from the review threshold up, best first
    comparisons: int  # candidate pairs compared
    model: Model | None = None  # the weights used

    def incidents(self) -> dict[str, list[str]]:
        """Incident label -> its report ids (sorted)."""
        groups: dict[str, list[str]] = defaultdict(list)
        for report_id, label in self.incident_of.items():
            groups[label].append(report_id)
        return {label: sorted(ids) for label, ids in sorted(groups.items())}


# --------------------------------------------------------------------------------------------
# The interface of a backend


@runtime_checkable
class LinkerBackend(Protocol):
    """What the pipeline asks of a linkage backend: hold reports already linked, link new ones to
    them (and to each other) without relinking them, and say where every report held now is."""

    model: Model | None
    """The weights used (None until the first `add` learns or picks them)."""

    def seed(self, reports: Sequence[LinkReport], incident_of: Mapping[str, str]) -> None:
        """Hold reports already linked: ``incident_of[report_id]`` is the label of its incident.
        Incidents held are never split, and never merged with each other (an analyst does that)."""
        ...

    def add(
        self,
        reports: Sequence[LinkReport],
        *,
        learn: bool = True,
        together: Mapping[str, str] | None = None,
        fallback: Model | None = None,
    ) -> LinkResult:
        """Link new reports; returns their labels, their scored pairs and the model used.
        ``together``: report id -> group key, reports of one group start as one incident. Without a
        model, one is learned from the candidate pairs (``learn``), else ``fallback`` or the hand
        model."""
        ...

    def incident_of(self) -> dict[str, str]:
        """Every report held (seeded or added) -> the label of its incident."""
        ...
