"""Analysts teach the engine: F1 on a held-out set before and after 200 answers chosen by the engine.

A scripted analyst (vigie_testing.linkage_learning) answers the engine's questions about a generated
pool of reports from the generator's truth, in rounds; after each round the engine trains a model
from all answers so far (vigie.linkage.learning.train) and links a held-out set generated with
another seed. "without" is the engine on the held-out set with no answer (its weights learned by EM
from the held-out reports themselves). Also: the same training with every candidate pair of the pool
answered (about 10,000 answers), the most a model of this shape can learn from this pool.

    PYTHONPATH=src python bench/linkage_learning.py --incidents 1500 --seeds 1,3,5,7,9,11,13
"""

from __future__ import annotations

import argparse
import statistics
import time

from vigie.linkage.engine import link
from vigie.linkage.evaluation import pairwise_scores
from vigie.linkage.learning import Answer, candidates, train
from vigie_testing.linkage_learning import as_link_report, simulate
from vigie_testing.linkage_reports import generate


def every_pair_labelled(incidents: int, seed: int) -> float:
    rows, truth = generate(incidents, seed=seed)
    pool = [as_link_report(r) for r in rows]
    held_rows, held_truth = generate(incidents, seed=seed + 1000)
    held = [as_link_report(r) for r in held_rows]
    pairs = candidates(pool)
    answers = [Answer(c.levels, truth[c.a] == truth[c.b]) for c in pairs]
    without = pairwise_scores(held_truth, link(held).incident_of).f1
    model = train(answers, [c.levels for c in pairs])
    return pairwise_scores(held_truth, link(held, model=model).incident_of).f1 - without


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1500)
    parser.add_argument("--seeds", default="1,3,5,7,9,11,13")
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--ceiling", action="store_true", help="also train on every pair labelled")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print(
        "| seed | without: P / R / F1 | "
        + " | ".join(
            f"{(k + 1) * args.answers // args.rounds} answers: F1" for k in range(args.rounds)
        )
        + " | P / R after | F1 gain | s |"
    )
    print("|---:|---|" + "---:|" * args.rounds + "---|---:|---:|")
    gains = []
    for seed in seeds:
        started = time.perf_counter()
        sim = simulate(args.incidents, seed, answers=args.answers, rounds=args.rounds)
        last = sim.rounds[-1].held_out
        gains.append(sim.gain)
        print(
            f"| {seed} | {sim.without.precision:.3f} / {sim.without.recall:.3f} / {sim.without.f1:.3f} | "
            + " | ".join(f"{r.held_out.f1:.3f}" for r in sim.rounds)
            + f" | {last.precision:.3f} / {last.recall:.3f} | {sim.gain:+.3f} | "
            f"{time.perf_counter() - started:.0f} |",
            flush=True,
        )
    spread = statistics.stdev(gains) if len(gains) > 1 else 0.0
    print(
        f"\nF1 gain after {args.answers} answers: mean {statistics.mean(gains):+.4f}, "
        f"sd {spread:.4f}, min {min(gains):+.4f}, max {max(gains):+.4f} over {len(gains)} seeds"
    )
    if args.ceiling:
        ceiling = [every_pair_labelled(args.incidents, seed) for seed in seeds]
        print(
            f"every candidate pair of the pool labelled: F1 gain mean {statistics.mean(ceiling):+.4f}, "
            f"min {min(ceiling):+.4f}, max {max(ceiling):+.4f}"
        )


if __name__ == "__main__":
    main()
