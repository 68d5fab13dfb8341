"""Benchmark: linking noisy multi-source reports into incidents (vigie.linkage) beside an exact key.

    python bench/linkage/run.py                      # 2,000, 20,000 and 100,000 synthetic incidents
    python bench/linkage/run.py --incidents 5000 --splink   # with Splink beside it
    python bench/linkage/run.py --scale 1000000 --new 10000 # 1M reports, then 10k attached

The reports come from vigie_testing.linkage_reports (1 to 5 sources per incident, dates off by up to 2
days, places as villages, communes or cercles in several spellings, actors as aliases in French and
English, tolls off by up to 40%, and 30% of incidents sharing their day, cercle and perpetrator with
another). Prints pairwise and B-cubed precision, recall and F1, time and comparisons per report.
"""

from __future__ import annotations

import argparse
import resource
import time

from vigie.linkage.engine import Linker, LinkReport, link
from vigie.linkage.evaluation import bcubed_scores, exact_key_baseline, pairwise_scores
from vigie.linkage.files import PRECISIONS
from vigie_testing.linkage_reports import generate


def as_link_report(row: dict) -> LinkReport:
    import datetime

    def number(value: str) -> float | None:
        return float(value) if value else None

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


def splink_link(rows: list[dict]) -> dict[str, str] | None:
    """Splink 5 on DuckDB, configured as a Splink user would for these reports, trained without labels.

    Cleaning: place, admin, actor, label and target names lowercased, accents and punctuation removed;
    actor and label names also as sets of words. Blocking for prediction: the first four letters of
    the cercle, or the place name, with dates at most 3 days apart; or the region with dates at most
    1 day apart. Comparisons: date difference (same day, 1, 2, 3 days), distance (3, 8, 15, 25 km;
    null without coordinates), place name (exact with term-frequency adjustment, Jaro-Winkler 0.9,
    Damerau-Levenshtein 2, Jaro-Winkler 0.8, one report naming only the other's cercle), perpetrator
    (exact, Jaro-Winkler 0.9, a shared word), label (exact, a shared word), target (exact), toll
    (equal, within 40%), source (same source). Training: the prior from "same place name and same
    day" with an assumed recall of 0.2, u by random sampling (10 million pairs), m by EM on two
    blocks ("same day"; "same cercle, month and perpetrator"). Clusters: connected components at a
    match probability of 0.9, the threshold with the best pairwise F1 on seed 1 (reported on seed 0).
    No gazetteer or actor dictionary (a hand alias map for actors and labels gained about 0.01 F1).
    """
    try:
        import unicodedata

        import pandas as pd
        import splink.comparison_level_library as cll
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator
    except ImportError:
        return None

    def clean(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        text = unicodedata.normalize("NFKD", value.lower())
        text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
        return " ".join(text.split()) or None

    stop = {
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "of",
        "the",
        "and",
        "et",
        "au",
        "aux",
        "en",
        "a",
    }

    def words(value: object) -> list[str] | None:
        if not isinstance(value, str):
            return None
        return (
            sorted({word for word in value.split() if word not in stop and len(word) > 1}) or None
        )

    frame = pd.DataFrame(rows).rename(columns={"report_id": "unique_id"})
    for column in ("latitude", "longitude", "killed"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["event_date"] = pd.to_datetime(frame["event_date"]).dt.date
    frame["event_month"] = frame["event_date"].map(lambda day: day.strftime("%Y-%m"))
    for column in (
        "source",
        "location",
        "admin1",
        "admin2",
        "perpetrator",
        "target",
        "event_label",
    ):
        frame[column] = frame[column].map(clean)
    frame["perpetrator_words"] = frame["perpetrator"].map(words)
    frame["label_words"] = frame["event_label"].map(words)
    frame = frame[
        [
            "unique_id",
            "source",
            "event_date",
            "event_month",
            "location",
            "admin1",
            "admin2",
            "latitude",
            "longitude",
            "perpetrator",
            "perpetrator_words",
            "target",
            "event_label",
            "label_words",
            "killed",
        ]
    ]

    within = "abs(date_diff('day', l.event_date, r.event_date)) <= {}"
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            "substr(l.admin2, 1, 4) = substr(r.admin2, 1, 4) and " + within.format(3),
            "l.location = r.location and " + within.format(3),
            "l.admin1 = r.admin1 and " + within.format(1),
        ],
        comparisons=[
            cl.AbsoluteDateDifferenceAtThresholds(
                "event_date",
                input_is_string=False,
                metrics=["day", "day", "day"],
                thresholds=[1, 2, 3],
            ),
            cl.DistanceInKMAtThresholds("latitude", "longitude", km_thresholds=[3, 8, 15, 25]),
            cl.CustomComparison(
                output_column_name="location",
                comparison_levels=[
                    cll.NullLevel("location"),
                    cll.ExactMatchLevel("location", term_frequency_adjustments=True),
                    cll.JaroWinklerLevel("location", 0.9),
                    cll.DamerauLevenshteinLevel("location", 2),
                    cll.JaroWinklerLevel("location", 0.8),
                    cll.CustomLevel(
                        "location_l = admin2_r or location_r = admin2_l",
                        "one names only the cercle",
                    ),
                    cll.ElseLevel(),
                ],
            ),
            cl.CustomComparison(
                output_column_name="perpetrator",
                comparison_levels=[
                    cll.NullLevel("perpetrator"),
                    cll.ExactMatchLevel("perpetrator"),
                    cll.JaroWinklerLevel("perpetrator", 0.9),
                    cll.ArrayIntersectLevel("perpetrator_words", 1),
                    cll.ElseLevel(),
                ],
            ),
            cl.CustomComparison(
                output_column_name="event_label",
                comparison_levels=[
                    cll.NullLevel("event_label"),
                    cll.ExactMatchLevel("event_label"),
                    cll.ArrayIntersectLevel("label_words", 1),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("target"),
            cl.CustomComparison(
                output_column_name="killed",
                comparison_levels=[
                    cll.NullLevel("killed"),
                    cll.ExactMatchLevel("killed"),
                    cll.CustomLevel(
                        "abs(killed_l - killed_r) <= 0.4 * greatest(killed_l, killed_r)",
                        "within 40%",
                    ),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("source"),
        ],
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        ["l.location = r.location and l.event_date = r.event_date"], recall=0.2
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (
        "l.event_date = r.event_date",
        "l.admin2 = r.admin2 and l.event_month = r.event_month and l.perpetrator = r.perpetrator",
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, 0.9
    ).as_pandas_dataframe()
    return dict(zip(clusters["unique_id"], clusters["cluster_id"].astype(str), strict=True))


def run(incidents: int, seed: int, with_splink: bool) -> list[str]:
    rows, truth = generate(incidents, seed=seed)
    reports = [as_link_report(row) for row in rows]
    start = time.perf_counter()
    result = link(reports)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    baseline = exact_key_baseline(rows)
    baseline_time = time.perf_counter() - start
    methods = [
        ("Vigie linkage (weights learned by EM)", result.incident_of, elapsed, result.comparisons),
        ("Vigie linkage (hand-set weights)", None, None, None),
        ("exact key (date + cercle)", baseline, baseline_time, None),
    ]
    start = time.perf_counter()
    hand = link(reports, learn=False)
    methods[1] = (
        "Vigie linkage (hand-set weights)",
        hand.incident_of,
        time.perf_counter() - start,
        hand.comparisons,
    )
    if with_splink:
        start = time.perf_counter()
        predicted = splink_link(rows)
        if predicted is not None:
            methods.append(
                (
                    "Splink 5 (EM-trained, see splink_link)",
                    predicted,
                    time.perf_counter() - start,
                    None,
                )
            )
    lines = []
    for name, predicted, seconds, comparisons in methods:
        pair, cube = pairwise_scores(truth, predicted), bcubed_scores(truth, predicted)
        per_report = f"{comparisons / len(reports):.1f}" if comparisons is not None else "-"
        lines.append(
            f"| {incidents:,} | {len(reports):,} | {name} | {pair.precision:.3f} | {pair.recall:.3f} | {pair.f1:.3f} "
            f"| {cube.precision:.3f} | {cube.recall:.3f} | {cube.f1:.3f} | {seconds:.1f} | {per_report} |"
        )
    return lines


def scale(reports_wanted: int, new: int, seed: int) -> None:
    """Link about `reports_wanted` reports in one run, then attach `new` more without relinking."""
    import random

    incidents = int(reports_wanted / 2.38)  # 2.38 reports per incident on average
    start = time.perf_counter()
    rows, truth = generate(incidents, seed=seed)
    reports = [as_link_report(row) for row in rows]
    del rows
    random.Random(seed).shuffle(reports)
    held, fresh = reports[new:], reports[:new]
    print(
        f"generated {len(reports):,} reports of {incidents:,} incidents in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    linker = Linker()
    start = time.perf_counter()
    first = linker.add(held)
    elapsed = time.perf_counter() - start
    held_truth = {r.report_id: truth[r.report_id] for r in held}
    pair, cube = (
        pairwise_scores(held_truth, first.incident_of),
        bcubed_scores(held_truth, first.incident_of),
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"linked {len(held):,} reports in {elapsed:.0f} s ({first.comparisons / len(held):.1f} comparisons/report); "
        f"pairwise {pair}; B-cubed {cube}; peak memory so far {peak:.0f} MiB",
        flush=True,
    )
    start = time.perf_counter()
    second = linker.add(fresh)
    elapsed = time.perf_counter() - start
    existing = set(first.incident_of.values())
    joined = sum(1 for label in second.incident_of.values() if label in existing)
    after = linker.incident_of()
    pair, cube = pairwise_scores(truth, after), bcubed_scores(truth, after)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"attached {len(fresh):,} new reports to {len(held):,} in {elapsed:.1f} s ({joined:,} joined existing incidents); "
        f"all reports now: pairwise {pair}; B-cubed {cube}; peak memory {peak:.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, action="append")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--splink", action="store_true", help="also run Splink (pip install splink)"
    )
    parser.add_argument(
        "--scale",
        type=int,
        metavar="REPORTS",
        help="link this many reports at once, then attach --new more (e.g. 1000000)",
    )
    parser.add_argument("--new", type=int, default=10_000)
    args = parser.parse_args()
    if args.scale:
        scale(args.scale, args.new, args.seed)
        return
    print(
        "| incidents | reports | method | pair P | pair R | pair F1 | B3 P | B3 R | B3 F1 | seconds | comparisons/report |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for incidents in args.incidents or [2_000, 20_000, 100_000]:
        for line in run(incidents, args.seed, args.splink):
            print(line, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
