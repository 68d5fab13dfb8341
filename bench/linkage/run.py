"""Benchmark: linking noisy multi-source reports into incidents (vigie.linkage) beside an exact key.

    python bench/linkage/run.py                      # 2,000, 20,000 and 100,000 synthetic incidents
    python bench/linkage/run.py --incidents 5000

The reports come from vigie.linkage.synthetic (1 to 5 sources per incident, dates off by up to 2
days, places as villages, communes or cercles in several spellings, actors as aliases in French and
English, tolls off by up to 40%, and 30% of incidents sharing their day, cercle and perpetrator with
another). Prints pairwise and B-cubed precision, recall and F1, time and comparisons per report.
"""

from __future__ import annotations

import argparse
import resource
import time

from vigie.linkage.engine import LinkReport, link
from vigie.linkage.evaluation import bcubed_scores, exact_key_baseline, pairwise_scores
from vigie.linkage.files import PRECISIONS
from vigie.linkage.synthetic import generate


def as_link_report(row: dict) -> LinkReport:
    import datetime

    def number(value: str) -> float | None:
        return float(value) if value else None

    return LinkReport(
        report_id=row["report_id"], source=row["source"],
        event_date=datetime.date.fromisoformat(row["event_date"]),
        published=datetime.date.fromisoformat(row["published"]) if row["published"] else None,
        date_precision=row.get("date_precision") or "day", location=row["location"], admin1=row["admin1"],
        admin2=row["admin2"], latitude=number(row["latitude"]), longitude=number(row["longitude"]),
        geo_precision=PRECISIONS.get(row.get("geo_precision", ""), row.get("geo_precision", "")),
        perpetrator=row["perpetrator"], target=row["target"], event_label=row["event_label"],
        killed=int(row["killed"]) if row["killed"] else None,
    )


def run(incidents: int, seed: int) -> list[str]:
    rows, truth = generate(incidents, seed=seed)
    reports = [as_link_report(row) for row in rows]
    start = time.perf_counter()
    result = link(reports)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    baseline = exact_key_baseline(rows)
    baseline_time = time.perf_counter() - start
    lines = []
    for name, predicted, seconds, comparisons in [
        ("Vigie linkage", result.incident_of, elapsed, result.comparisons),
        ("exact key (date + cercle)", baseline, baseline_time, None),
    ]:
        pair, cube = pairwise_scores(truth, predicted), bcubed_scores(truth, predicted)
        per_report = f"{comparisons / len(reports):.1f}" if comparisons is not None else "-"
        lines.append(
            f"| {incidents:,} | {len(reports):,} | {name} | {pair.precision:.3f} | {pair.recall:.3f} | {pair.f1:.3f} "
            f"| {cube.precision:.3f} | {cube.recall:.3f} | {cube.f1:.3f} | {seconds:.1f} | {per_report} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, action="append")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("| incidents | reports | method | pair P | pair R | pair F1 | B3 P | B3 R | B3 F1 | seconds | comparisons/report |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for incidents in args.incidents or [2_000, 20_000, 100_000]:
        for line in run(incidents, args.seed):
            print(line, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
