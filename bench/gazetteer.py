"""The gazetteer: load time, point-in-polygon throughput, name resolution on perturbed real names.

    PYTHONPATH=src python bench/gazetteer.py                 # everything, SQLite
    DATABASE_URL=postgres://... python bench/gazetteer.py    # the load on PostgreSQL
    python bench/gazetteer.py --skip-load                    # no database: polygons and names only

Load: a fresh test database (migrated), then `load_gazetteer()` twice (the second run changes
nothing) and `Gazetteer.load()` (what an import reads). Polygons: 100,000 points near the GeoNames
villages (jittered by about 1 km) and 100,000 uniform over Mali's bounding box, against the 701
communes, with numpy (vigie.places.geometry) and with a per-point pure-Python ray cast (on 2,000
points: the figure the numpy code is measured against; shapely is not installed here). Names: 500
names drawn (seeded) from the alternatenames column of mali_places.tsv, each perturbed once (accents
removed or added, hyphen/space swapped, case, Peul/Peulh, a doubled or undoubled consonant,
ou/w/u), resolved with vigie.places.names through the whole shipped gazetteer, without and with the
place's cercle as context.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

if "PYTHONPATH" not in os.environ:  # PYTHONPATH=/other/checkout/src measures that checkout's loader
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_load() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from vigie.places.gazetteer import Gazetteer
        from vigie.places.models import Place, PlaceAlias
        from vigie.places.reference import load_gazetteer

        started = time.perf_counter()
        try:
            from vigie.places.mali import shipped_entries

            shipped_entries()
            built = time.perf_counter() - started
        except ImportError:  # the hand-made gazetteer only (before the shipped data)
            built = 0.0
        started = time.perf_counter()
        first = load_gazetteer()
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = load_gazetteer()
        second_s = time.perf_counter() - started
        started = time.perf_counter()
        Gazetteer.load()
        read_s = time.perf_counter() - started
        print(
            f"load [{connection.vendor}]: entries built {built:.2f} s; first load {first_s:.2f} s "
            f"{first}; again {second_s:.2f} s {second}; Gazetteer.load {read_s:.2f} s; "
            f"{Place.objects.count()} places, {PlaceAlias.objects.count()} other spellings; "
            f"peak {peak_mib():.0f} MiB"
        )
    finally:
        runner.teardown_databases(old)


def ray_cast_python(lat: float, lon: float, rings: list) -> bool:
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def bench_polygons() -> None:
    from vigie.places.geometry import PolygonIndex
    from vigie.places.mali import read_features, read_places

    features = read_features("mali_adm3.geojson")
    started = time.perf_counter()
    index = PolygonIndex(
        [f["properties"]["shapeID"] for f in features], [f["geometry"] for f in features]
    )
    build_s = time.perf_counter() - started
    rows = read_places()
    rng = np.random.default_rng(7)
    lat0 = np.array([float(r["latitude"]) for r in rows])
    lon0 = np.array([float(r["longitude"]) for r in rows])
    pick = rng.integers(0, len(rows), 100_000)
    near = (lat0[pick] + rng.normal(0, 0.01, 100_000), lon0[pick] + rng.normal(0, 0.01, 100_000))
    uniform = (rng.uniform(10.1, 25.1, 100_000), rng.uniform(-12.3, 4.3, 100_000))
    print(f"polygons: 701 communes indexed in {build_s:.2f} s")
    for label, (lat, lon) in (("near villages", near), ("uniform over the box", uniform)):
        best = []
        for _ in range(3):
            started = time.perf_counter()
            found = index.locate(lat, lon)
            best.append(time.perf_counter() - started)
        rate = len(lat) / min(best)
        print(
            f"  numpy, 100,000 points {label}: {min(best):.3f} s (best of 3; runs "
            f"{', '.join(f'{b:.3f}' for b in best)}) = {rate:,.0f} points/s; "
            f"{(found >= 0).mean():.1%} inside a commune"
        )
    # per point, pure Python (bounding boxes first, as the numpy code does)
    rings = []
    boxes = []
    for f in features:
        geometry = f["geometry"]
        polys = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        these = [ring for poly in polys for ring in poly]
        xs = [p[0] for ring in these for p in ring]
        ys = [p[1] for ring in these for p in ring]
        rings.append(these)
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    sample = list(zip(near[0][:2000].tolist(), near[1][:2000].tolist(), strict=True))
    started = time.perf_counter()
    python_found = []
    for lat, lon in sample:
        hit = -1
        for i, (x1, y1, x2, y2) in enumerate(boxes):
            if x1 <= lon <= x2 and y1 <= lat <= y2 and ray_cast_python(lat, lon, rings[i]):
                hit = i
                break
        python_found.append(hit)
    python_s = time.perf_counter() - started
    agree = np.mean(np.array(python_found) == index.locate(near[0][:2000], near[1][:2000]))
    print(
        f"  pure Python per point, 2,000 points: {python_s:.2f} s = {2000 / python_s:,.0f} "
        f"points/s (same answers: {agree:.1%}); locate_one: ",
        end="",
    )
    started = time.perf_counter()
    for lat, lon in sample:
        index.locate_one(lat, lon)
    one_s = time.perf_counter() - started
    print(f"{one_s / len(sample) * 1e6:.0f} µs a point")
    # agreement with the TSV's own columns (computed on the unsimplified boundaries)
    inside = [i for i, r in enumerate(rows) if r["location_match"] == "inside"]
    found = index.locate(lat0[inside], lon0[inside])
    same = sum(
        1
        for i, f in zip(inside, found, strict=True)
        if f >= 0 and index.keys[f] == rows[i]["commune_shapeID"]
    )
    print(
        f"  agreement with the TSV's commune on its {len(inside):,} 'inside' rows: "
        f"{same:,} ({same / len(inside):.2%})"
    )


ACCENTS = {"e": "é", "a": "à", "i": "ï", "o": "ô"}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def perturb(name: str, rng: random.Random) -> tuple[str, str]:
    options = []
    if strip_accents(name) != name:
        options.append(("accents removed", strip_accents(name)))
    for plain, accented in ACCENTS.items():
        if plain in name:
            options.append(("accent added", name.replace(plain, accented, 1)))
            break
    if "-" in name:
        options.append(("hyphen to space", name.replace("-", " ")))
    if " " in name:
        options.append(("space to hyphen", name.replace(" ", "-")))
    lowered = name.lower()
    if lowered.endswith("peul") or lowered.endswith("peulh"):
        options.append(("Peul/Peulh", name + "h" if lowered.endswith("peul") else name[:-1]))
    for double in ("ss", "nn", "ll", "rr", "tt"):
        if double in name:
            options.append(("undoubled", name.replace(double, double[0], 1)))
            break
    else:
        for single in "snlrt":
            position = name.find(single, 1)
            if 0 < position < len(name) - 1:
                options.append(("doubled", name[:position] + single + name[position:]))
                break
    if "ou" in name:
        options.append(("ou to u", name.replace("ou", "u", 1)))
    options.append(("upper case", name.upper()))
    return rng.choice(options)


def bench_names() -> None:
    from vigie.linkage.reference import Reference
    from vigie.places.mali import read_places

    started = time.perf_counter()
    ref = Reference.load_full()
    print(f"names: whole gazetteer read without Django in {time.perf_counter() - started:.2f} s")
    from vigie.places.mali import shipped_entries

    code_of_geonameid = {}
    for entry in shipped_entries():
        if entry.external_id.startswith("geonames:"):
            code_of_geonameid[entry.external_id.split(":", 1)[1]] = entry.code
    rows = [r for r in read_places() if r["alternatenames"] and r["location_match"] != "outside"]
    rng = random.Random(12)
    pairs = []
    while len(pairs) < 500:
        row = rng.choice(rows)
        name = rng.choice([a for a in row["alternatenames"].split(",") if a.strip()])
        if not name.isascii() and not strip_accents(name).isascii():
            continue  # Arabic or Cyrillic spellings: not what reports use
        pairs.append((row, name))
    spelled_as = [perturb(name, rng) for _row, name in pairs]
    kinds: dict[str, int] = {}
    for how, _spelled in spelled_as:
        kinds[how] = kinds.get(how, 0) + 1
    for context in (False, True):
        tally = {"correct": 0, "ambiguous (right one among them)": 0, "wrong": 0, "unknown": 0}
        by_key = 0
        started = time.perf_counter()
        for (row, _name), (_how, spelled) in zip(pairs, spelled_as, strict=True):
            truth = code_of_geonameid[row["geonameid"]]
            cercle = ref.ancestor_of_kind(truth, "cercle") if context else ""
            match = ref.resolve_place(spelled, cercle=cercle, kinds=("locality",))
            by_key += match.by_key
            if match.status == "found":
                tally["correct" if match.id == truth else "wrong"] += 1
            elif match.status == "ambiguous":
                key = "ambiguous (right one among them)" if truth in match.ids else "wrong"
                tally[key] += 1
            else:
                tally["unknown"] += 1
        elapsed = time.perf_counter() - started
        label = "with the place's cercle" if context else "name alone"
        print(
            f"  {label}: "
            + ", ".join(f"{k} {v}" for k, v in tally.items())
            + f"; through the search key {by_key}; {elapsed * 1000 / len(pairs):.2f} ms a name"
        )
    print("  perturbations: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()
    if not args.skip_load:
        bench_load()
    if not args.load_only:
        bench_polygons()
        bench_names()


if __name__ == "__main__":
    main()
