"""Analysts teach the engine: training from answers, the questions it asks, and a scripted analyst
whose answers raise F1 on held-out sets."""

from __future__ import annotations

import datetime

import pytest

from vigie.linkage.engine import HAND, LinkReport, Model, estimate
from vigie.linkage.learning import (
    Answer,
    Candidate,
    answer_scores,
    candidates,
    choose_questions,
    comparison_vector,
    cross_validated_scores,
    log_odds,
    train,
)
from vigie_testing.linkage_learning import simulate

DAY = datetime.date(2020, 3, 2)
VAGUE = {  # same cercle, nothing else known: the engine's hardest pairs
    "date": 3.0,
    "distance": 0.0,
    "place_name": 0.0,
    "actor": 0.0,
    "type": 1.5,
    "casualties": 0.0,
    "same_source": 0.0,
}
CLEAR = {**VAGUE, "distance": 3.0, "place_name": 2.5, "actor": 2.5}


def pool_of(vague_matches: int, vague_others: int, clear: int) -> list[dict[str, float]]:
    """Candidate pairs' comparison vectors: clear matches, vague pairs, and many clear non-matches."""
    far = {**VAGUE, "date": -3.0, "distance": -3.0, "type": -1.5}
    return [CLEAR] * clear + [VAGUE] * (vague_matches + vague_others) + [far] * 400


def test_without_answers_training_is_the_engines_own_em():
    pool = pool_of(30, 30, 60)
    assert train([], pool).weights == estimate(pool).weights
    assert train([], pool[:10]) is HAND  # too few pairs to learn from, and no answer


def test_answers_pull_the_weights_of_the_levels_they_show():
    pool = pool_of(30, 30, 60)
    before = train([], pool)
    answers = [Answer(VAGUE, False)] * 10 + [Answer(CLEAR, True)] * 5
    model = train(answers, pool)
    assert log_odds(model, VAGUE) < log_odds(before, VAGUE)  # analysts said: two incidents
    assert log_odds(model, VAGUE) < 0 < log_odds(model, CLEAR)
    # a model trained from answers is a model of the engine: it round-trips through JSON
    assert Model.from_json(model.as_json()).weights == model.weights
    # the more analysts say it, the further it goes
    more = train([Answer(VAGUE, False)] * 40 + [Answer(CLEAR, True)] * 5, pool)
    assert log_odds(more, VAGUE) < log_odds(model, VAGUE)
    # answers alone, without candidate pairs: Fellegi-Sunter m and u from the labels
    alone = train(answers)
    assert log_odds(alone, VAGUE) < 0 < log_odds(alone, CLEAR)


def test_precision_and_recall_on_answers():
    answers = [Answer(CLEAR, True)] * 4 + [Answer(VAGUE, False)] * 4 + [Answer(VAGUE, True)]
    scores = answer_scores(Model(prior=-4.0), answers)  # CLEAR joined, VAGUE joined too
    assert scores.precision == pytest.approx(5 / 9) and scores.recall == 1.0
    learned = cross_validated_scores(answers * 5, pool_of(5, 30, 30))
    assert learned.precision > scores.precision


def report(report_id: str, source: str, **fields) -> LinkReport:
    base = dict(
        event_date=DAY,
        location="Boni",
        admin1="Mopti",
        admin2="Douentza",
        perpetrator="JNIM",
        event_label="attaque",
        killed=5,
    )
    base.update(fields)
    return LinkReport(report_id, source, **base)


def test_candidates_carry_the_comparison_vector_of_every_compared_pair():
    reports = [
        report("a", "RFI"),
        report("b", "Studio Tamani", killed=6),
        report("c", "AFP", perpetrator="FAMa", event_label="frappe aérienne", killed=40),
        report("far", "AFP", admin2="Kidal", admin1="Kidal", location="Kidal"),
    ]
    found = {c.key: c for c in candidates(reports)}
    assert set(found) == {("a", "b"), ("a", "c"), ("b", "c")}  # Kidal is in another block
    assert found[("a", "b")].levels == comparison_vector(reports[0], reports[1])
    assert found[("a", "c")].levels["actor"] < 0 < found[("a", "b")].levels["actor"]
    assert found[("a", "c")].kind == "airstrike|attack" and found[("a", "c")].place.endswith(
        "douentza"
    )


def test_questions_are_the_uncertain_pairs_spread_over_places_then_a_random_draw():
    pool = [
        Candidate(f"a{i}", f"b{i}", {**VAGUE, "date": float(d)}, kind="attack", place=place)
        for i, (d, place) in enumerate(
            [(0, "bankass")] * 6 + [(1, "bankass")] * 6 + [(1, "mopti")] * 6 + [(3, "ansongo")] * 6
        )
    ]
    model = Model(prior=-1.5)  # log-odds: date 0 -> 0 (most uncertain), 1 -> 1, 3 -> 3
    chosen = choose_questions(pool, model, 6, explore=0.5, per_stratum=2, seed=1)
    assert len({c.key for c in chosen}) == 6
    uncertain = chosen[:3]
    assert [c.levels["date"] for c in uncertain] == [0.0, 0.0, 1.0]  # nearest the threshold first
    assert {c.place for c in uncertain} == {"bankass", "mopti"}  # no more than 2 per stratum
    assert (
        choose_questions(pool, model, 6, explore=0.5, per_stratum=2, seed=1) == chosen
    )  # deterministic
    again = choose_questions(pool, model, 30, asked={c.key for c in chosen})
    assert len(again) == len(pool) - 6 and not {c.key for c in again} & {c.key for c in chosen}
    # one publication twice is a constraint, never a question
    twice = Candidate("x", "y", {**VAGUE, "date": 0.0, "same_source": -9.0}, place="douentza")
    assert twice not in choose_questions([*pool, twice], model, 30)


@pytest.mark.slow
def test_a_scripted_analysts_answers_raise_f1_on_held_out_sets():
    """200 answers, chosen by the engine in 4 rounds and given from the truth of a generated pool,
    train a model that links held-out sets (other seeds) better than the engine without answers:
    higher F1 on each of the first three seeds of bench/linkage_learning.py, with fewer false merges,
    and at least 0.025 higher on their average. (The target of +0.03 is a mean over the bench's 12
    seeds, +0.032 when last measured in bench/RESULTS.md; these three seeds alone give +0.029, and a
    test may not pick its seeds to pass.)"""
    simulations = [simulate(1500, seed=seed, answers=200, rounds=4) for seed in (1, 3, 5)]
    for simulation in simulations:
        assert [r.answers for r in simulation.rounds] == [50, 100, 150, 200]
        after = simulation.rounds[-1].held_out
        assert after.precision > simulation.without.precision + 0.03, simulation
        assert simulation.gain > 0.01, simulation
    gains = [s.gain for s in simulations]
    assert sum(gains) / len(gains) >= 0.025, gains
