"""A scripted analyst: answers the linkage engine's questions from the truth of a generated set.

Used by tests/linkage/test_learning.py and bench/linkage_learning.py: the engine learns a model by
EM on a pool of generated reports, asks about pairs of the pool round after round (vigie.linkage.
learning.choose_questions), the scripted analyst answers each from the generator's truth, the model
is retrained after each round, and each model links a held-out set generated with another seed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from vigie.linkage.engine import LinkReport, Model, link
from vigie.linkage.evaluation import Scores, pairwise_scores
from vigie.linkage.files import PRECISIONS
from vigie.linkage.learning import Answer, candidates, choose_questions, train

from .linkage_reports import generate

__all__ = ["as_link_report", "Round", "Simulation", "simulate"]


def as_link_report(row: dict[str, str]) -> LinkReport:
    """A generated report (vigie_testing.linkage_reports) as the engine's input."""

    def number(value: str) -> float | None:
        return float(value) if value not in ("", None) else None

    return LinkReport(
        report_id=row["report_id"],
        source=row["source"],
        event_date=datetime.date.fromisoformat(row["event_date"]),
        published=datetime.date.fromisoformat(row["published"]) if row["published"] else None,
        date_precision=row.get("date_precision") or "day",
        location=row["location"],
        admin1=row["admin1"],
        admin2=row["admin2"],
        latitude=number(row["latitude"]),
        longitude=number(row["longitude"]),
        geo_precision=PRECISIONS.get(row.get("geo_precision", ""), row.get("geo_precision", "")),
        perpetrator=row["perpetrator"],
        target=row["target"],
        event_label=row["event_label"],
        killed=int(row["killed"]) if row["killed"] else None,
    )


@dataclass
class Round:
    answers: int  # answers so far
    matches: int  # of which "one incident"
    held_out: Scores  # pairwise scores of the linkage of the held-out set with this round's model


@dataclass
class Simulation:
    without: Scores  # the held-out set linked with no answer (the engine's own EM model)
    rounds: list[Round] = field(default_factory=list)
    model: Model | None = None

    @property
    def gain(self) -> float:
        return self.rounds[-1].held_out.f1 - self.without.f1 if self.rounds else 0.0


def simulate(
    incidents: int = 1500,
    seed: int = 1,
    *,
    answers: int = 200,
    rounds: int = 4,
    held_out_seed: int | None = None,
    explore: float | None = None,
) -> Simulation:
    """Train from ``answers`` scripted answers in ``rounds`` rounds; score each round on a held-out set."""
    rows, truth = generate(incidents, seed=seed)
    pool = [as_link_report(r) for r in rows]
    held_rows, held_truth = generate(
        incidents, seed=held_out_seed if held_out_seed is not None else seed + 1000
    )
    held = [as_link_report(r) for r in held_rows]

    simulation = Simulation(without=pairwise_scores(held_truth, link(held).incident_of))
    pairs = candidates(pool)
    vectors = [c.levels for c in pairs]
    model = train([], vectors)  # the engine's own EM on the pool
    given: list[Answer] = []
    asked: set[tuple[str, str]] = set()
    for k in range(rounds):
        size = answers // rounds + (1 if k < answers % rounds else 0)
        chosen = choose_questions(
            pairs,
            model,
            size,
            asked=asked,
            seed=seed * 100 + k,
            **({} if explore is None else {"explore": explore}),
        )
        for question in chosen:
            asked.add(question.key)
            given.append(Answer(question.levels, truth[question.a] == truth[question.b]))
        model = train(given, vectors)
        scores = pairwise_scores(held_truth, link(held, model=model).incident_of)
        simulation.rounds.append(Round(len(given), sum(a.match for a in given), scores))
    simulation.model = model
    return simulation
