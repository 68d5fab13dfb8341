"""Benchmark: linkage on reports of central Mali the engine cannot have learned (vigie_testing.linkage_world).

    python bench/linkage_honest.py                        # 1,000 incidents, seeds 0-4, every family
    python bench/linkage_honest.py --incidents 500 --seeds 2 --no-splink   # a quick look
    python bench/linkage_honest.py --json results.json    # also every run's figures as JSON
    python bench/linkage_honest.py --scale 100000 --new 10000   # engine time: link, then attach

For each seed, each vocabulary half (build, held-out) and each family of sources (wire, local,
social, coded), one report file is generated and linked, in the same run, by:

* Vigie's engine as it is (``vigie.linkage.engine.link``, weights learned by EM; with
  ``--hand-set`` also its hand-set weights);
* the exact key of ``vigie.linkage.evaluation`` (same date and same cercle);
* ``greedy_link`` below, a simple heuristic (same commune through the gazetteer, dates within a
  day, a compatible kind of event, never two reports of one source);
* Splink 5, configured as in ``bench/linkage/run.py`` (when it is installed: ``pip install splink``);
* a reference that is not a method: naive Bayes over the greedy heuristic's comparisons, its
  weights counted on another seed's file of the same family and vocabulary *with its truth*
  (``supervised_reference``): roughly what these fields allow, for reading the others.

Prints pairwise and B-cubed precision, recall and F1 as the mean ± standard deviation over the
seeds with the worst seed, and the mean time. The engine may be tuned on the families
``TUNING_FAMILIES`` with the build vocabulary; the figures that count are those of
``HELDOUT_FAMILIES`` with the held-out vocabulary.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import difflib
import importlib.util
import json
import re
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from vigie.core.text import normalize_name
from vigie.linkage.engine import Linker, LinkReport, link
from vigie.linkage.evaluation import bcubed_scores, exact_key_baseline, pairwise_scores
from vigie.linkage.files import PRECISIONS
from vigie_testing.linkage_world import (
    FAMILIES,
    HELDOUT_FAMILIES,
    PLACES_TSV,
    TUNING_FAMILIES,
    VOCABULARIES,
    generate,
)

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _existing_bench():
    """bench/linkage/run.py, for its Splink configuration (kept identical to today's comparison)."""
    spec = importlib.util.spec_from_file_location("linkage_run", _HERE / "linkage" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_link_report(row: dict) -> LinkReport:
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
        geo_precision=PRECISIONS.get(row["geo_precision"], row["geo_precision"]),
        perpetrator=row["perpetrator"],
        target=row["target"],
        event_label=row["event_label"],
        killed=int(row["killed"]) if row["killed"] else None,
    )


# --------------------------------------------------------------------------------------------
# The greedy heuristic (the baseline a careful analyst would write in an afternoon)

_KIND_WORDS = (  # first match wins: the more specific kinds first
    ("protest", r"manif|protest|marche|sit-in|rally|demonstr|greve|rassembl|soulevement"),
    ("air", r"frappe|drone|aerien|\bair|bombard|helicop|\buav|aviation|aircraft"),
    ("explosive", r"engin|\bmines?\b|explos|\bied|\beei|bomb|piege"),
    (
        "looting",
        r"pill|\bvol\b|betail|loot|theft|cattle|livestock|plund|razzia|saccag|ransack|rustl",
    ),
    (
        "abduction",
        r"enlev|rapt|otage|kidnap|abduct|hostage|disparition|captiv|sequestr|seized|emmen",
    ),
    ("battle", r"affront|combat|accroch|heurt|clash|fight|battle|tirs|bataille|confront|skirmish"),
    (
        "violence",
        r"attaq|attack|massacre|tue|kill|execut|assaut|assault|incursion|raid|violen|carnage",
    ),
)
_KIND_RES = tuple((kind, re.compile(pattern)) for kind, pattern in _KIND_WORDS)


def _kind(label: str) -> str:
    text = normalize_name(label)
    return next((kind for kind, pattern in _KIND_RES if pattern.search(text)), "")


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, set[tuple[str, str]]], dict[tuple[int, int], list], list[str]]:
    """name -> {(cercle, commune)}, a 0.1° grid of places, and the cercle names (the shared TSV)."""
    names: dict[str, set[tuple[str, str]]] = defaultdict(set)
    grid: dict[tuple[int, int], list] = defaultdict(list)
    with PLACES_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            unit = (normalize_name(row["cercle"]), normalize_name(row["commune"]))
            names[unit[1]].add(unit)
            for name in [row["name"], row["asciiname"], *row["alternatenames"].split(",")]:
                if name.strip():
                    names[normalize_name(name)].add(unit)
            lat, lon = float(row["latitude"]), float(row["longitude"])
            grid[(round(lat * 10), round(lon * 10))].append((lat, lon, unit))
    cercles = sorted({cercle for units in names.values() for cercle, _ in units})
    return names, grid, cercles


def _cercle(text: str, cercles: list[str]) -> str:
    text = re.sub(r"\b(cercle|region|de)\b", " ", normalize_name(text)).split()
    name = " ".join(text)
    if not name or name in cercles:
        return name
    close = difflib.get_close_matches(name, cercles, n=1, cutoff=0.7)
    return close[0] if close else name


def _unit(row: dict, names: dict, grid: dict, cercles: list[str]) -> tuple[str, str]:
    """(cercle, commune): the commune '' when the report names no place the gazetteer places."""
    cercle = _cercle(row["admin2"], cercles)
    units = names.get(normalize_name(row["location"]), set())
    if cercle:
        units = {u for u in units if u[0] == cercle} or (units if len(units) == 1 else set())
    if len(units) == 1:
        return next(iter(units))
    if row["latitude"] and row["geo_precision"] == "point":
        lat, lon = float(row["latitude"]), float(row["longitude"])
        near = [
            ((lat - a) ** 2 + (lon - b) ** 2, unit)
            for i in (-1, 0, 1)
            for j in (-1, 0, 1)
            for a, b, unit in grid.get((round(lat * 10) + i, round(lon * 10) + j), ())
        ]
        if near:
            return min(near)[1]
    return cercle, ""


def greedy_link(rows: Iterable[dict]) -> dict[str, str]:
    """Same commune (or, without one, same cercle and same day), dates within a day, kinds of
    event compatible (equal or one unknown), no two reports of one source: join the closest open
    incident in date, else open a new one."""
    names, grid, cercles = _gazetteer()
    open_incidents: dict[tuple[str, str], list[dict]] = defaultdict(list)
    result: dict[str, str] = {}
    ordered = sorted(rows, key=lambda r: (r["event_date"], r["report_id"]))
    for row in ordered:
        day = datetime.date.fromisoformat(row["event_date"]).toordinal()
        unit = _unit(row, names, grid, cercles)
        kind = _kind(row["event_label"])
        slack = 1 if unit[1] else 0
        best = None
        for incident in open_incidents[unit]:
            gap = min(abs(day - d) for d in incident["days"])
            if gap > slack or row["source"] in incident["sources"]:
                continue
            if kind and incident["kinds"] and kind not in incident["kinds"]:
                continue
            if best is None or gap < best[0]:
                best = (gap, incident)
        if best is None:
            incident = {"id": f"G{len(result)}", "days": set(), "sources": set(), "kinds": set()}
            open_incidents[unit].append(incident)
        else:
            incident = best[1]
        incident["days"].add(day)
        incident["sources"].add(row["source"])
        if kind:
            incident["kinds"].add(kind)
        result[row["report_id"]] = incident["id"]
        # Forget incidents more than three days old in this unit.
        open_incidents[unit] = [i for i in open_incidents[unit] if max(i["days"]) >= day - 3]
    return result


# --------------------------------------------------------------------------------------------
# A reference, not a method: naive Bayes trained with the truth of another seed of the same file


def _features(rows: list[dict]) -> tuple[list[tuple], list[tuple[int, int]]]:
    """Per report: (day, cercle, commune, point, place, kind, actor, killed, source), and the
    candidate pairs: same cercle (or one without a cercle), dates at most 3 days apart."""
    names, grid, cercles = _gazetteer()
    feats = []
    for r in rows:
        cercle, commune = _unit(r, names, grid, cercles)
        point = (float(r["latitude"]), float(r["longitude"])) if r["latitude"] else None
        feats.append(
            (
                datetime.date.fromisoformat(r["event_date"]).toordinal(),
                cercle,
                commune,
                point,
                normalize_name(r["location"]),
                _kind(r["event_label"]),
                normalize_name(r["perpetrator"]),
                int(r["killed"]) if r["killed"] else None,
                r["source"],
                r["date_precision"] != "day",
            )
        )
    by_day: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        by_day[f[0]].append(i)
    pairs = []
    for i, f in enumerate(feats):
        for day in range(f[0], f[0] + 4):
            for j in by_day.get(day, ()):
                if j <= i and day == f[0]:
                    continue
                g = feats[j]
                if f[1] and g[1] and f[1] != g[1]:
                    continue
                if f[8] != g[8]:
                    pairs.append((i, j))
    return feats, pairs


def _levels(f: tuple, g: tuple) -> tuple:
    gap = abs(f[0] - g[0])
    if f[3] and g[3]:
        km = 111.32 * ((f[3][0] - g[3][0]) ** 2 + (f[3][1] - g[3][1]) ** 2) ** 0.5
        distance = next(i for i, limit in enumerate((2, 5, 10, 20, 1e9)) if km < limit)
    else:
        distance = -1
    commune = "same" if f[2] and f[2] == g[2] else "other" if f[2] and g[2] else "unknown"
    kind = (
        "?"
        if not f[5] or not g[5]
        else "="
        if f[5] == g[5]
        else f"{min(f[5], g[5])}|{max(f[5], g[5])}"
    )
    actor = "?" if not f[6] or not g[6] else "=" if f[6] == g[6] else "!="
    if f[7] is None or g[7] is None:
        killed = "?"
    else:
        high = max(f[7], g[7])
        killed = "=" if f[7] == g[7] else "~" if abs(f[7] - g[7]) <= 0.4 * high else "!="
    return (
        ("gap", min(gap, 3), f[9] or g[9]),
        ("distance", distance),
        ("commune", commune, bool(f[1]) and bool(g[1])),
        ("place", f[4] == g[4]),
        ("kind", kind),
        ("actor", actor),
        ("killed", killed),
    )


def supervised_reference(
    train: tuple[list[dict], dict[str, str]],
) -> Callable[[list[dict]], dict[str, str]]:
    """Naive Bayes over the comparisons above, its counts taken from a file with its truth
    (another seed of the same family and vocabulary), threshold 0; best pairs joined first,
    never two reports of one source. What these fields allow when the answers are known."""
    import math

    rows, truth = train
    feats, pairs = _features(rows)
    counts: dict[bool, dict[tuple, int]] = {True: defaultdict(int), False: defaultdict(int)}
    totals = {True: 0, False: 0}
    for i, j in pairs:
        match = truth[rows[i]["report_id"]] == truth[rows[j]["report_id"]]
        totals[match] += 1
        for level in _levels(feats[i], feats[j]):
            counts[match][level] += 1
    prior = math.log(max(1, totals[True]) / max(1, totals[False]))

    def weight(level: tuple) -> float:
        m = (counts[True].get(level, 0) + 0.5) / (totals[True] + 1)
        u = (counts[False].get(level, 0) + 0.5) / (totals[False] + 1)
        return math.log(m / u)

    def predict(test_rows: list[dict]) -> dict[str, str]:
        feats, pairs = _features(test_rows)
        scored = sorted(
            ((prior + sum(weight(x) for x in _levels(feats[i], feats[j])), i, j) for i, j in pairs),
            reverse=True,
        )
        parent = list(range(len(test_rows)))
        sources = [{f[8]} for f in feats]

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for score, i, j in scored:
            if score < 0:
                break
            a, b = find(i), find(j)
            if a != b and not sources[a] & sources[b]:
                parent[b] = a
                sources[a] |= sources[b]
        return {r["report_id"]: f"S{find(i)}" for i, r in enumerate(test_rows)}

    return predict


# --------------------------------------------------------------------------------------------
# The run


def _methods(
    with_splink: bool, with_hand_set: bool
) -> list[tuple[str, Callable[[list[dict]], dict[str, str] | None]]]:
    methods: list[tuple[str, Callable[[list[dict]], dict[str, str] | None]]] = [
        ("Vigie (EM weights)", lambda rows: link([as_link_report(r) for r in rows]).incident_of),
        ("exact key (date + cercle)", exact_key_baseline),
        ("greedy heuristic", greedy_link),
    ]
    if with_hand_set:
        methods.insert(
            1,
            (
                "Vigie (hand-set weights)",
                lambda rows: link([as_link_report(r) for r in rows], learn=False).incident_of,
            ),
        )
    if with_splink:
        methods.append(("Splink 5", _existing_bench().splink_link))
    return methods


REFERENCE = "reference: naive Bayes with the truth of another seed"


def run(
    incidents: int,
    seeds: list[int],
    families: list[str],
    halves: list[str],
    with_splink: bool,
    with_reference: bool = True,
    with_hand_set: bool = False,
) -> list[dict]:
    results = []
    for seed in seeds:
        for half in halves:
            for family in families:
                rows, truth = generate(incidents, seed, family, half)
                methods = _methods(with_splink, with_hand_set)
                if with_reference:
                    trained = supervised_reference(generate(incidents, seed + 100, family, half))
                    methods.append((REFERENCE, trained))
                for name, method in methods:
                    start = time.perf_counter()
                    predicted = method(rows)
                    seconds = time.perf_counter() - start
                    if predicted is None:  # Splink not installed
                        continue
                    pair, cube = pairwise_scores(truth, predicted), bcubed_scores(truth, predicted)
                    results.append(
                        {
                            "seed": seed,
                            "vocabulary": half,
                            "family": family,
                            "method": name,
                            "reports": len(rows),
                            "incidents": incidents,
                            "pair": pair.as_dict(),
                            "bcubed": cube.as_dict(),
                            "seconds": seconds,
                        }
                    )
                    print(
                        f"seed {seed} {half:7} {family:6} {name:26} {len(rows):6,} reports: "
                        f"pairwise {pair}  B-cubed {cube}  {seconds:.1f} s",
                        flush=True,
                    )
    return results


def _spread(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f} ({min(values):.3f})"


def table(results: list[dict]) -> str:
    """Markdown: one line per vocabulary, family and method, figures over the seeds."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in results:
        groups[(r["vocabulary"], r["family"], r["method"])].append(r)
    lines = [
        "| vocabulary | family | method | reports | pair P | pair R | pair F1 ± sd (min) | B3 P | B3 R "
        "| B3 F1 ± sd (min) | seconds |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = {name: i for i, name in enumerate(dict.fromkeys(r["method"] for r in results))}
    for (half, family, method), runs in sorted(
        groups.items(),
        key=lambda item: (
            VOCABULARIES.index(item[0][0]),
            list(FAMILIES).index(item[0][1]),
            order[item[0][2]],
        ),
    ):
        mean = statistics.mean
        lines.append(
            f"| {half} | {family} | {method} | {mean(r['reports'] for r in runs):,.0f} "
            f"| {mean(r['pair']['precision'] for r in runs):.3f} | {mean(r['pair']['recall'] for r in runs):.3f} "
            f"| {_spread([r['pair']['f1'] for r in runs])} "
            f"| {mean(r['bcubed']['precision'] for r in runs):.3f} | {mean(r['bcubed']['recall'] for r in runs):.3f} "
            f"| {_spread([r['bcubed']['f1'] for r in runs])} | {mean(r['seconds'] for r in runs):.1f} |"
        )
    return "\n".join(lines)


def matrix(results: list[dict]) -> str:
    """Markdown: pairwise F1 and B-cubed F1 (mean ± sd over seeds) by file and method."""
    methods = list(dict.fromkeys(r["method"] for r in results))
    cells: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in results:
        cells[(r["vocabulary"], r["family"], r["method"])].append(r)
    lines = [
        "| vocabulary | family | " + " | ".join(methods) + " |",
        "|---|---|" + "---:|" * len(methods),
    ]
    for half in VOCABULARIES:
        for family in FAMILIES:
            row = []
            for method in methods:
                runs = cells.get((half, family, method))
                if not runs:
                    row.append("-")
                    continue
                pair = [r["pair"]["f1"] for r in runs]
                cube = [r["bcubed"]["f1"] for r in runs]
                sd = statistics.stdev(pair) if len(pair) > 1 else 0.0
                row.append(f"{statistics.mean(pair):.2f} ± {sd:.2f} / {statistics.mean(cube):.2f}")
            if any(cell != "-" for cell in row):
                lines.append(f"| {half} | {family} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def summary(results: list[dict]) -> str:
    """Markdown: tuning families with the build vocabulary against held-out families and vocabulary."""
    sets = (
        ("tuning families, build vocabulary", TUNING_FAMILIES, "build"),
        ("held-out families, build vocabulary", HELDOUT_FAMILIES, "build"),
        ("tuning families, held-out vocabulary", TUNING_FAMILIES, "heldout"),
        ("held-out families, held-out vocabulary", HELDOUT_FAMILIES, "heldout"),
    )
    methods = list(dict.fromkeys(r["method"] for r in results))
    lines = [
        "| method | " + " | ".join(name for name, _, _ in sets) + " |",
        "|---|" + "---:|" * len(sets),
    ]
    for method in methods:
        cells = []
        for _, families, half in sets:
            runs = [
                r
                for r in results
                if r["method"] == method and r["family"] in families and r["vocabulary"] == half
            ]
            if not runs:
                cells.append("-")
                continue
            # Per seed, the mean over the families of the set; then the spread over seeds.
            by_seed: dict[int, list[dict]] = defaultdict(list)
            for r in runs:
                by_seed[r["seed"]].append(r)
            pair = [statistics.mean(r["pair"]["f1"] for r in rs) for rs in by_seed.values()]
            cube = [statistics.mean(r["bcubed"]["f1"] for r in rs) for rs in by_seed.values()]
            cells.append(f"pair {_spread(pair)}<br>B3 {_spread(cube)}")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scale(reports_wanted: int, new: int, seed: int, family: str, half: str) -> None:
    """Link about ``reports_wanted`` reports of one file at once, then attach ``new`` more of it
    with ``Linker.add`` (without relinking), as ``bench/linkage/run.py --scale`` does."""
    import random

    start = time.perf_counter()
    rows, truth = generate(int(reports_wanted / 2.45), seed, family, half)
    reports = [as_link_report(row) for row in rows]
    del rows
    random.Random(seed).shuffle(reports)
    held, fresh = reports[new:], reports[:new]
    print(f"generated {len(reports):,} reports in {time.perf_counter() - start:.0f} s", flush=True)
    linker = Linker()
    start = time.perf_counter()
    first = linker.add(held)
    elapsed = time.perf_counter() - start
    held_truth = {r.report_id: truth[r.report_id] for r in held}
    pair = pairwise_scores(held_truth, first.incident_of)
    cube = bcubed_scores(held_truth, first.incident_of)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"linked {len(held):,} reports in {elapsed:.1f} s "
        f"({first.comparisons / len(held):.1f} comparisons/report); pairwise {pair}; "
        f"B-cubed {cube}; peak memory so far {peak:.0f} MiB",
        flush=True,
    )
    start = time.perf_counter()
    linker.add(fresh)
    elapsed = time.perf_counter() - start
    after = linker.incident_of()
    pair, cube = pairwise_scores(truth, after), bcubed_scores(truth, after)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"attached {len(fresh):,} new reports to {len(held):,} in {elapsed:.1f} s; all reports now: "
        f"pairwise {pair}; B-cubed {cube}; peak memory {peak:.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=1_000)
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. N-1 (default 5)")
    parser.add_argument("--family", action="append", choices=list(FAMILIES))
    parser.add_argument("--vocabulary", action="append", choices=list(VOCABULARIES))
    parser.add_argument("--no-splink", action="store_true", help="leave Splink out")
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="leave out the naive Bayes trained with the truth of another seed",
    )
    parser.add_argument(
        "--hand-set", action="store_true", help="also the engine with its hand-set weights"
    )
    parser.add_argument(
        "--scale",
        type=int,
        metavar="REPORTS",
        help="time the engine alone: link this many reports of one file (the first --family and "
        "--vocabulary, default local/build), then attach --new more",
    )
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="write every run's figures to this file")
    args = parser.parse_args()
    if args.scale:
        family = (args.family or ["local"])[0]
        scale(args.scale, args.new, 0, family, (args.vocabulary or ["build"])[0])
        return
    start = time.perf_counter()
    results = run(
        args.incidents,
        list(range(args.seeds)),
        args.family or list(FAMILIES),
        args.vocabulary or list(VOCABULARIES),
        not args.no_splink,
        not args.no_reference,
        args.hand_set,
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(table(results))
    print()
    print(matrix(results))
    print()
    print(summary(results))
    print(f"\n{time.perf_counter() - start:.0f} s in all; peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
