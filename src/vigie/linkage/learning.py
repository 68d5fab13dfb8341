"""Analysts teach the linkage engine: training from their answers, and choosing what to ask them.

Every merge, split and rejection in the review queue says of two reports "one incident" or "two
incidents": a labelled pair. ``train`` turns labelled pairs into a `Model` of the engine (the same
table of weights per field and comparison level, so `link` and `Linker` use it unchanged): the
engine's own EM over the candidate pairs (Fellegi–Sunter, as `vigie.linkage.training.estimate`),
with the answered pairs held at their answer and counted ANSWER_WEIGHT times. Each answer pulls
the m and u of the levels it shows toward what analysts said; the prior (the share of matches among
the candidate pairs) is estimated from the candidate pairs alone, since the answered pairs are
chosen, not drawn, and their share of matches is not the pool's.

``choose_questions`` picks the pairs that would teach the engine most: three quarters of them where
the model is least sure (log-odds nearest 0, the match threshold), spread over kinds of event and
places so that one confusing cercle does not take every question; the rest drawn at random from the
candidate pairs, because answers chosen only at the threshold tell a biased story about the levels
far from it (in scratch runs of bench/linkage_learning.py, uncertainty alone gained less than the
mix).

Plain Python and numpy; no Django (vigie.ENGINE_MODULES).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from . import comparisons
from .clustering import BLOCK_DAYS
from .evaluation import Scores
from .interface import LinkReport
from .reference import Reference, default_reference
from .training import (
    FIXED_LEVELS,
    HAND,
    LEARNED_FIELDS,
    MATCH_THRESHOLD,
    MIN_PAIRS_TO_LEARN,
    SAME_SOURCE_WEIGHT,
    SHRINKAGE_PAIRS,
    WEIGHT_BOUNDS,
    Model,
    level_codes,
)

__all__ = [
    "Answer",
    "Candidate",
    "comparison_vector",
    "candidates",
    "log_odds",
    "train",
    "choose_questions",
    "answer_scores",
    "cross_validated_scores",
]

ANSWER_WEIGHT = 50.0
"""An answered pair counts as this many candidate pairs in the EM. Chosen with the scripted analyst of
bench/linkage_learning.py on seeds 1-13: 20 moved the EM too little on some seeds, 100 let one round
of answers swing it (bench/RESULTS.md)."""
EXPLORE = 0.25
"""Share of each round's questions drawn at random among the candidate pairs (the rest: uncertainty).
0.5 until the prior was taken from the candidate pairs alone; then 0.25 did best on seeds 1-13 of
bench/linkage_learning.py, but from 0 to 0.5 the mean gain moved between +0.026 and +0.032 with no
trend (noise of which pairs are asked); 0.75 and 1.0 did clearly worse (bench/RESULTS.md)."""
PER_STRATUM = 2
"""Uncertain questions per round about one kind of event in one place, at most."""


@dataclass(frozen=True)
class Answer:
    """An analyst's answer about two reports: their comparison vector, and whether they are one incident."""

    levels: Mapping[str, float | None]
    match: bool


@dataclass
class Candidate:
    """A pair of reports the engine compares, with what it needs to choose questions."""

    a: str
    b: str
    levels: dict[str, float | None]
    kind: str = ""  # the two event types, e.g. "attack|massacre"
    place: str = ""  # where, for diversity (the cercle, else the region)
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)


def comparison_vector(
    a: LinkReport, b: LinkReport, *, reference: Reference | None = None
) -> dict[str, float | None]:
    """The comparison level of each field for two reports, as the engine computes it
    (vigie.linkage.comparisons.levels)."""
    ref = reference or default_reference()
    cercles = ref.cercles()
    return comparisons.levels(
        comparisons.resolve(a, ref, cercles), comparisons.resolve(b, ref, cercles, index=1), ref
    )


def candidates(
    reports: Sequence[LinkReport], *, reference: Reference | None = None
) -> list[Candidate]:
    """Every pair of ``reports`` that the engine's blocking compares (a shared cercle, date windows
    within BLOCK_DAYS), with its comparison vector, its kinds of event and its place."""
    ref = reference or default_reference()
    cercles = ref.cercles()
    resolved = [comparisons.resolve(r, ref, cercles, index=k) for k, r in enumerate(reports)]
    blocks: dict[str, list[comparisons.Resolved]] = {}
    for r in resolved:
        for key in r.cercles:
            blocks.setdefault(key, []).append(r)
    slack = datetime.timedelta(days=BLOCK_DAYS)
    seen: set[tuple[int, int]] = set()
    out = []
    for key in sorted(blocks):
        members = sorted(blocks[key], key=lambda r: (r.start, r.index))
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                if y.start > x.end + slack:
                    break  # sorted by start: every later window opens later still
                pair = (min(x.index, y.index), max(x.index, y.index))
                if pair in seen:
                    continue
                seen.add(pair)
                first, second = resolved[pair[0]], resolved[pair[1]]
                out.append(
                    Candidate(
                        first.report.report_id,
                        second.report.report_id,
                        comparisons.levels(first, second, ref),
                        kind="|".join(sorted({first.type or "?", second.type or "?"})),
                        place=first.cercle or key,
                    )
                )
    out.sort(key=lambda c: c.key)
    return out


def log_odds(model: Model, levels: Mapping[str, float | None]) -> float:
    """The model's posterior log-odds (bits) that a pair with these levels is one incident."""
    return math.fsum(model.weight(name, level) for name, level in levels.items()) + model.prior


def train(
    answers: Sequence[Answer],
    pairs: Sequence[Mapping[str, float | None]] = (),
    *,
    answer_weight: float = ANSWER_WEIGHT,
    iterations: int = 10,
) -> Model:
    """Fellegi–Sunter weights learned by EM from the candidate pairs (``pairs``: their comparison
    vectors, unlabelled) and the analysts' answers (labelled).

    The EM of `vigie.linkage.training.estimate`, with the answers as anchors: an answered pair's
    probability of being one incident is its answer (1 or 0) at every iteration, never re-estimated,
    and it counts as ``answer_weight`` pairs in the shares of matching (m) and non-matching (u)
    pairs at each level. With no answer this is the engine's own EM; with few, the unlabelled pairs
    keep the estimate steady and the answers pull it where the EM went wrong. The prior is the
    share of matches among the candidate pairs alone (answers only through the m and u they move):
    answered pairs are chosen mostly near the threshold, and their share of matches is not the
    pool's (let into the prior, they moved it by the mix of questions, not by the data). Pairs of one
    publication are left out, as in `estimate`; each weight is shrunk toward its hand-set value in
    proportion to how rare its level is (SHRINKAGE_PAIRS; an answer counts ``answer_weight`` pairs
    there too), and the prior toward -MATCH_THRESHOLD.
    With neither pairs nor answers: the hand model.
    """
    import numpy as np

    def counted(levels: Mapping[str, float | None]) -> bool:
        return levels.get("same_source", 0.0) != SAME_SOURCE_WEIGHT

    rows = [dict(r) for r in pairs if counted(r)]
    labelled = [a for a in answers if counted(a.levels)]
    if not labelled and len(rows) < MIN_PAIRS_TO_LEARN:
        return HAND
    unlabelled = len(rows)
    rows += [dict(a.levels) for a in labelled]
    known = np.array([1.0 if a.match else 0.0 for a in labelled])
    weight = np.ones(len(rows))
    weight[unlabelled:] = answer_weight
    codes, values = level_codes(rows)  # the null level last, as in `estimate`
    hand_score = np.zeros(len(rows))
    for code, level in zip(codes, values, strict=True):
        hand_score += level[code]
    posterior = 1.0 / (1.0 + np.exp2(-np.clip(hand_score - MATCH_THRESHOLD, -60, 60)))
    posterior[unlabelled:] = known
    tables: list = []
    prior = -MATCH_THRESHOLD
    for _ in range(iterations):
        matched_weight = posterior * weight
        unmatched_weight = (1.0 - posterior) * weight
        matched = matched_weight.sum()
        log_odds_ = np.zeros(len(rows))
        tables = []
        for name, code, level in zip(LEARNED_FIELDS, codes, values, strict=True):
            size = len(level) - 1  # the known levels; the null level stays at 0
            m = np.bincount(code, weights=matched_weight, minlength=size + 1)[:size] + 0.1
            u = np.bincount(code, weights=unmatched_weight, minlength=size + 1)[:size] + 0.1
            table = np.append(np.log2((m / m.sum()) / (u / u.sum())), 0.0)
            for k in range(size):
                if level[k] in FIXED_LEVELS.get(name, ()):
                    table[k] = level[k]
            tables.append(table)
            log_odds_ += table[code]
        # the base rate from the candidate pairs alone: answers are chosen, not drawn, and would
        # tell the share of matches among the questions, not among the pairs
        share = min(
            max(
                float(posterior[:unlabelled].mean()) if unlabelled else matched / weight.sum(), 1e-6
            ),
            1 - 1e-6,
        )
        prior = float(np.log2(share / (1 - share)))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(log_odds_ + prior, -60, 60)))
        posterior[unlabelled:] = known
    weights: dict[str, dict[float, float]] = {}
    for name, code, level, table in zip(LEARNED_FIELDS, codes, values, tables, strict=True):
        # an answer counts as ``answer_weight`` pairs against the shrinkage too, as in the shares
        counts = np.bincount(code, weights=weight, minlength=len(level))
        weights[name] = {}
        for k, hand in enumerate(level[:-1]):
            if hand in FIXED_LEVELS.get(name, ()):
                weights[name][float(hand)] = float(hand)
                continue
            learned = float(np.clip(table[k], *WEIGHT_BOUNDS))
            n = float(counts[k])
            weights[name][float(hand)] = round(
                (n * learned + SHRINKAGE_PAIRS * hand) / (n + SHRINKAGE_PAIRS), 3
            )
    n = float(unlabelled or len(rows))
    prior = (n * prior - SHRINKAGE_PAIRS * MATCH_THRESHOLD) / (n + SHRINKAGE_PAIRS)
    return Model(weights, round(prior, 3), unlabelled, iterations)


def choose_questions(
    pool: Sequence[Candidate],
    model: Model,
    n: int,
    *,
    asked: Iterable[tuple[str, str]] = (),
    explore: float = EXPLORE,
    per_stratum: int = PER_STRATUM,
    seed: int = 0,
) -> list[Candidate]:
    """``n`` pairs of ``pool`` not yet asked: the most uncertain first (at most ``per_stratum`` per kind
    of event and place), then a random draw among the others (``explore`` of them). Deterministic for
    a seed."""
    done = set(asked)
    # one publication twice is never one incident (a constraint of the clustering): nothing to ask
    open_ = [
        c
        for c in pool
        if c.key not in done and c.levels.get("same_source", 0.0) != SAME_SOURCE_WEIGHT
    ]
    ranked = sorted(open_, key=lambda c: (abs(log_odds(model, c.levels)), c.key))
    wanted = min(n, len(open_)) - int(round(min(n, len(open_)) * explore))
    chosen: list[Candidate] = []
    taken: set[tuple[str, str]] = set()
    per: dict[tuple[str, str], int] = {}
    for candidate in ranked:
        if len(chosen) >= wanted:
            break
        stratum = (candidate.kind, candidate.place)
        if per.get(stratum, 0) >= per_stratum:
            continue
        per[stratum] = per.get(stratum, 0) + 1
        chosen.append(candidate)
        taken.add(candidate.key)
    rest = [c for c in open_ if c.key not in taken]
    rng = random.Random(seed)
    chosen += rng.sample(rest, min(len(rest), n - len(chosen)))
    return chosen


def answer_scores(model: Model, answers: Sequence[Answer]) -> Scores:
    """Precision and recall of the model's decisions (joined at log-odds >= 0) on answered pairs."""
    tp = fp = fn = 0
    for answer in answers:
        joined = log_odds(model, answer.levels) >= 0.0
        tp += joined and answer.match
        fp += joined and not answer.match
        fn += (not joined) and answer.match
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores.of(precision, recall)


def cross_validated_scores(
    answers: Sequence[Answer], pairs: Sequence[Mapping[str, float]] = (), *, folds: int = 5
) -> Scores:
    """Precision and recall on answers of a model trained without them (``folds``-fold: each answer is
    judged by a model trained on ``pairs`` and the other answers). Fewer answers than folds: the
    model trained on ``pairs`` alone, judged on all of them."""
    if len(answers) < folds:
        return answer_scores(train([], pairs), answers)
    tp = fp = fn = 0
    for k in range(folds):
        held = [a for i, a in enumerate(answers) if i % folds == k]
        model = train([a for i, a in enumerate(answers) if i % folds != k], pairs)
        for answer in held:
            joined = log_odds(model, answer.levels) >= 0.0
            tp += joined and answer.match
            fp += joined and not answer.match
            fn += (not joined) and answer.match
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores.of(precision, recall)
