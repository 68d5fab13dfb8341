"""The gazetteer that ships with Vigie, as one list of entries: plain Python (no Django).

Two sources, merged here at load time (the shipped files stay as they came):

- ``data/mali_places.csv``: the hand-made gazetteer (countries, the current regions including
  Ménaka and Taoudénit, cercles, some communes, villages named in reports); its codes are kept,
  since incidents, the demo and tests refer to them;
- ``data/mali/``: geoBoundaries polygons of the 9 older regions, 50 cercles and 701 communes, and
  14,889 GeoNames populated places with their other spellings, cercle and commune (see its README
  for the licences and the attribution texts that must be shown).

A boundary or a GeoNames place that matches a hand-made entry (same name or spelling, in the same
region or cercle) completes that entry; the others become new entries. Cercles hang from the
current regions (the Ménaka cercle of the 2017 boundaries from the Ménaka region); the region
polygons are the older 9-region layout (Gao includes Ménaka, Tombouctou includes Taoudénit), so the
region of a point is read from its cercle, not from the region polygons.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from vigie.core.text import normalize_name, slugify_ascii

from .names import search_key

DATA = Path(__file__).parent / "data"
CURATED = DATA / "mali_places.csv"
MALI_DIR = DATA / "mali"

REGION_SPELLINGS = {"koulikouro": "koulikoro"}
"""geoBoundaries names without accents are matched through the gazetteer's spellings; this one is
spelled otherwise in the source."""
CERCLE_REGION = {"menaka": "MLI.menaka"}
"""Cercles of the 2017 boundaries that belong to a region created later."""
MATCH_KM = 60.0
"""A GeoNames village completes a hand-made one of the same name and cercle within this distance
(the hand-made positions marked approximate can be 10-30 km out, more where uncertain)."""

SEATS = {"PPLC", "PPLA", "PPLA2", "PPLA3"}
"""GeoNames feature codes of the capital and the seats of regions and cercles: notable places."""

ATTRIBUTION_BOUNDARIES = (
    "Administrative boundaries of Mali: geoBoundaries (www.geoboundaries.org; Runfola et al. 2020, "
    "PLoS ONE 15(4): e0231866). Source: DNCT, DNP and UN OCHA Mali via the Humanitarian Data "
    "Exchange. CC BY 4.0. Simplified and modified."
)
ATTRIBUTION_PLACES = (
    "Place names and coordinates: GeoNames (www.geonames.org), CC BY. Filtered to populated "
    "places; administrative units added from geoBoundaries."
)


@dataclass
class Entry:
    code: str
    kind: str
    name: str
    parent_code: str
    latitude: float | None
    longitude: float | None
    aliases: list[str] = field(default_factory=list)
    pcode: str = ""
    note: str = ""
    external_id: str = ""  # geoBoundaries shapeID or "geonames:<id>"
    boundary: dict | None = None  # GeoJSON geometry (lon/lat)
    notable: bool = False  # hand-made entry, or a GeoNames administrative seat


def _float(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def read_curated(path: Path = CURATED) -> list[Entry]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            Entry(
                code=row["code"],
                kind=row["kind"],
                name=row["name"].strip(),
                parent_code=(row.get("parent_code") or "").strip(),
                latitude=_float(row.get("latitude")),
                longitude=_float(row.get("longitude")),
                aliases=[a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip()],
                pcode=(row.get("pcode") or "").strip(),
                note=(row.get("note") or "").strip()[:300],
                notable=True,
            )
            for row in csv.DictReader(handle)
        ]


def read_features(name: str, mali_dir: Path = MALI_DIR) -> list[dict]:
    with open(mali_dir / name, encoding="utf-8") as handle:
        return json.load(handle)["features"]


def read_places(mali_dir: Path = MALI_DIR) -> list[dict[str, str]]:
    with open(mali_dir / "mali_places.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(min(1.0, a)))


def _commune_name(name: str) -> str:
    """'Mopti Commune' (the urban commune of a cercle town, in the source) is the commune Mopti."""
    return name[: -len(" Commune")] if name.endswith(" Commune") else name


def _keys(names: Iterable[str]) -> set[str]:
    return {search_key(name) for name in names if search_key(name)}


def _add_aliases(entry: Entry, names: Iterable[str]) -> None:
    seen = {normalize_name(entry.name)} | {normalize_name(a) for a in entry.aliases}
    for name in names:
        name = name.strip()
        normalized = normalize_name(name)
        if name and normalized and normalized not in seen:
            entry.aliases.append(name[:200])
            seen.add(normalized)


class _Codes:
    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)

    def new(self, stem: str, ending: str) -> str:
        code = stem[:110]
        if code in self.taken:
            code = f"{stem[:100]}-{ending}"
        self.taken.add(code)
        return code


def build_entries(curated_path: Path = CURATED, mali_dir: Path = MALI_DIR) -> list[Entry]:
    """Every entry of the shipped gazetteer, parents before children."""
    curated = read_curated(curated_path)
    by_code = {entry.code: entry for entry in curated}
    codes = _Codes(by_code)

    def names_of(entry: Entry) -> list[str]:
        return [entry.name, *entry.aliases]

    def ancestor(code: str, kind: str) -> str:
        seen = 0
        while code and seen < 10:
            entry = by_code.get(code)
            if entry is None:
                return ""
            if entry.kind == kind:
                return code
            code, seen = entry.parent_code, seen + 1
        return ""

    # regions: the 9 polygons on the current regions of the same name
    region_by_name: dict[str, Entry] = {}
    for entry in curated:
        if entry.kind == "region":
            for name in names_of(entry):
                region_by_name.setdefault(normalize_name(name), entry)
    region_of_shape: dict[str, Entry] = {}
    for feature in read_features("mali_adm1.geojson", mali_dir):
        props = feature["properties"]
        name = normalize_name(props["shapeName"])
        region = region_by_name[REGION_SPELLINGS.get(name, name)]
        region.boundary = feature["geometry"]
        region.external_id = props["shapeID"]
        region_of_shape[props["shapeID"]] = region

    # cercles: matched by name to a hand-made cercle, preferring the polygon's region
    curated_cercles = [entry for entry in curated if entry.kind == "cercle"]
    cercle_of_shape: dict[str, Entry] = {}
    new_cercles: list[Entry] = []
    for feature in read_features("mali_adm2.geojson", mali_dir):
        props = feature["properties"]
        shape_key = search_key(props["shapeName"])
        region = region_of_shape[props["parentID"]]
        region_code = CERCLE_REGION.get(normalize_name(props["shapeName"]), region.code)
        matches = [c for c in curated_cercles if shape_key in _keys(names_of(c))]
        matches.sort(key=lambda c: c.parent_code != region_code)
        if matches and not matches[0].external_id:
            cercle = matches[0]
        else:
            slug = slugify_ascii(props["shapeName"])
            cercle = Entry(
                codes.new(f"{region_code}.{slug}", props["shapeID"][-6:]),
                "cercle",
                props["shapeName"],
                region_code,
                None,
                None,
            )
            new_cercles.append(cercle)
        cercle.boundary = feature["geometry"]
        cercle.external_id = props["shapeID"]
        cercle_of_shape[props["shapeID"]] = cercle

    places = read_places(mali_dir)
    places.sort(key=lambda row: int(row["geonameid"]))
    places_in_commune: dict[str, list[dict[str, str]]] = {}
    for row in places:
        places_in_commune.setdefault(row["commune_shapeID"], []).append(row)

    # communes: matched by name to a hand-made commune of the same cercle
    curated_communes: dict[str, list[Entry]] = {}
    for entry in curated:
        if entry.kind == "commune":
            curated_communes.setdefault(entry.parent_code, []).append(entry)
    commune_of_shape: dict[str, Entry] = {}
    new_communes: list[Entry] = []
    features = read_features("mali_adm3.geojson", mali_dir)
    # exact spellings first, then near ones ('Doucoumbo' / 'Doucombo') among what is left
    chosen: dict[str, Entry] = {}
    for near in (False, True):
        for feature in features:
            props = feature["properties"]
            if props["shapeID"] in chosen:
                continue
            cercle = cercle_of_shape[props["parentID"]]
            shape_key = search_key(_commune_name(props["shapeName"]))
            taken = {entry.code for entry in chosen.values()}
            for candidate in curated_communes.get(cercle.code, []):
                if candidate.code in taken:
                    continue
                keys = _keys(names_of(candidate))
                if shape_key in keys or (
                    near and max(SequenceMatcher(None, shape_key, k).ratio() for k in keys) >= 0.85
                ):
                    chosen[props["shapeID"]] = candidate
                    break
    for feature in features:
        props = feature["properties"]
        cercle = cercle_of_shape[props["parentID"]]
        commune = chosen.get(props["shapeID"])
        if commune is not None:
            _add_aliases(commune, [props["shapeName"]])
        else:
            name = _commune_name(props["shapeName"])
            # the source drops accents: take them back from a village of the same name inside
            for row in places_in_commune.get(props["shapeID"], []):
                if normalize_name(row["name"]) == normalize_name(name):
                    name = row["name"]
                    break
            commune = Entry(
                codes.new(f"{cercle.code}.{slugify_ascii(name)}", props["shapeID"][-6:]),
                "commune",
                name,
                cercle.code,
                None,
                None,
            )
            _add_aliases(commune, [props["shapeName"]])
            new_communes.append(commune)
        commune.boundary = feature["geometry"]
        commune.external_id = props["shapeID"]
        commune_of_shape[props["shapeID"]] = commune
    by_code.update({entry.code: entry for entry in new_cercles + new_communes})
    communes_in: dict[str, list[Entry]] = {}
    for area in commune_of_shape.values():
        communes_in.setdefault(area.parent_code, []).append(area)

    # localities: a GeoNames place completes a hand-made village of the same name and cercle
    curated_by_key: dict[tuple[str, str], list[Entry]] = {}
    for entry in curated:
        if entry.kind == "locality":
            cercle_code = ancestor(entry.parent_code, "cercle")
            for key in _keys(names_of(entry)):
                curated_by_key.setdefault((cercle_code, key), []).append(entry)
    pairs: list[tuple[float, int, Entry]] = []
    for index, row in enumerate(places):
        commune = commune_of_shape.get(row["commune_shapeID"])
        if commune is None:
            continue
        names = [row["name"], row["asciiname"], *row["alternatenames"].split(",")]
        seen_here: set[str] = set()
        for key in _keys(names):
            for entry in curated_by_key.get((commune.parent_code, key), []):
                if entry.code in seen_here or entry.latitude is None or entry.longitude is None:
                    continue
                seen_here.add(entry.code)
                km = _km(
                    entry.latitude,
                    entry.longitude,
                    float(row["latitude"]),
                    float(row["longitude"]),
                )
                if km <= MATCH_KM:
                    pairs.append((km, index, entry))
    matched: dict[int, Entry] = {}
    used: set[str] = set()
    for _km_apart, index, entry in sorted(pairs, key=lambda p: (p[0], p[1], p[2].code)):
        if index not in matched and entry.code not in used:
            matched[index] = entry
            used.add(entry.code)

    new_places: list[Entry] = []
    for index, row in enumerate(places):
        commune = commune_of_shape.get(row["commune_shapeID"])
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        names = [row["name"], row["asciiname"], *row["alternatenames"].split(",")]
        external_id = f"geonames:{row['geonameid']}"
        known = matched.get(index)
        if known is not None:
            _add_aliases(known, names)
            known.external_id = external_id
            if commune is not None and by_code[known.parent_code].kind != "commune":
                # a town gives its name to its commune (Ségou): that commune, where the simplified
                # polygons put the town's point in the next one; otherwise the polygon's commune
                own = _keys(names_of(known))
                namesake = [
                    c
                    for c in communes_in.get(commune.parent_code, [])
                    if search_key(_commune_name(c.name)) in own
                ]
                known.parent_code = namesake[0].code if len(namesake) == 1 else commune.code
            if "approximate" in known.note or "uncertain" in known.note:
                known.latitude, known.longitude = latitude, longitude
                known.note = ("position from GeoNames; was: " + known.note)[:300]
            continue
        if commune is not None:
            stem, parent = f"{commune.parent_code}.loc.{slugify_ascii(row['name'])}", commune.code
            note = (
                "GeoNames position just outside the boundaries: commune of the nearest border"
                if row["location_match"] == "nearest"
                else ""
            )
        else:
            stem, parent = f"MLI.loc.{slugify_ascii(row['name'])}", "MLI"
            note = "GeoNames position outside Mali's communes (known to be wrong): no commune"
        place = Entry(
            codes.new(stem, row["geonameid"]),
            "locality",
            row["name"],
            parent,
            latitude,
            longitude,
            note=note,
            external_id=external_id,
            notable=row["feature_code"] in SEATS,
        )
        _add_aliases(place, names)
        new_places.append(place)

    entries = curated + new_cercles + new_communes + new_places
    order = {"country": 0, "region": 1, "cercle": 2, "commune": 3, "locality": 4}
    # parents first: by kind, then a locality under a locality (none today) after its parent
    return sorted(entries, key=lambda entry: order[entry.kind])


@lru_cache(maxsize=1)
def shipped_entries() -> tuple[Entry, ...]:
    """The shipped gazetteer, built once per process (about a second)."""
    return tuple(build_entries())
