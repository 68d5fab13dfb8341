"""Synthetic incidents and the noisy, multi-source reports about them, with the truth.

Plain standard library, deterministic by seed. Incidents are drawn from the real gazetteer
(``places/data/mali_places.csv``) and actor dictionary (``actors/data/sahel_actors.json``);
each incident is reported by 1 to 5 distinct sources, each report distorting it the way
real ones do:

* event date off by up to 2 days, published 0 to 10 days after the incident;
* coordinates off by up to 10 km, or no coordinates and only the commune's
  (``geo_precision`` admin3) or the cercle's (admin2) name; place names in another spelling
  from the gazetteer's alt_names; region or cercle sometimes missing;
* the perpetrator by any alias of the dictionary in the source's language (French, English,
  acronym, ACLED), sometimes by its parent, sometimes as "hommes armés non identifiés";
* the event label in French or English, sometimes a neighbouring type (attack/massacre/killing);
* the toll off by up to 40%, or missing.

About 30% of the incidents share their day, cercle and perpetrator with another incident in
a nearby village, as in central Mali, so that date + cercle is not a key.

``iter_reports`` streams (report, incident id) one incident at a time; ``generate`` collects
and shuffles them.
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import vigie

__all__ = ["COLUMNS", "generate", "iter_reports", "write_csv", "SOURCES"]

COLUMNS = (
    "report_id",
    "source",
    "published",
    "event_date",
    "location",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "perpetrator",
    "target",
    "event_label",
    "killed",
    "date_precision",
    "geo_precision",
)

_DATA = Path(vigie.__file__).resolve().parent  # the reference data of the vigie package
_PLACES = _DATA / "places" / "data" / "mali_places.csv"
_ACTORS = _DATA / "actors" / "data" / "sahel_actors.json"

START = date(2019, 1, 1)
DAYS = 3 * 365
DENSITY = 2000 / DAYS
"""Incidents per day across the five regions (about 1.8, of the order of Mali's recorded violence
against civilians at its 2019-2022 height). Larger runs cover more days at the same density rather
than crowding more incidents into each day and cercle than any real conflict has."""

# (name, language): "fr", "en", or "both" (the language is drawn per report).
SOURCES: tuple[tuple[str, str], ...] = (
    ("Studio Tamani", "fr"),
    ("RFI", "fr"),
    ("AFP", "both"),
    ("Reuters", "en"),
    ("Radio Kledu", "fr"),
    ("Radio Jamana", "fr"),
    ("Radio Guintan", "fr"),
    ("Radio Dandé Douentza", "fr"),
    ("Radio Soudou Baba", "fr"),
    ("Radio Naata Ménaka", "fr"),
    ("ORTM", "fr"),
    ("L'Essor", "fr"),
    ("Maliweb", "fr"),
    ("Malijet", "fr"),
    ("Jeune Afrique", "fr"),
    ("Le Monde Afrique", "fr"),
    ("VOA Afrique", "fr"),
    ("Al Jazeera", "en"),
    ("MINUSMA", "both"),
    ("OHCHR", "en"),
    ("HRW", "en"),
    ("Amnesty International", "en"),
    ("AMDH", "fr"),
    ("Tabital Pulaaku", "fr"),
    ("Ginna Dogon", "fr"),
    ("Association Kisal", "fr"),
    ("Gouvernement du Mali", "fr"),
    ("FAMa (communiqué)", "fr"),
    ("OCHA", "en"),
    ("ACLED", "acled"),
)

_REGIONS = {"MLI.mopti": 50, "MLI.segou": 16, "MLI.tombouctou": 14, "MLI.gao": 12, "MLI.menaka": 8}

_PERPETRATORS = {
    "MLI.mopti": {
        "katiba_macina": 15,
        "jnim": 8,
        "dan_na_ambassagou": 8,
        "fama": 10,
        "wagner_group": 6,
        "dozo_militia_mali": 3,
        "fulani_militia_mali": 3,
        "unidentified_armed_group_mali": 8,
        "issp": 1,
        "katiba_serma": 2,
    },
    "MLI.segou": {
        "katiba_macina": 10,
        "jnim": 8,
        "fama": 8,
        "wagner_group": 3,
        "dozo_militia_mali": 6,
        "unidentified_armed_group_mali": 6,
    },
    "MLI.tombouctou": {
        "jnim": 10,
        "katiba_macina": 3,
        "fama": 8,
        "wagner_group": 4,
        "issp": 2,
        "unidentified_armed_group_mali": 6,
        "arab_militia_mali": 1,
    },
    "MLI.gao": {
        "issp": 15,
        "jnim": 6,
        "fama": 6,
        "wagner_group": 4,
        "msa": 2,
        "gatia": 2,
        "unidentified_armed_group_mali": 6,
    },
    "MLI.menaka": {
        "issp": 15,
        "jnim": 4,
        "fama": 5,
        "wagner_group": 3,
        "msa": 4,
        "gatia": 3,
        "unidentified_armed_group_mali": 6,
    },
}
_AIR = {"fama": 75, "operation_barkhane": 25}

# type: (weight, French labels, English labels, toll range)
_TYPES = {
    "massacre": (10, ("massacre", "tuerie de masse"), ("massacre", "mass killing"), (10, 160)),
    "attack": (
        30,
        ("attaque", "attaque contre un village", "attaque armée"),
        ("attack", "attack on village", "armed attack"),
        (1, 30),
    ),
    "killing": (
        22,
        ("tuerie", "assassinat", "exécutions sommaires"),
        ("killing", "killings", "summary executions"),
        (1, 10),
    ),
    "air_strike": (
        8,
        ("frappe aérienne", "frappe de drone", "bombardement"),
        ("air strike", "drone strike", "airstrike"),
        (2, 50),
    ),
    "abduction": (15, ("enlèvement", "rapt"), ("abduction", "kidnapping"), (0, 0)),
    "ambush": (15, ("embuscade",), ("ambush",), (1, 20)),
}
_CONFUSABLE = ("massacre", "attack", "killing")

_TARGETS = (
    ("villageois", "villagers"),
    ("civils", "civilians"),
    ("habitants", "residents"),
    ("bergers peuls", "Fulani herders"),
    ("cultivateurs dogons", "Dogon farmers"),
    ("passagers d'un car", "bus passengers"),
    ("commerçants", "traders"),
    ("forains", "market-goers"),
    ("déplacés", "displaced people"),
    ("fidèles", "worshippers"),
)
_UNIDENTIFIED = {
    "fr": ("hommes armés non identifiés", "individus armés", "hommes armés", "assaillants"),
    "en": ("unidentified gunmen", "unknown gunmen", "armed men", "assailants"),
}


@dataclass(frozen=True, eq=False)
class _Place:
    name: str
    alt_names: tuple[str, ...]
    latitude: float
    longitude: float
    commune: _Place | None
    cercle: _Place | None
    region: _Place | None


@dataclass(frozen=True)
class _World:
    regions: tuple[str, ...]
    region_weights: tuple[int, ...]
    villages: dict[str, tuple[_Place, ...]]  # region code -> villages
    by_cercle: dict[int, tuple[_Place, ...]]  # id(cercle) -> its villages
    actors: dict[str, dict]


@lru_cache(maxsize=1)
def _world() -> _World:
    with _PLACES.open(encoding="utf-8", newline="") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}
    built: dict[str, _Place] = {}

    def place(code: str) -> _Place:
        if code not in built:
            r = rows[code]
            parent = place(r["parent_code"]) if r["parent_code"] in rows else None
            kind = r["kind"]
            region = cercle = commune = None
            if kind in ("commune", "locality") and parent is not None:
                commune, cercle, region = parent.commune, parent.cercle, parent.region
            elif kind == "cercle":
                region = parent
            alts = tuple(a.strip() for a in r["alt_names"].split("|") if a.strip())
            p = _Place(
                r["name"],
                alts,
                float(r["latitude"]),
                float(r["longitude"]),
                commune,
                cercle,
                region,
            )
            # A place is its own commune / cercle / region when it is one.
            if kind in ("commune", "cercle", "region"):
                p = _Place(p.name, p.alt_names, p.latitude, p.longitude, None, p.cercle, p.region)
                object.__setattr__(
                    p, {"commune": "commune", "cercle": "cercle", "region": "region"}[kind], p
                )
            built[code] = p
        return built[code]

    villages: dict[str, list[_Place]] = {code: [] for code in _REGIONS}
    seen: set[tuple[str, str]] = set()
    for code in sorted(rows):
        r = rows[code]
        region_code = ".".join(code.split(".")[:2])
        if r["kind"] not in ("commune", "locality") or region_code not in villages:
            continue
        p = place(code)
        if p.cercle is None or (p.cercle.name, p.name) in seen:
            continue
        seen.add((p.cercle.name, p.name))
        villages[region_code].append(p)
    by_cercle: dict[int, list[_Place]] = {}
    for vs in villages.values():
        for v in vs:
            by_cercle.setdefault(id(v.cercle), []).append(v)
    with _ACTORS.open(encoding="utf-8") as f:
        actors = {a["key"]: a for a in json.load(f)["actors"]}
    regions = tuple(_REGIONS)
    return _World(
        regions,
        tuple(_REGIONS[r] for r in regions),
        {k: tuple(v) for k, v in villages.items()},
        {k: tuple(v) for k, v in by_cercle.items()},
        actors,
    )


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(tuple(table), weights=tuple(table.values()))[0]


def _incidents(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Incidents, in groups; ~30% of them share day, cercle and perpetrator with another.
    They fall over max(DAYS, n / DENSITY) days from START."""
    days = max(DAYS, math.ceil(n / DENSITY))
    world = _world()
    types = {k: v[0] for k, v in _TYPES.items()}
    ground = {k: w for k, w in types.items() if k != "air_strike"}
    made = 0
    while made < n:
        region = rng.choices(world.regions, weights=world.region_weights)[0]
        first = rng.choice(world.villages[region])
        neighbours = world.by_cercle[id(first.cercle)]
        size = 1
        if len(neighbours) > 1 and rng.random() < 0.15:
            size = min(len(neighbours), rng.choice((2, 2, 2, 3, 3, 4)))
        day = START + timedelta(days=rng.randrange(days))
        kind = _weighted(rng, types)
        perpetrator = _weighted(rng, _AIR if kind == "air_strike" else _PERPETRATORS[region])
        # The nearest other villages of the same cercle.
        others = sorted(
            (v for v in neighbours if v is not first),
            key=lambda v: (v.latitude - first.latitude) ** 2 + (v.longitude - first.longitude) ** 2,
        )
        for village in [first, *others[: size - 1]]:
            if made >= n:
                return
            if village is not first and kind != "air_strike" and rng.random() < 0.5:
                kind = _weighted(rng, ground)
            low, high = _TYPES[kind][3]
            killed = (
                low
                if high == low
                else min(high, low + int(rng.expovariate(1 / max(1, (high - low) / 4))))
            )
            yield {
                "id": f"I{made:07d}",
                "date": day,
                "place": village,
                "perpetrator": perpetrator,
                "type": kind,
                "target": rng.choice(_TARGETS),
                "killed": killed,
            }
            made += 1


def _spelling(rng: random.Random, place: _Place, p_alt: float = 0.35) -> str:
    if place.alt_names and rng.random() < p_alt:
        return rng.choice(place.alt_names)
    return place.name


def _actor_name(rng: random.Random, key: str, lang: str) -> str:
    actors = _world().actors
    roll = rng.random()
    if roll < 0.03:
        return ""
    if roll < 0.15 and not key.startswith("unidentified"):
        return rng.choice(_UNIDENTIFIED["en" if lang == "en" else "fr"])
    actor = actors[key]
    if actor["parent"] and roll < 0.30:
        actor = actors[actor["parent"]]
    wanted = {"fr": ("fr", "acronym"), "en": ("en", "acronym", "ucdp"), "acled": ("acled",)}[lang]
    names = [a["name"] for a in actor["aliases"] if a["lang"] in wanted]
    if not names and actor["parent"]:
        names = [a["name"] for a in actors[actor["parent"]]["aliases"] if a["lang"] in wanted]
    if not names:
        names = [a["name"] for a in actor["aliases"]] or [actor["name"]]
    if key.startswith("unidentified") and lang != "acled":
        names = list(_UNIDENTIFIED["en" if lang == "en" else "fr"])
    return rng.choice(names)


def _report(rng: random.Random, incident: dict[str, Any], source: str, lang: str) -> dict[str, str]:
    if lang == "both":
        lang = rng.choice(("fr", "en"))
    words = "en" if lang in ("en", "acled") else "fr"
    place: _Place = incident["place"]
    day: date = incident["date"]

    date_precision = "day" if rng.random() < 0.85 else "week"
    if date_precision == "day":
        shift = rng.choices((0, -1, 1, -2, 2), weights=(60, 12, 18, 4, 6))[0]
    else:
        shift = rng.randint(-2, 2)
    event_date = day + timedelta(days=shift)
    published = max(day + timedelta(days=rng.randint(0, 10)), event_date)

    roll = rng.random()
    latitude = longitude = ""
    if roll < 0.55:
        geo_precision = "point"
        location = _spelling(rng, place)
        radius = 10.0 * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        lat = place.latitude + radius * math.cos(angle) / 111.32
        lon = place.longitude + radius * math.sin(angle) / (111.32 * math.cos(math.radians(lat)))
        latitude, longitude = f"{lat:.4f}", f"{lon:.4f}"
    elif roll < 0.80 and place.commune is not None:
        geo_precision = "admin3"
        location = _spelling(rng, place.commune)
    else:
        geo_precision = "admin2"
        location = _spelling(rng, place.cercle)
    admin1 = "" if rng.random() < 0.08 else _spelling(rng, place.region, 0.3)
    admin2 = "" if rng.random() < 0.08 else _spelling(rng, place.cercle, 0.3)

    kind = incident["type"]
    if kind in _CONFUSABLE and rng.random() < 0.15:
        kind = rng.choice(_CONFUSABLE)
    fr_labels, en_labels = _TYPES[kind][1], _TYPES[kind][2]
    label = rng.choice(en_labels if words == "en" else fr_labels)

    target_roll = rng.random()
    if target_roll < 0.10:
        target = ""
    elif target_roll < 0.35:
        target = (
            "Civilians (Mali)" if lang == "acled" else ("civilians" if words == "en" else "civils")
        )
    else:
        target = incident["target"][1 if words == "en" else 0]

    true_killed = incident["killed"]
    if rng.random() < 0.2:
        killed = ""
    elif true_killed == 0 or rng.random() < 0.4:
        killed = str(true_killed)
    else:
        killed = str(max(0, round(true_killed * rng.uniform(0.6, 1.4))))

    return {
        "report_id": f"{rng.getrandbits(64):016x}",
        "source": source,
        "published": published.isoformat(),
        "event_date": event_date.isoformat(),
        "location": location,
        "admin1": admin1,
        "admin2": admin2,
        "latitude": latitude,
        "longitude": longitude,
        "perpetrator": _actor_name(rng, incident["perpetrator"], lang),
        "target": target,
        "event_label": label,
        "killed": killed,
        "date_precision": date_precision,
        "geo_precision": geo_precision,
    }


def iter_reports(n_incidents: int, seed: int = 0) -> Iterator[tuple[dict[str, str], str]]:
    """(report, true incident id), incident after incident: constant memory, any size."""
    rng = random.Random(seed)
    for incident in _incidents(n_incidents, rng):
        count = rng.choices((1, 2, 3, 4, 5), weights=(30, 30, 20, 12, 8))[0]
        for source, lang in rng.sample(SOURCES, count):
            yield _report(rng, incident, source, lang), incident["id"]


def generate(n_incidents: int, seed: int = 0) -> tuple[list[dict[str, str]], dict[str, str]]:
    """(reports in a shuffled order, truth: report_id -> incident id)."""
    reports: list[dict[str, str]] = []
    truth: dict[str, str] = {}
    for report, incident_id in iter_reports(n_incidents, seed):
        reports.append(report)
        truth[report["report_id"]] = incident_id
    random.Random(seed ^ 0x5EED).shuffle(reports)
    return reports, truth


def write_csv(path: str | Path, reports: Iterable[dict[str, str]]) -> None:
    """Write reports (any iterable, consumed once) as a UTF-8 link file."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(reports)
