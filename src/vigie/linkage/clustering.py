"""Clustering: how candidate pairs become incidents, on one machine (the local backend).

`Linker` implements `vigie.linkage.interface.LinkerBackend` in this process. Candidate pairs come from
blocking (the reports share a cercle and their date windows come within `BLOCK_DAYS` of each other),
so work grows about linearly with the number of reports; each is scored by the comparisons under the
model; pairs are joined best first from posterior odds of 1:1, never putting two reports of one
publication in one incident, and only while the average of all pairs across the two groups stays at
least `AVERAGE_LINK_LOG_ODDS` (average linkage).
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from . import comparisons
from .comparisons import LabelVocabulary, Resolved, publication, resolve
from .interface import LinkReport, LinkResult, PairScore
from .reference import Reference, default_reference
from .training import HAND, Model, estimate, score, weigh

__all__ = ["Linker", "BLOCK_DAYS", "PAIR_FLOOR", "AVERAGE_LINK_LOG_ODDS"]

BLOCK_DAYS = 3
"""Candidate pairs: date windows (widened by precision) at most this many days apart."""
PAIR_FLOOR = 0.0
"""Pairs scoring below this (and below review_threshold) are not kept in `LinkResult.pairs`."""
_LONGEST_WINDOW_DAYS = 366
"""No date window is longer than a year (year precision)."""

AVERAGE_LINK_LOG_ODDS = 0.0
"""Two groups of reports join only if, besides their best pair, the average posterior log-odds of all
pairs across them is at least this: one strong pair cannot chain two different incidents together
(a village report joined to a commune report joined to another village's report)."""


class Linker:
    """Reports in, incidents out, incrementally: `add` links new reports to those already held
    without relinking them. Incidents already formed are never split or merged by `add` (an analyst
    does that); new reports join an existing incident or form new ones.
    """

    def __init__(self, *, reference: Reference | None = None, model: Model | None = None) -> None:
        self.ref = reference or default_reference()
        self.model = model
        self.cercle_index = self.ref.cercles()
        self.vocabulary = LabelVocabulary()  # the event labels, learned from the reports held
        self._actors: dict[str, frozenset[tuple[str | None, str]]] = {}  # text -> actors read
        self.resolved: list[Resolved] = []
        self.by_id: dict[str, int] = {}
        self.blocks: dict[str, list[Resolved]] = defaultdict(list)
        self.root: list[int] = []
        self.members: dict[int, list[int]] = {}
        self.sources: dict[int, set[str]] = {}
        self.labels: dict[int, str] = {}
        self.fixed: set[int] = set()  # roots of incidents given from outside (existing incidents)
        self.issued = 0  # labels I000001... given to new incidents so far
        self._cache: dict[tuple[int, int], float] = {}

    # -- resolution and blocking

    def _resolve(self, reports: Sequence[LinkReport]) -> list[Resolved]:
        ordered = sorted(reports, key=lambda r: (r.event_date, str(r.report_id)))
        self.vocabulary.learn([r.event_label for r in ordered])
        fresh = []
        for report in ordered:
            if report.report_id in self.by_id:
                raise ValueError(f"duplicate report_id: {report.report_id!r}")
            index = len(self.resolved)
            r = resolve(
                report,
                self.ref,
                self.cercle_index,
                index=index,
                vocabulary=self.vocabulary,
                actor_cache=self._actors,
            )
            self.resolved.append(r)
            self.by_id[report.report_id] = index
            self.root.append(index)
            self.members[index] = [index]
            self.sources[index] = {publication(r)} if r.source else set()
            fresh.append(r)
        for r in fresh:
            for key in r.cercles:
                self.blocks[key].append(r)
        return fresh

    def _candidates(self, fresh: Sequence[Resolved]) -> list[tuple[int, int]]:
        """Pairs with at least one new report that share a cercle and whose date windows come within
        BLOCK_DAYS of each other."""
        slack = datetime.timedelta(days=BLOCK_DAYS)
        new = {r.index for r in fresh}
        pairs: set[tuple[int, int]] = set()
        for key in sorted({k for r in fresh for k in r.cercles}):
            members = sorted(self.blocks[key], key=lambda r: (r.start, r.index))
            starts = [m.start for m in members]
            for r in (m for m in members if m.index in new):
                # every member whose window comes within the slack of r's window
                lo = bisect.bisect_left(
                    starts, r.start - datetime.timedelta(days=_LONGEST_WINDOW_DAYS) - slack
                )
                for other in members[lo:]:
                    if other.start > r.end + slack:
                        break
                    if other.index == r.index or other.end + slack < r.start:
                        continue
                    if other.index in new and other.index < r.index:
                        continue  # counted from the other side
                    pairs.add((min(r.index, other.index), max(r.index, other.index)))
        return sorted(pairs)

    # -- scoring and clustering

    def _pair_log_odds(self, i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        value = self._cache.get(key)
        if value is None:
            value = score(
                self.resolved[key[0]], self.resolved[key[1]], self.ref, self.model or HAND
            ).score
            value += (self.model or HAND).prior
            self._cache[key] = value
        return value

    def _find(self, i: int) -> int:
        return self.root[i]

    def _merge_allowed(self, ri: int, rj: int) -> bool:
        if self.sources[ri] & self.sources[rj]:
            return False
        if ri in self.fixed and rj in self.fixed:
            return False  # two existing incidents: an analyst merges them, not the engine
        cross = [self._pair_log_odds(a, b) for a in self.members[ri] for b in self.members[rj]]
        return math.fsum(cross) / len(cross) >= AVERAGE_LINK_LOG_ODDS

    def _merge(self, ri: int, rj: int) -> None:
        keep, gone = (
            (ri, rj) if (ri in self.fixed or (rj not in self.fixed and ri < rj)) else (rj, ri)
        )
        for m in self.members[gone]:
            self.root[m] = keep
        self.members[keep].extend(self.members.pop(gone))
        self.sources[keep] |= self.sources.pop(gone)
        if gone in self.labels and keep not in self.labels:
            self.labels[keep] = self.labels[gone]
        self.labels.pop(gone, None)

    def seed(self, reports: Sequence[LinkReport], incident_of: Mapping[str, str]) -> None:
        """Hold reports already linked (e.g. from the database): incident_of[report_id] -> label."""
        fresh = self._resolve(reports)
        by_label: dict[str, int] = {}
        for r in fresh:
            label = incident_of[r.report.report_id]
            if label in by_label:
                first = by_label[label]
                self.root[r.index] = first
                self.members[first].append(r.index)
                self.members.pop(r.index)
                self.sources[first] |= self.sources.pop(r.index)
            else:
                by_label[label] = r.index
                self.labels[r.index] = label
                self.fixed.add(r.index)

    def add(
        self,
        reports: Sequence[LinkReport],
        *,
        learn: bool = True,
        together: Mapping[str, str] | None = None,
        fallback: Model | None = None,
    ) -> LinkResult:
        """Link new reports (to each other and to those held). Returns the labels of the new reports
        (incidents held keep theirs; new ones are labelled I000001... after those) and their scored
        pairs. ``together`` maps report ids to a group key: reports of one group start as one
        incident (a source file's own incident key). Without a model, one is learned from the
        candidate pairs; when they are too few to learn from, ``fallback`` (e.g. the model of an
        earlier run) is used, else the hand model."""
        fresh = self._resolve(reports)
        if together:
            first_of: dict[str, int] = {}
            for r in fresh:
                key = together.get(r.report.report_id)
                if key is None:
                    continue
                if key in first_of:
                    ri, rj = self.root[first_of[key]], self.root[r.index]
                    if ri != rj:
                        self._merge(ri, rj)
                else:
                    first_of[key] = r.index
        candidates = self._candidates(fresh)
        levels = [
            (i, j, comparisons.levels(self.resolved[i], self.resolved[j], self.ref))
            for i, j in candidates
        ]
        if self.model is None:
            self.model = estimate([lv for _, _, lv in levels]) if learn else HAND
            if self.model is HAND and fallback is not None:
                self.model = fallback
        model = self.model
        scored: list[tuple[PairScore, int, int]] = []
        for i, j, lv in levels:
            pair = weigh(self.resolved[i], self.resolved[j], lv, model)
            self._cache[(i, j)] = pair.score + model.prior
            if pair.score >= min(model.review_threshold, PAIR_FLOOR):
                scored.append((pair, i, j))
        scored.sort(key=lambda item: (-item[0].score, item[1], item[2]))
        for pair, i, j in scored:
            if pair.score < model.match_threshold:
                break
            ri, rj = self.root[i], self.root[j]
            if ri != rj and self._merge_allowed(ri, rj):
                self._merge(ri, rj)
        incident_of: dict[str, str] = {}
        for r in fresh:  # in order of event date, then report id
            root = self.root[r.index]
            if root not in self.labels:
                self.issued += 1
                self.labels[root] = f"I{self.issued:06d}"
            incident_of[r.report.report_id] = self.labels[root]
        return LinkResult(
            incident_of=incident_of,
            pairs=[p for p, _, _ in scored],
            comparisons=len(candidates),
            model=model,
        )

    def incident_of(self) -> dict[str, str]:
        return {r.report.report_id: self.labels[self.root[r.index]] for r in self.resolved}
