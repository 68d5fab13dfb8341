"""Analysts teach the linkage engine: training from their answers, and choosing what to ask them.

Every merge, split and rejection in the review queue says of two reports "one incident" or "two
incidents": a labelled pair. ``train`` turns labelled pairs into a `Model` of the engine (the same
table of weights per field and comparison level, so `link` and `Linker` use it unchanged): a
logistic regression over the pairs' comparison vectors, with the weights of a base model (learned
by EM from the reports themselves, or the hand model) as its offset. It learns a correction of each
level's weight and of the prior, each pulled toward zero (an L2 penalty of ``strength``): with few
answers the base model stands, and each answer moves it a little (the EM prior blended with the
labels, as dedupe and Splink do with labels).

``choose_questions`` picks the pairs that would teach the engine most: half of them where the model
is least sure (log-odds nearest 0, the match threshold), spread over kinds of event and places so
that one confusing cercle does not take every question; the other half drawn at random from the
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
from .api import LinkReport
from .clustering import BLOCK_DAYS
from .evaluation import Scores
from .reference import Reference, default_reference
from .training import HAND, Model

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

LN2 = math.log(2.0)
STRENGTH = 0.1
"""L2 penalty on each correction (nats). Chosen in scratch runs of the scripted analyst of
bench/linkage_learning.py (200 answers): with 1.0 or 0.3 the answers moved the EM model too little,
with 0.03 one round's answers moved it too much (bench/RESULTS.md)."""
MAX_CORRECTION = 6.0
"""No weight (nor the prior) moves by more than this many bits from the base model, whatever the answers."""
EXPLORE = 0.5
"""Share of each round's questions drawn at random among the candidate pairs (the rest: uncertainty)."""
PER_STRATUM = 2
"""Uncertain questions per round about one kind of event in one place, at most."""


@dataclass(frozen=True)
class Answer:
    """An analyst's answer about two reports: their comparison vector, and whether they are one incident."""

    levels: Mapping[str, float]
    match: bool


@dataclass
class Candidate:
    """A pair of reports the engine compares, with what it needs to choose questions."""

    a: str
    b: str
    levels: dict[str, float]
    kind: str = ""  # the two event types, e.g. "attack|massacre"
    place: str = ""  # where, for diversity (the cercle, else the region)
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)


def comparison_vector(
    a: LinkReport, b: LinkReport, *, reference: Reference | None = None
) -> dict[str, float]:
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


def log_odds(model: Model, levels: Mapping[str, float]) -> float:
    """The model's posterior log-odds (bits) that a pair with these levels is one incident."""
    return math.fsum(model.weight(name, level) for name, level in levels.items()) + model.prior


def train(
    answers: Sequence[Answer],
    base: Model = HAND,
    *,
    strength: float = STRENGTH,
    iterations: int = 50,
) -> Model:
    """A model learned from answers: ``base`` corrected level by level (Newton's method on the
    penalised log-likelihood of a logistic regression whose offset is ``base``'s log-odds).

    Levels no answer shows keep ``base``'s weight. Without answers, ``base`` is returned as it is.
    """
    import numpy as np

    if not answers:
        return base
    # One column per level, and one for the prior. They are collinear (each field shows exactly one
    # level): the penalty shares a shift between the prior and the levels, and a level no answer
    # shows keeps its base weight.
    keys = sorted({(name, float(level)) for a in answers for name, level in a.levels.items()})
    column = {key: k for k, key in enumerate(keys)}
    x = np.zeros((len(answers), len(keys) + 1))
    x[:, -1] = 1.0  # the prior's correction
    offset = np.zeros(len(answers))
    y = np.zeros(len(answers))
    for row, answer in enumerate(answers):
        for name, level in answer.levels.items():
            x[row, column[(name, float(level))]] = 1.0
        offset[row] = log_odds(base, answer.levels) * LN2
        y[row] = 1.0 if answer.match else 0.0
    penalty = np.full(x.shape[1], strength)

    def loss(w):
        z = offset + x @ w
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * w * w))

    w = np.zeros(x.shape[1])
    current = loss(w)
    for _ in range(iterations):
        z = offset + x @ w
        p = np.exp(-np.logaddexp(0.0, -z))  # the logistic function, without overflow
        gradient = x.T @ (p - y) + penalty * w
        hessian = x.T @ (x * (p * (1.0 - p))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        t = 1.0  # damped Newton: halve the step until the penalised loss falls
        while t > 1e-6:
            trial = loss(w - t * step)
            if trial <= current:
                break
            t /= 2
        else:
            break
        w, improvement, current = w - t * step, current - trial, trial
        if improvement < 1e-9:
            break
    weights = {name: dict(levels) for name, levels in base.weights.items()}
    for (name, level), k in column.items():
        correction = float(np.clip(w[k] / LN2, -MAX_CORRECTION, MAX_CORRECTION))
        weights.setdefault(name, {})[level] = round(base.weight(name, level) + correction, 3)
    prior = base.prior + float(np.clip(w[-1] / LN2, -MAX_CORRECTION, MAX_CORRECTION))
    return Model(weights, round(prior, 3), base.pairs, base.iterations)


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
    open_ = [c for c in pool if c.key not in done]
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
    answers: Sequence[Answer], base: Model = HAND, *, folds: int = 5
) -> Scores:
    """Precision and recall on answers of a model trained without them (``folds``-fold: each answer is
    judged by a model that never saw it). Fewer answers than folds: ``base`` judged on all of them."""
    if len(answers) < folds:
        return answer_scores(base, answers)
    tp = fp = fn = 0
    for k in range(folds):
        held = [a for i, a in enumerate(answers) if i % folds == k]
        model = train([a for i, a in enumerate(answers) if i % folds != k], base)
        for answer in held:
            joined = log_odds(model, answer.levels) >= 0.0
            tp += joined and answer.match
            fp += joined and not answer.match
            fn += (not joined) and answer.match
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores.of(precision, recall)
