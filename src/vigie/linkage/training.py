"""Training: the model (a weight per comparison level and a prior), hand-set or learned by EM.

`Model` holds the weight of each comparison level of each field (`vigie.linkage.comparisons`) and
the prior log-odds of a match; `HAND` gives each level its hand-set weight; `estimate` learns the
weights from the candidate pairs themselves, without labels (Fellegi–Sunter by
expectation-maximisation, as Splink does), shrunk toward the hand-set ones. `weigh` and `score` turn
a pair's comparison levels into its `PairScore` under a model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import comparisons
from .comparisons import ACTOR_INCOMPATIBLE, SAME_SOURCE_WEIGHT, TYPE_INCOMPATIBLE, Resolved
from .interface import PairScore
from .reference import Reference

__all__ = [
    "Model",
    "HAND",
    "MATCH_THRESHOLD",
    "REVIEW_THRESHOLD",
    "LEARNED_FIELDS",
    "estimate",
    "weigh",
    "score",
]

MATCH_THRESHOLD = 5.0
"""Joined from here: e.g. dates within a day (+2) in the same commune (+1.5) by the same actor (+2.5)."""
REVIEW_THRESHOLD = 1.0
"""Kept for review from here: e.g. the same place and day with contested perpetrators."""


@dataclass
class Model:
    """The weight of each comparison level of each field, and the prior log-odds of a match.

    A pair's score is the sum of its fields' weights; it is joined when ``score + prior >= 0``
    (posterior odds of at least 1:1) and kept for review from ``score + prior >= REVIEW_LOG_ODDS``.
    The hand model (``HAND``) gives each level its documented hand-set weight and a prior of
    -MATCH_THRESHOLD. ``estimate`` learns the weights from the candidate pairs by
    expectation-maximisation (Fellegi–Sunter, as Splink does) and shrinks each toward its hand-set
    value in proportion to how rare the level is in the data.
    """

    weights: dict[str, dict[float, float]] = field(default_factory=dict)  # field -> level -> weight
    prior: float = -MATCH_THRESHOLD
    pairs: int = 0  # candidate pairs it was estimated from (0: hand-set)
    iterations: int = 0

    def weight(self, name: str, level: float | None) -> float:
        """The weight of a comparison level; 0 for the null level (UNKNOWN)."""
        if level is None:
            return 0.0
        return self.weights.get(name, {}).get(level, level)

    @property
    def match_threshold(self) -> float:
        return MATCH_LOG_ODDS - self.prior

    @property
    def review_threshold(self) -> float:
        return REVIEW_LOG_ODDS - self.prior

    def as_json(self) -> dict:
        return {
            "prior": self.prior,
            "pairs": self.pairs,
            "iterations": self.iterations,
            "weights": {
                name: [[level, w] for level, w in sorted(levels.items())]
                for name, levels in sorted(self.weights.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            {
                name: {float(level): float(w) for level, w in levels}
                for name, levels in data["weights"].items()
            },
            float(data["prior"]),
            int(data.get("pairs", 0)),
            int(data.get("iterations", 0)),
        )


HAND = Model()
MATCH_LOG_ODDS = 0.0
"""Joined from posterior odds of 1:1."""
REVIEW_LOG_ODDS = -4.0
"""Kept for review from posterior odds of 1:16 (with the hand model: a score of 1)."""
SHRINKAGE_PAIRS = 50.0
"""A learned level weight counts as much as the hand-set one once this many pairs show the level."""
LEARNED_FIELDS = ("date", "distance", "place_name", "actor", "type", "casualties", "same_source")
"""One publication twice (same source, same day) is a constraint, never learned; the same source on
different days (a possible update) is learned like the other fields."""
FIXED_LEVELS: dict[str, frozenset[float]] = {
    "actor": frozenset({ACTOR_INCOMPATIBLE}),
    "type": frozenset({TYPE_INCOMPATIBLE}),
}
"""Levels that keep their hand-set weight in a learned model: perpetrators that cannot be one actor,
kinds of event one incident cannot be. Unlabelled EM, finding them among pairs that agree on the
rest (a battle told from either side, a raid on a village and its looting), would learn them weak,
and they must count strongly against whatever else agrees."""
MIN_PAIRS_TO_LEARN = 200
"""Fewer candidate pairs than this: the hand model is used as it is."""
WEIGHT_BOUNDS = (-12.0, 8.0)


def level_codes(rows: Sequence[Mapping[str, float | None]]) -> tuple[list, list]:
    """Per learned field, each row's level as an index into that field's levels, and the levels:
    the known ones sorted, then the null level (UNKNOWN, None) last, weighed 0. A field a row does
    not carry is at level 0. Shared by `estimate` and the training from analysts' answers."""
    import numpy as np

    codes, values = [], []
    for name in LEARNED_FIELDS:
        known = sorted({float(v) for r in rows if (v := r.get(name, 0.0)) is not None})
        index: dict[float | None, int] = {v: k for k, v in enumerate(known)}
        index[None] = len(known)  # the null level, last
        codes.append(
            np.fromiter(
                (index[None if (v := r.get(name, 0.0)) is None else float(v)] for r in rows),
                dtype=np.int32,
                count=len(rows),
            )
        )
        values.append(np.array([*known, 0.0], dtype=float))
    return codes, values


def estimate(level_rows: Sequence[dict[str, float | None]], *, iterations: int = 10) -> Model:
    """Learn a model from the comparison levels of candidate pairs (unlabelled) by EM.

    Starts from the hand model's posteriors; each iteration re-estimates, per field and level, the
    share of matching pairs (m) and of non-matching pairs (u) showing it, then the posteriors.
    Pairs of one source are left out (they are never joined); FIXED_LEVELS keep their hand-set
    weights. The null level (UNKNOWN: a field one
    side says nothing known about) is weighed 0 and left out of its field's shares, as Splink does,
    so that whether a field is known is no evidence either way. Each learned weight log2(m/u) is
    shrunk toward the hand-set weight: (n * learned + SHRINKAGE_PAIRS * hand) / (n + SHRINKAGE_PAIRS)
    where n is the number of pairs at that level; the prior likewise, toward -MATCH_THRESHOLD.
    """
    import numpy as np

    rows = [r for r in level_rows if r.get("same_source", 0.0) != SAME_SOURCE_WEIGHT]
    if len(rows) < MIN_PAIRS_TO_LEARN:
        return HAND
    codes, values = level_codes(rows)
    hand_score = np.zeros(len(rows))
    for code, level in zip(codes, values, strict=True):
        hand_score += level[code]
    posterior = 1.0 / (1.0 + np.exp2(-(hand_score - MATCH_THRESHOLD)))
    for _ in range(iterations):
        log_odds = np.full(len(rows), 0.0)
        tables = []
        for name, code, level in zip(LEARNED_FIELDS, codes, values, strict=True):
            size = len(level) - 1  # the known levels
            fixed = [k for k in range(size) if level[k] in FIXED_LEVELS.get(name, ())]
            m = np.bincount(code, weights=posterior, minlength=size + 1)[:size] + 0.1
            u = np.bincount(code, weights=1.0 - posterior, minlength=size + 1)[:size] + 0.1
            table = np.append(np.log2((m / m.sum()) / (u / u.sum())), 0.0)
            for k in fixed:
                table[k] = level[k]
            tables.append(table)
            log_odds += table[code]
        matched = posterior.sum()
        share = min(max(matched / len(rows), 1e-6), 1 - 1e-6)
        prior = float(np.log2(share / (1 - share)))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(log_odds + prior, -60, 60)))
    weights: dict[str, dict[float, float]] = {}
    for name, code, level, table in zip(LEARNED_FIELDS, codes, values, tables, strict=True):
        counts = np.bincount(code, minlength=len(level))
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
    n = float(len(rows))
    prior = (n * prior - SHRINKAGE_PAIRS * MATCH_THRESHOLD) / (n + SHRINKAGE_PAIRS)
    return Model(weights, round(prior, 3), len(rows), iterations)


def weigh(
    a: Resolved, b: Resolved, pair_levels: dict[str, float | None], model: Model
) -> PairScore:
    """A pair's weight per field under ``model``, from its comparison levels; the score is their sum."""
    weights = {name: model.weight(name, level) for name, level in pair_levels.items()}
    return PairScore(
        a.report.report_id, b.report.report_id, round(math.fsum(weights.values()), 6), weights
    )


def score(a: Resolved, b: Resolved, ref: Reference, model: Model = HAND) -> PairScore:
    """A pair's score under ``model`` (the hand model by default)."""
    return weigh(a, b, comparisons.levels(a, b, ref), model)
