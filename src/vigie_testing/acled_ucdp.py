"""Synthetic rows in the real file formats of ACLED and UCDP GED, for tests and benchmarks.

ACLED's terms forbid redistributing its data, so Vigie never ships ACLED rows: the test suite and the
benchmarks use rows generated here, in ACLED's (and UCDP GED's) column sets, vocabularies and quirks.
Every value is invented; places are real Malian admin units plus generated village names.

Standard library only, streaming (row by row) and deterministic for a given seed. The invented
names, places and phrases are data: data/acled_*.json and data/ucdp_ged.json beside this module.

    python -m vigie_testing.acled_ucdp acled 100000 /tmp/acled.csv --form monadic --inter-as words
    python -m vigie_testing.acled_ucdp ucdp 20000 /tmp/ged.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import string
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from heapq import heappop, heappush
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "ACLED_COLUMNS_CURRENT",
    "ACLED_COLUMNS_LEGACY",
    "UCDP_GED_COLUMNS",
    "DAMAGES",
    "AcledEvent",
    "acled_events",
    "write_acled",
    "ucdp_ged_rows",
    "write_ucdp_ged",
    "damage_rows",
    "main",
]

# --------------------------------------------------------------------------------------------------
# Column sets

ACLED_COLUMNS_CURRENT: list[str] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

ACLED_COLUMNS_LEGACY: list[str] = [
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
]

UCDP_GED_COLUMNS: list[str] = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "gwnoa",
    "gwnob",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]

# --------------------------------------------------------------------------------------------------
# ACLED vocabulary

INTER_WORDS: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

DISORDER_TYPES: dict[str, str] = {
    sub: "Political violence"
    for sub in (
        EVENT_TYPES["Battles"]
        + EVENT_TYPES["Explosions/Remote violence"]
        + EVENT_TYPES["Violence against civilians"]
    )
}
DISORDER_TYPES.update(
    {
        "Peaceful protest": "Demonstrations",
        "Protest with intervention": "Demonstrations",
        "Excessive force against protesters": "Political violence; Demonstrations",
        "Violent demonstration": "Demonstrations",
        "Mob violence": "Political violence",
    }
)
DISORDER_TYPES.update(
    {sub: "Strategic developments" for sub in EVENT_TYPES["Strategic developments"]}
)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_T_RECODE = 1552003200  # 2019-03-08: ACLED's big recoding touched every older event's timestamp.

# --------------------------------------------------------------------------------------------------
# The invented names, places, actors and phrases are data, read once at import from data/ beside this
# module: acled_places.json, acled_actors.json, acled_events.json (scenarios, sources, the note
# templates) and ucdp_ged.json. JSON has no tuples: the loaders below give back the tuples the
# generators were written with, so that a seed writes the same bytes as before.

_DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict[str, Any]:
    with open(_DATA / name, encoding="utf-8") as handle:
        return json.load(handle)


def _tuples(value: Any) -> Any:
    """JSON arrays as tuples, all the way down."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


def _admin(admin: dict[str, list[Any]]) -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
    """admin1 -> (weight, [(admin2, lat, lon, radius, communes)]) from its JSON arrays."""
    return {
        admin1: (weight, [tuple(cercle) for cercle in cercles])
        for admin1, (weight, cercles) in admin.items()
    }


_NOTE_FIELDS = ("d", "a1", "a2", "loc", "adm2", "adm1", "fat", "kill", "k")


def _note(template: str) -> _NoteFn:
    """A note template ("On {d}, {a1} clashed with {a2} near {loc} ...") as a note function.

    The named fields become positions ("On {0}, {1} ...") and the function is the template's own
    bound ``format``: a note is written per event; keyword formatting made generation about 25%
    slower than the f-strings these templates were, positional formatting is on par (50,000 events).
    """
    parts = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            if spec or conversion:
                raise ValueError(f"note template field {field!r}: only plain names are allowed")
            parts.append("{" + str(_NOTE_FIELDS.index(field)) + "}")
    return "".join(parts).format


_PLACES = _load("acled_places.json")
_ACTORS = _load("acled_actors.json")
_EVENTS = _load("acled_events.json")
_UCDP = _load("ucdp_ged.json")

# --------------------------------------------------------------------------------------------------
# Places. admin1 -> (weight of events, [(admin2, lat, lon, radius in degrees, communes)]).
# Cercle seats are real and roughly placed; communes are real names where known.

_MALI_ADMIN: dict[str, tuple[int, list[tuple[str, float, float, float, str]]]] = _admin(
    _PLACES["mali_admin"]
)

# Notable real localities (attached to their cercle; coordinates are generated near it).
_MALI_NOTABLE: dict[str, str] = _PLACES["mali_notable"]

# Syllables for generated villages: south (Bambara/Malinke), centre (Dogon/Fulani), north (Songhai/Tuareg/Arab).
_SYLL: dict[str, tuple[tuple[str, ...], ...]] = _tuples(_PLACES["syllables"])
_ZONE: dict[str, str] = _PLACES["zones"]

# --------------------------------------------------------------------------------------------------
# Actors. pool -> [(name, inter, first year, last year, weight)]; "{C}" is the country name.

_MALI_ACTORS: dict[str, list[tuple[str, int, int, int, int]]] = {
    pool: [tuple(entry) for entry in entries] for pool, entries in _ACTORS["mali_actors"].items()
}

_MALI_ASSOC: dict[str, tuple[str, ...]] = _tuples(_ACTORS["mali_assoc"])

_DESCRIPTIONS: dict[str, tuple[str, ...]] = _tuples(_ACTORS["descriptions"])

_GENERIC_DESC = {
    1: ("soldiers",),
    2: ("militants",),
    3: ("militiamen",),
    4: ("communal militiamen",),
    5: ("rioters",),
    6: ("protesters",),
    7: ("civilians",),
    8: ("foreign forces",),
}

# Other Sahel countries: a smaller gazetteer, generic actor names.
_OTHER_COUNTRIES: dict[str, dict[str, Any]] = {
    country: {
        **spec,
        "bbox": tuple(spec["bbox"]),
        "mil": [tuple(entry) for entry in spec["mil"]],
        "admin": _admin(spec["admin"]),
    }
    for country, spec in _PLACES["other_countries"].items()
}

# --------------------------------------------------------------------------------------------------
# Scenarios: (event type, sub-event type, actor1 pool, actor2 pool or "", weight, fatality profile, place).

_SCENARIOS: list[tuple[str, str, str, str, float, str, str]] = [
    tuple(scenario) for scenario in _EVENTS["scenarios"]
]

# Share of events per year (Mali's violence grows sharply from 2017).
_YEAR_WEIGHTS = {
    2012: 5,
    2013: 6,
    2014: 3,
    2015: 4,
    2016: 4,
    2017: 6,
    2018: 10,
    2019: 12,
    2020: 14,
    2021: 15,
    2022: 18,
    2023: 16,
    2024: 14,
}

_SOURCES: tuple[str, ...] = _tuples(_EVENTS["sources"])
_SCALES: tuple[str, ...] = _tuples(_EVENTS["source_scales"])

# --------------------------------------------------------------------------------------------------
# The event


@dataclass(slots=True)
class AcledEvent:
    """One synthetic ACLED event: the truth its rows are generated from (dyadic view)."""

    event_id_cnty: str
    event_id_no_cnty: int
    event_date: date
    year: int
    time_precision: int
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str
    inter1: int
    actor2: str
    assoc_actor_2: str
    inter2: int  # 0 when there is no actor2
    interaction: int
    civilian_targeting: str
    iso: int
    iso3: str
    region: str
    country: str
    admin1: str
    admin2: str
    admin3: str
    location: str
    latitude: float
    longitude: float
    geo_precision: int
    source: str
    source_scale: str
    notes: str
    fatalities: int
    tags: str
    timestamp: int

    @property
    def has_actor2(self) -> bool:
        return bool(self.actor2)


def interaction_code(inter1: int, inter2: int) -> int:
    """ACLED's interaction: the two actor types, smaller first (17, 48); 10 x inter1 without actor2."""
    if not inter2:
        return inter1 * 10
    return min(inter1, inter2) * 10 + max(inter1, inter2)


def interaction_words(code: int) -> str:
    """The 2024+ spelling of an interaction code: 'State forces-Civilians', 'Protesters only'."""
    first, second = divmod(code, 10)
    if not second:
        return f"{INTER_WORDS[first]} only"
    return f"{INTER_WORDS[first]}-{INTER_WORDS[second]}"


# --------------------------------------------------------------------------------------------------
# Country profiles (built once, independent of the seed)


@dataclass(slots=True)
class _Place:
    admin1: str
    admin2: str
    admin3: str
    location: str
    latitude: float
    longitude: float
    seat: bool


@dataclass(slots=True)
class _Profile:
    country: str
    iso: int
    iso3: str
    bbox: tuple[float, float, float, float]
    admin1_table: list[str]
    urban_admin1_table: list[str]
    places: dict[str, list[_Place]]  # admin1 -> weighted table of places
    seats: dict[str, list[_Place]]  # admin1 -> weighted table of seats (urban events)
    cercle_seat: dict[tuple[str, str], _Place]
    actors: dict[str, list[tuple[str, int, int, int, int]]]
    assoc: dict[str, tuple[str, ...]]
    descriptions: dict[str, tuple[str, ...]]


def _table(items: Iterable[tuple[Any, float]], size: int = 1000) -> list[Any]:
    """A lookup table for O(1) weighted choice: table[int(random() * len(table))]."""
    pairs = [(item, weight) for item, weight in items if weight > 0]
    total = sum(weight for _, weight in pairs)
    table: list[Any] = []
    for item, weight in pairs:
        table.extend([item] * max(1, round(size * weight / total)))
    return table


def _clip(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def _village_name(rng: random.Random, zone: str) -> str:
    first, middle, last = _SYLL[zone]
    name = rng.choice(first) + rng.choice(middle) + rng.choice(last)
    if name.endswith(" "):
        name = name.strip()
    return name[0].upper() + name[1:]


@lru_cache(maxsize=8)
def _profile(country: str) -> _Profile:
    rng = random.Random(f"vigie-gazetteer-{country}")
    if country == "Mali":
        admin = _MALI_ADMIN
        iso, iso3, bbox = 466, "MLI", (10.2, 24.9, -12.2, 4.2)
        actors = _MALI_ACTORS
        assoc = dict(_MALI_ASSOC)
        descriptions = dict(_DESCRIPTIONS)
        notable = _MALI_NOTABLE
        per_cercle = 46
    elif country in _OTHER_COUNTRIES:
        spec = _OTHER_COUNTRIES[country]
        admin, iso, iso3, bbox = spec["admin"], spec["iso"], spec["iso3"], spec["bbox"]
        actors = {
            key: [
                (name.replace("(Mali)", f"({country})"), inter, y0, y1, w)
                for name, inter, y0, y1, w in pool
            ]
            for key, pool in _MALI_ACTORS.items()
            if key not in ("state", "police", "rebel", "progov")
        }
        actors["state"] = [(name, 1, y0, y1, 1) for name, y0, y1 in spec["mil"]]
        actors["police"] = [(f"Police Forces of {country}", 1, 1900, 9999, 1)]
        actors["rebel"] = [("JNIM: Group for Support of Islam and Muslims", 2, 2017, 9999, 1)]
        actors["progov"] = [(f"Unidentified Armed Group ({country})", 3, 1900, 9999, 1)]
        actors["foreign"] = [("Military Forces of France", 8, 1900, 2022, 1)]
        actors["communal"] = [
            (f"Fulani Ethnic Militia ({country})", 4, 1900, 9999, 1),
            (f"Dozo Communal Militia ({country})", 4, 1900, 9999, 1),
        ]
        assoc = {
            name.replace("(Mali)", f"({country})"): tuple(
                a.replace("(Mali)", f"({country})") for a in opts
            )
            for name, opts in _MALI_ASSOC.items()
        }
        descriptions = {
            name.replace("(Mali)", f"({country})"): d for name, d in _DESCRIPTIONS.items()
        }
        notable = {}
        per_cercle = 40
    else:
        raise ValueError(f"no synthetic gazetteer for {country!r} (Mali, Burkina Faso or Niger)")
    lat_lo, lat_hi, lon_lo, lon_hi = bbox

    seen: set[str] = set()
    places: dict[str, list[_Place]] = {}
    seats: dict[str, list[_Place]] = {}
    cercle_seat: dict[tuple[str, str], _Place] = {}
    for admin1, (_, cercles) in admin.items():
        zone = _ZONE.get(admin1, "centre")
        weighted: list[tuple[_Place, float]] = []
        seat_weighted: list[tuple[_Place, float]] = []
        for admin2, lat, lon, radius, communes_text in cercles:
            communes = [c.strip() for c in communes_text.split(",") if c.strip()]
            seat = _Place(admin1, admin2, communes[0], admin2, lat, lon, True)
            seen.add(admin2)
            cercle_seat[(admin1, admin2)] = seat
            weighted.append((seat, 12.0))
            seat_weighted.append((seat, 10.0))
            centres: list[tuple[str, float, float]] = []
            for commune in communes:
                clat = _clip(lat + rng.gauss(0, radius * 0.5), lat - radius, lat + radius)
                clon = _clip(lon + rng.gauss(0, radius * 0.5), lon - radius, lon + radius)
                clat, clon = _clip(clat, lat_lo, lat_hi), _clip(clon, lon_lo, lon_hi)
                centres.append((commune, clat, clon))
                if commune not in seen and commune != admin2 and not commune.startswith("Commune "):
                    seen.add(commune)
                    place = _Place(admin1, admin2, commune, commune, clat, clon, True)
                    weighted.append((place, 3.0))
                    seat_weighted.append((place, 1.0))
            for name in notable.get(admin2, "").split(",") if notable.get(admin2) else []:
                commune, clat, clon = centres[rng.randrange(len(centres))]
                if name in seen:
                    continue
                seen.add(name)
                plat = _clip(clat + rng.gauss(0, radius * 0.2), lat_lo, lat_hi)
                plon = _clip(clon + rng.gauss(0, radius * 0.2), lon_lo, lon_hi)
                weighted.append((_Place(admin1, admin2, commune, name, plat, plon, False), 5.0))
            count = per_cercle if admin1 != "Bamako" else 0
            for k in range(count):
                commune, clat, clon = centres[rng.randrange(len(centres))]
                name = _village_name(rng, zone)
                while name in seen:
                    name = (
                        _village_name(rng, zone)
                        if rng.random() < 0.7
                        else name
                        + rng.choice(
                            (
                                " Peul",
                                " Dogon",
                                " I",
                                " II",
                                " Bozo",
                                " Marka",
                                "-Ouro",
                                " Sud",
                                " Nord",
                            )
                        )
                    )
                seen.add(name)
                plat = _clip(clat + rng.gauss(0, radius * 0.25), lat_lo, lat_hi)
                plon = _clip(clon + rng.gauss(0, radius * 0.25), lon_lo, lon_hi)
                weighted.append(
                    (_Place(admin1, admin2, commune, name, plat, plon, False), 1.0 + 4.0 / (k + 1))
                )
        places[admin1] = _table(weighted, 4000)
        seats[admin1] = _table(seat_weighted, 400)
    admin1_table = _table(((a, w) for a, (w, _) in admin.items()), 1000)
    urban = {a: w for a, (w, _) in admin.items()}
    capital = "Bamako" if country == "Mali" else "Centre" if country == "Burkina Faso" else "Niamey"
    urban[capital] = urban.get(capital, 1) * 8
    urban_table = _table(urban.items(), 1000)
    return _Profile(
        country,
        iso,
        iso3,
        bbox,
        admin1_table,
        urban_table,
        places,
        seats,
        cercle_seat,
        actors,
        assoc,
        descriptions,
    )


_PoolEntry = tuple[str, int, tuple[str, ...], tuple[str, ...]]


def _actor_pools(profile: _Profile, year: int) -> dict[str, list[_PoolEntry]]:
    """Actors active in ``year``, per pool: (name, inter, note descriptions, associated actors)."""
    pools: dict[str, list[_PoolEntry]] = {}
    for key, pool in profile.actors.items():
        active = [
            (
                (
                    name,
                    inter,
                    profile.descriptions.get(name) or _GENERIC_DESC[inter],
                    profile.assoc.get(name, ("",)),
                ),
                w,
            )
            for name, inter, y0, y1, w in pool
            if y0 <= year <= y1
        ]
        pools[key] = _table(active, 60) if active else []
    return pools


def _scenario_table(pools: dict[str, list[Any]]) -> list[tuple[Any, ...]]:
    usable = []
    for etype, sub, p1, p2, weight, fatal, place in _SCENARIOS:
        if pools.get(p1) and (not p2 or pools.get(p2)):
            if etype == "Violence against civilians" or sub == "Excessive force against protesters":
                civ = 2  # always civilian targeting
            elif etype == "Explosions/Remote violence":
                civ = 1  # when the victims are civilians
            else:
                civ = 0
            usable.append(
                (
                    (
                        etype,
                        sub,
                        p1,
                        p2,
                        fatal,
                        place,
                        DISORDER_TYPES[sub],
                        _NOTES[sub],
                        civ,
                        etype == "Protests" or etype == "Riots",
                    ),
                    weight,
                )
            )
    return _table(usable, 5000)


# --------------------------------------------------------------------------------------------------
# Notes

# Note templates (acled_events.json), one format string each, all taking the same arguments:
#   d: the date ("23 March 2019"); a1, a2: how the note names the actors; loc, adm2, adm1: the place;
#   fat: a sentence on fatalities; kill: a clause on fatalities; k: a crowd or group size.
_NoteFn = Callable[[str, str, str, str, str, str, str, str, int], str]
_NOTES: dict[str, tuple[_NoteFn, ...]] = {
    sub_event_type: tuple(_note(template) for template in templates)
    for sub_event_type, templates in _EVENTS["notes"].items()
}


def _fatality_sentence(f: int) -> str:
    if f == 0:
        return "No fatalities were reported."
    if f == 1:
        return "One person was killed."
    return f"{f} people were killed, according to a tally that includes combatants."


def _kill_clause(f: int) -> str:
    if f == 0:
        return "without causing casualties"
    if f == 1:
        return "killing one civilian"
    return f"killing {f} civilians"


_FAT_SENTENCE = tuple(_fatality_sentence(f) for f in range(161))
_KILL_CLAUSE = tuple(_kill_clause(f) for f in range(161))


# --------------------------------------------------------------------------------------------------
# ACLED events


def _year_counts(n: int, start_year: int, end_year: int) -> list[tuple[int, int]]:
    years = list(range(start_year, end_year + 1))
    weights = [_YEAR_WEIGHTS.get(y, 10) for y in years]
    total = sum(weights)
    counts = [n * w // total for w in weights]
    remainder = n - sum(counts)
    order = sorted(range(len(years)), key=lambda i: -(n * weights[i] % total))
    for i in order[:remainder]:
        counts[i] += 1
    return list(zip(years, counts, strict=True))


def _fatalities(rnd: Any, profile: str) -> int:
    if profile == "zero":
        return 0
    r = rnd()
    if profile == "rare":
        return 0 if r < 0.85 else 1 + int(rnd() * 3)
    if profile == "none":
        return 0 if r < 0.97 else 1
    p0 = 0.45 if profile == "battle" else 0.5 if profile == "explosion" else 0.3
    if r < p0:
        return 0
    # Pareto tail: mostly 1-5, rarely dozens, capped like the worst massacres (~160).
    f = int(1.0 / (1.0 - rnd()) ** 0.8)
    return 160 if f > 160 else f


def acled_events(
    n: int, seed: int = 0, country: str = "Mali", start_year: int = 2012, end_year: int = 2024
) -> Iterator[AcledEvent]:
    """``n`` synthetic ACLED events, in date order, streamed; the same seed gives the same events."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if start_year > end_year:
        raise ValueError("start_year must be <= end_year")
    prof = _profile(country)
    rng = random.Random(seed)
    rnd = rng.random
    iso, iso3 = prof.iso, prof.iso3
    civ_name = f"Civilians ({country})"
    uag = (f"Unidentified Armed Group ({country})", 3, _GENERIC_DESC[3], ("",))
    places, seats = prof.places, prof.seats
    admin1_table, urban_table = prof.admin1_table, prof.urban_admin1_table
    cercle_seat = prof.cercle_seat
    fat_sentence, kill_clause = _FAT_SENTENCE, _KILL_CLAUSE
    n_sources, n_scales = len(_SOURCES), len(_SCALES)
    la1, lu1 = len(admin1_table), len(urban_table)
    event = AcledEvent
    event_no = 1 + int(rnd() * 50)
    t_max = (
        date(end_year + 1, 3, 31).toordinal() - _EPOCH_ORDINAL
    ) * 86400  # when the export was made
    for year, count in _year_counts(n, start_year, end_year):
        if not count:
            continue
        pools = _actor_pools(prof, year)
        scenarios = _scenario_table(pools)
        ls = len(scenarios)
        first = date(year, 1, 1).toordinal()
        ndays = date(year + 1, 1, 1).toordinal() - first
        last_ordinal = -1
        d = date(year, 1, 1)
        d_long, epoch = "", 0
        for k in range(count):
            ordinal = first + (k * ndays) // count
            if ordinal != last_ordinal:
                last_ordinal = ordinal
                d = date.fromordinal(ordinal)
                d_long = f"{d.day} {_MONTHS[d.month - 1]} {year}"
                epoch = (ordinal - _EPOCH_ORDINAL) * 86400
            etype, sub, p1, p2, fatal, where, disorder, templates, civ_rule, crowd = scenarios[
                int(rnd() * ls)
            ]
            pool = pools[p1]
            actor1, inter1, desc1, assocs1 = pool[int(rnd() * len(pool))]
            assoc1 = assocs1[int(rnd() * len(assocs1))]
            if p2:
                pool = pools[p2]
                actor2, inter2, desc2, assocs2 = pool[int(rnd() * len(pool))]
                if actor2 == actor1:  # JNIM v. JNIM: take another group of the pool, or a UAG
                    actor2, inter2, desc2, assocs2 = next((a for a in pool if a[0] != actor1), uag)
                assoc2 = assocs2[int(rnd() * len(assocs2))]
                if assoc1 == actor2:
                    assoc1 = ""
                if assoc2 == actor1:
                    assoc2 = ""
                a2 = desc2[int(rnd() * len(desc2))]
                inter = (inter1 * 10 + inter2) if inter1 <= inter2 else (inter2 * 10 + inter1)
            else:
                actor2, inter2, assoc2, a2 = "", 0, "", "the authorities"
                inter = inter1 * 10
            # place and precision
            if where == "urban":
                table = seats[urban_table[int(rnd() * lu1)]]
            else:
                table = places[admin1_table[int(rnd() * la1)]]
            place = table[int(rnd() * len(table))]
            r = rnd()
            geo = 1 if r < 0.72 else 2 if r < 0.93 else 3
            if geo == 3:
                place = cercle_seat[(place.admin1, place.admin2)]
            r = rnd()
            tp = 1 if r < 0.8 else 2 if r < 0.95 else 3
            fat = _fatalities(rnd, fatal)
            # notes
            extra = 2 + int(rnd() * 40)
            text = templates[int(rnd() * len(templates))](
                d_long,
                desc1[int(rnd() * len(desc1))],
                a2,
                place.location,
                place.admin2,
                place.admin1,
                fat_sentence[fat],
                kill_clause[fat],
                extra,
            )
            r = rnd()
            if r < 0.002:  # the odd multi-line note, as pasted from a report
                text = (
                    text.replace(". ", ".\n", 1)
                    if ". " in text
                    else text + "\nSource: local partner."
                )
            elif r < 0.03:
                text += ' Figures are "approximate", a local official said.'
            if crowd:
                tags = (
                    "crowd size=no report"
                    if text.endswith("[size=no report]")
                    else (
                        f"crowd size=around {extra}"
                        if text.endswith(f"[size=around {extra}]")
                        else ""
                    )
                )
            elif r > 0.985 and sub == "Attack":
                tags = (
                    "women targeted: candidates"
                    if r > 0.996
                    else "women targeted: relatives of targeted groups"
                )
            else:
                tags = ""
            if civ_rule == 2 or (civ_rule == 1 and actor2 == civ_name):
                civ = "Civilian targeting"
            else:
                civ = ""
            lat = place.latitude
            lon = place.longitude
            if geo == 2:
                lat = round(lat + (rnd() - 0.5) * 0.02, 4)
                lon = round(lon + (rnd() - 0.5) * 0.02, 4)
            ts = epoch + 86400 + int(rnd() * 1814400)  # 1 to 22 days after the event
            if ts < _T_RECODE:
                ts = _T_RECODE + int(rnd() * 3456000)
            r = rnd()
            if r < 0.15:  # revised later, up to ~400 days on, but not after the export
                ts += int(r * 230400000)
                if ts > t_max:
                    ts = t_max - int(rnd() * 864000)
                    if ts < epoch:
                        ts = epoch + 86400
            event_no += 1 if r < 0.9 or r > 0.95 else 2 + int(rnd() * 4)
            yield event(
                f"{iso3}{event_no}",
                event_no,
                d,
                year,
                tp,
                disorder,
                etype,
                sub,
                actor1,
                assoc1,
                inter1,
                actor2,
                assoc2,
                inter2,
                inter,
                civ,
                iso,
                iso3,
                "Western Africa",
                country,
                place.admin1,
                place.admin2,
                place.admin3,
                place.location,
                lat,
                lon,
                geo,
                _SOURCES[int(rnd() * n_sources)],
                _SCALES[int(rnd() * n_scales)],
                text,
                fat,
                tags,
                ts,
            )


# --------------------------------------------------------------------------------------------------
# Writing ACLED


class _Output:
    """A text stream to write to: a path (opened here, closed on exit) or an open file."""

    def __init__(self, path_or_file: Any, encoding: str, bom: bool):
        if hasattr(path_or_file, "write"):
            self.file: TextIO = path_or_file
            self.owned = False
            if bom:
                self.file.write("\ufeff")
        else:
            if bom and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
                encoding = "utf-8-sig"
            self.file = open(path_or_file, "w", encoding=encoding, newline="")
            self.owned = True
            if bom and encoding != "utf-8-sig" and not encoding.lower().startswith("utf-16"):
                self.file.write("\ufeff")

    def __enter__(self) -> TextIO:
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.file.close()


def _quote(value: str) -> str:
    """One CSV field as csv.QUOTE_MINIMAL writes it."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def _csv_line(values: list[str], special: int) -> str:
    """values (all str) joined as a CSV record; the field at ``special`` (free text) is always checked.

    Same bytes as csv.writer(QUOTE_MINIMAL), except that a bare "\r" is always quoted (so that the
    record reads back). The other fields are checked together, in one pass, and quoted one by one
    only when something in them needs it.
    """
    text = values[special]
    values[special] = ""
    line = ",".join(values)
    if '"' in line or "\n" in line or "\r" in line or line.count(",") != len(values) - 1:
        values = [_quote(v) for v in values]
    values[special] = _quote(text)
    return ",".join(values)


def write_acled(
    path_or_file: Any,
    events: Iterable[AcledEvent],
    *,
    form: str = "dyadic",
    columns: str = "current",
    inter_as: str = "numbers",
    date_format: str = "iso",
    shuffle_columns: bool = False,
    upper_case_header: bool = False,
    encoding: str = "utf-8",
    bom: bool = False,
    seed: int = 0,
    line_terminator: str = "\n",
) -> int:
    """Write events as an ACLED CSV export; returns the number of data rows written.

    form: "dyadic" (one row per event) or "monadic" (a two-actor event on two rows, the second with
    actor2 moved into actor1; pairs are not always adjacent). columns: "current" (2023+) or "legacy".
    inter_as: "numbers" or "words" (2024+). date_format: "iso" or "long" ("23 March 2019").
    A path is opened with ``encoding`` (and a BOM if asked); an open file must use newline="".
    """
    if form not in ("dyadic", "monadic"):
        raise ValueError("form must be 'dyadic' or 'monadic'")
    if columns not in ("current", "legacy"):
        raise ValueError("columns must be 'current' or 'legacy'")
    if inter_as not in ("numbers", "words"):
        raise ValueError("inter_as must be 'numbers' or 'words'")
    if date_format not in ("iso", "long"):
        raise ValueError("date_format must be 'iso' or 'long'")
    legacy = columns == "legacy"
    header = list(ACLED_COLUMNS_LEGACY if legacy else ACLED_COLUMNS_CURRENT)
    rng = random.Random(f"vigie-write-{seed}")
    perm: list[int] | None = None
    if shuffle_columns:
        perm = list(range(len(header)))
        while perm == sorted(perm):
            rng.shuffle(perm)
        header = [header[i] for i in perm]
    if upper_case_header:
        header = [h.upper() for h in header]
    words = inter_as == "words"
    inter_text = {i: (INTER_WORDS[i] if words else str(i)) for i in INTER_WORDS}
    inter_text[0] = "" if words else "0"
    interaction_cache: dict[int, str] = {}
    date_cache: dict[date, str] = {}
    long_dates = date_format == "long"
    monadic = form == "monadic"
    if legacy:
        i_a1, i_as1, i_in1, i_a2, i_as2, i_in2, i_notes = 9, 10, 11, 12, 13, 14, 27
    else:
        i_a1, i_as1, i_in1, i_a2, i_as2, i_in2, i_notes = 7, 8, 9, 10, 11, 12, 27
    if perm is not None:
        i_notes_out = perm.index(i_notes)
    else:
        i_notes_out = i_notes
    data_id = 5_000_000 + rng.randrange(1_000_000)
    pending: list[
        tuple[int, int, str | list[str]]
    ] = []  # (release before event index, tiebreak, row)
    rows = 0
    chunk: list[str] = []
    nl = line_terminator

    def values(e: AcledEvent, ds: str, inter: str, second: bool) -> list[str]:
        """The row as a list of str, in the unshuffled column order (data_id left empty)."""
        if legacy:
            row = [
                "",
                str(e.iso),
                e.event_id_cnty,
                str(e.event_id_no_cnty),
                ds,
                str(e.year),
                str(e.time_precision),
                e.event_type,
                e.sub_event_type,
                e.actor1,
                e.assoc_actor_1,
                inter_text[e.inter1],
                e.actor2,
                e.assoc_actor_2,
                inter_text[e.inter2],
                inter,
                e.region,
                e.country,
                e.admin1,
                e.admin2,
                e.admin3,
                e.location,
                f"{e.latitude:.4f}",
                f"{e.longitude:.4f}",
                str(e.geo_precision),
                e.source,
                e.source_scale,
                e.notes,
                str(e.fatalities),
                str(e.timestamp),
                e.iso3,
            ]
        else:
            row = [
                e.event_id_cnty,
                ds,
                str(e.year),
                str(e.time_precision),
                e.disorder_type,
                e.event_type,
                e.sub_event_type,
                e.actor1,
                e.assoc_actor_1,
                inter_text[e.inter1],
                e.actor2,
                e.assoc_actor_2,
                inter_text[e.inter2],
                inter,
                e.civilian_targeting,
                str(e.iso),
                e.region,
                e.country,
                e.admin1,
                e.admin2,
                e.admin3,
                e.location,
                f"{e.latitude:.4f}",
                f"{e.longitude:.4f}",
                str(e.geo_precision),
                e.source,
                e.source_scale,
                e.notes,
                str(e.fatalities),
                e.tags,
                str(e.timestamp),
            ]
        if second:  # monadic: the other actor, alone
            row[i_a1], row[i_as1], row[i_in1] = e.actor2, e.assoc_actor_2, inter_text[e.inter2]
            row[i_a2] = row[i_as2] = row[i_in2] = ""
        return row

    def line(e: AcledEvent, ds: str, inter: str, second: bool) -> str | list[str]:
        """The CSV record as one string (legacy: without its leading data_id), or, when a field other
        than notes needs quoting or the columns are shuffled, the list of values."""
        if perm is not None:
            return values(e, ds, inter, second)
        if second:
            a1, as1, i1, a2, as2, i2 = e.actor2, e.assoc_actor_2, inter_text[e.inter2], "", "", ""
        else:
            a1, as1, i1 = e.actor1, e.assoc_actor_1, inter_text[e.inter1]
            a2, as2, i2 = e.actor2, e.assoc_actor_2, inter_text[e.inter2]
        if legacy:
            head = (
                f",{e.iso},{e.event_id_cnty},{e.event_id_no_cnty},{ds},{e.year},{e.time_precision},"
                f"{e.event_type},{e.sub_event_type},{a1},{as1},{i1},{a2},{as2},{i2},{inter},{e.region},"
                f"{e.country},{e.admin1},{e.admin2},{e.admin3},{e.location},{e.latitude:.4f},"
                f"{e.longitude:.4f},{e.geo_precision},{e.source},{e.source_scale},"
            )
            tail = f",{e.fatalities},{e.timestamp},{e.iso3}"
        else:
            head = (
                f"{e.event_id_cnty},{ds},{e.year},{e.time_precision},{e.disorder_type},{e.event_type},"
                f"{e.sub_event_type},{a1},{as1},{i1},{a2},{as2},{i2},{inter},{e.civilian_targeting},"
                f"{e.iso},{e.region},{e.country},{e.admin1},{e.admin2},{e.admin3},{e.location},"
                f"{e.latitude:.4f},{e.longitude:.4f},{e.geo_precision},{e.source},{e.source_scale},"
            )
            tail = f",{e.fatalities},{e.tags},{e.timestamp}"
        probe = head + tail
        if probe.count(",") != 30 or '"' in probe or "\n" in probe or "\r" in probe:
            return values(e, ds, inter, second)
        return head + _quote(e.notes) + tail

    with _Output(path_or_file, encoding, bom) as out:
        writer = csv.writer(out, lineterminator=nl)
        writer.writerow(header)
        rnd = rng.random
        write = out.write
        add = chunk.append

        def emit(item: str | list[str]) -> None:
            nonlocal data_id
            if type(item) is str:
                if legacy:
                    add(str(data_id))
                    data_id += 1
                add(item)
            else:
                if legacy:
                    item[0] = str(data_id)
                    data_id += 1
                add(_csv_line(item if perm is None else [item[i] for i in perm], i_notes_out))
            add(nl)

        for index, e in enumerate(events):
            d = e.event_date
            ds = date_cache.get(d)
            if ds is None:
                ds = f"{d.day} {_MONTHS[d.month - 1]} {d.year}" if long_dates else d.isoformat()
                date_cache[d] = ds
            inter = interaction_cache.get(e.interaction)
            if inter is None:
                inter = interaction_words(e.interaction) if words else str(e.interaction)
                interaction_cache[e.interaction] = inter
            if monadic:
                while pending and pending[0][0] <= index:
                    emit(heappop(pending)[2])
                    rows += 1
                if e.actor2:
                    r = rnd()
                    delay = 1 if r < 0.35 else 2 + int(rnd() * 6)
                    heappush(pending, (index + delay, index, line(e, ds, inter, True)))
            emit(line(e, ds, inter, False))
            rows += 1
            if len(chunk) >= 4096:
                write("".join(chunk))
                chunk.clear()
        while pending:
            emit(heappop(pending)[2])
            rows += 1
        write("".join(chunk))
    return rows


# --------------------------------------------------------------------------------------------------
# UCDP GED

# (type of violence, conflict id, conflict name, dyad id, side a, side a id, side b, side b id, gwnoa,
#  first year, last year, weight). Ids are invented but stable; names follow UCDP's spelling.
_UCDP_DYADS: list[tuple[int, int, str, int, str, int, str, int, str, int, int, float]] = [
    tuple(dyad) for dyad in _UCDP["dyads"]
]

_UCDP_OFFICES: tuple[str, ...] = _tuples(_UCDP["offices"])
_UCDP_HEADLINES: tuple[str, ...] = _tuples(_UCDP["headlines"])
_UCDP_ORIGINAL: tuple[str, ...] = _tuples(_UCDP["original_sources"])


def _priogrid(lat: float, lon: float) -> int:
    row = int((lat + 90.0) * 2.0)
    col = int((lon + 180.0) * 2.0)
    return row * 720 + col + 1


def ucdp_ged_rows(
    n: int,
    seed: int = 0,
    start_year: int = 2012,
    end_year: int = 2023,
    *,
    out_of_order: float = 0.0,
) -> Iterator[list[Any]]:
    """``n`` synthetic UCDP GED rows for Mali (lists in UCDP_GED_COLUMNS order), in date order.

    ``out_of_order``: the share of rows whose low, best and high are published out of order, as in
    real GED releases (best above high, or low above best); drawn apart, so the other rows are the
    same whatever the share.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    disorder = random.Random(f"vigie-ucdp-disorder-{seed}")
    prof = _profile("Mali")
    rng = random.Random(f"vigie-ucdp-{seed}")
    rnd = rng.random
    admin1_table = prof.admin1_table
    places = prof.places
    seats = prof.cercle_seat
    region_centre = {
        a1: (
            sum(p.latitude for p in ps if p.seat) / max(1, sum(1 for p in ps if p.seat)),
            sum(p.longitude for p in ps if p.seat) / max(1, sum(1 for p in ps if p.seat)),
        )
        for a1, ps in places.items()
    }
    relid_seq: dict[tuple[int, int, int], int] = {}
    event_id = 100000 + rng.randrange(50000)
    for year, count in _year_counts(n, start_year, end_year):
        if not count:
            continue
        dyads = _table([(d, d[11]) for d in _UCDP_DYADS if d[9] <= year <= d[10]], 1000)
        first = date(year, 1, 1).toordinal()
        ndays = date(year + 1, 1, 1).toordinal() - first
        for k in range(count):
            start = date.fromordinal(first + (k * ndays) // count)
            tov, cid, cname, did, side_a, aid, side_b, bid, gwnoa, _, _, _ = dyads[
                int(rnd() * len(dyads))
            ]
            admin1 = admin1_table[int(rnd() * len(admin1_table))]
            table = places[admin1]
            place = table[int(rnd() * len(table))]
            r = rnd()
            where_prec = (
                1
                if r < 0.6
                else 2
                if r < 0.78
                else 3
                if r < 0.88
                else 4
                if r < 0.95
                else 5
                if r < 0.97
                else 6
                if r < 0.995
                else 7
            )
            if where_prec <= 2:
                lat, lon = place.latitude, place.longitude
                kind = "town" if place.seat else "village"
                where_coordinates = f"{place.location} {kind}"
                near = "near " if where_prec == 2 else ""
                where_description = (
                    f"{near}{place.location}, {place.admin2} cercle, {admin1} region"
                )
                adm_1, adm_2 = f"{admin1} region", f"{place.admin2} cercle"
            elif where_prec == 3 or where_prec == 5:
                seat = seats[(admin1, place.admin2)]
                lat, lon = seat.latitude, seat.longitude
                where_coordinates = f"{place.admin2} cercle" if where_prec == 3 else "Niger river"
                where_description = (
                    f"in {place.admin2} cercle"
                    if where_prec == 3
                    else f"along the Niger river, {admin1} region"
                )
                adm_1, adm_2 = f"{admin1} region", f"{place.admin2} cercle"
            elif where_prec == 4:
                lat, lon = region_centre[admin1]
                where_coordinates = f"{admin1} region"
                where_description = f"in {admin1} region, exact place unknown"
                adm_1, adm_2 = f"{admin1} region", ""
            else:
                lat, lon = 17.5707, -3.9962
                where_coordinates = "Mali"
                where_description = "somewhere in Mali" if where_prec == 6 else "Malian airspace"
                adm_1 = adm_2 = ""
            lat, lon = round(lat, 6), round(lon, 6)
            r = rnd()
            date_prec = (
                1 if r < 0.75 else 2 if r < 0.85 else 3 if r < 0.92 else 4 if r < 0.97 else 5
            )
            span = (0, 1 + int(rnd() * 5), 6, int(rnd() * 30), 31 + int(rnd() * 150))[date_prec - 1]
            end = start + timedelta(days=span)
            if end.year != start.year:
                end = date(start.year, 12, 31)
            # deaths
            big = min(1.0 / (1.0 - rnd()) ** 0.75, 160.0)  # mostly 1-5, a long tail to ~160
            if tov == 3:
                da = db = 0
                dc = int(big)
                du = int(rnd() * 2) if rnd() < 0.1 else 0
            else:
                da = int(big * rnd())
                db = int(big * rnd() * 1.5)
                dc = int(rnd() * 3) if rnd() < 0.2 else 0
                du = int(big * rnd()) if rnd() < 0.3 else 0
            if da + db + dc + du == 0 and rnd() < 0.97:
                if tov == 3:
                    dc = 1
                else:
                    db = 1
            best = da + db + dc + du
            low = best - int(rnd() * (best * 0.3 + 0.5)) if rnd() < 0.3 else best
            high = best + int(rnd() * (best * 0.6 + 2)) if rnd() < 0.4 else best
            if best == 0:
                high = max(high, 1)
            if out_of_order and disorder.random() < out_of_order:
                if disorder.random() < 0.5:  # best above high
                    high = max(best - 1 - int(disorder.random() * 3), 0) if best > 0 else 0
                    best = max(best, high + 1)
                else:  # low above best
                    low = best + 1 + int(disorder.random() * 5)
            key = (year, tov, cid)
            seq = relid_seq.get(key, 0) + 1
            relid_seq[key] = seq
            event_id += 1 + (rnd() < 0.2)
            nsrc = 1 + int(rnd() * 4)
            offices = [_UCDP_OFFICES[int(rnd() * len(_UCDP_OFFICES))] for _ in range(nsrc)]
            pub = [(start + timedelta(days=1 + int(rnd() * 3))).isoformat() for _ in range(nsrc)]
            heads = [_UCDP_HEADLINES[int(rnd() * len(_UCDP_HEADLINES))] for _ in range(nsrc)]
            article = ";".join(
                f'"{o},{p},{h}"' for o, p, h in zip(offices, pub, heads, strict=True)
            )
            yield [
                event_id,
                f"MLI-{year}-{tov}-{cid}-{seq}",
                year,
                1,
                "Clear",
                tov,
                cid,
                cid,
                cname,
                did,
                did,
                f"{side_a} - {side_b}",
                aid,
                aid,
                side_a,
                bid,
                bid,
                side_b,
                nsrc,
                article,
                ";".join(offices),
                ";".join(f"{p} 00:00:00.000" for p in pub),
                ";".join(heads),
                _UCDP_ORIGINAL[int(rnd() * len(_UCDP_ORIGINAL))],
                where_prec,
                gwnoa,
                "",
                where_coordinates,
                where_description,
                adm_1,
                adm_2,
                lat,
                lon,
                f"POINT ({lon} {lat})",
                _priogrid(lat, lon),
                "Mali",
                432,
                "Africa",
                1 if rnd() < 0.9 else 2,
                date_prec,
                f"{start.isoformat()} 00:00:00.000",
                f"{end.isoformat()} 00:00:00.000",
                da,
                db,
                dc,
                du,
                best,
                high,
                low,
            ]


def write_ucdp_ged(
    path_or_file: Any,
    n: int,
    seed: int = 0,
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    line_terminator: str = "\n",
    out_of_order: float = 0.0,
    hxl: bool = False,
) -> int:
    """Write ``n`` synthetic Mali events as a UCDP GED CSV (23.1+ columns); returns rows written."""
    rows = 0
    with _Output(path_or_file, encoding, bom) as out:
        writer = csv.writer(out, lineterminator=line_terminator)
        writer.writerow(UCDP_GED_COLUMNS)
        if hxl:  # HDX's copies carry a row of HXL hashtags under the header
            writer.writerow(hxl_tags(UCDP_GED_COLUMNS))
        write = writer.writerow
        for row in ucdp_ged_rows(n, seed, out_of_order=out_of_order):
            write(row)
            rows += 1
    return rows


# HXL hashtags as HDX puts them under a dataset's header (the common ones; others get #x_ tags).
_HXL = {
    "id": "#event+id",
    "event_id_cnty": "#event+id",
    "report_id": "#report+id",
    "year": "#date+year",
    "date_start": "#date+start",
    "date_end": "#date+end",
    "event_date": "#date+occurred",
    "country": "#country+name",
    "iso": "#country+code",
    "adm_1": "#adm1+name",
    "admin1": "#adm1+name",
    "adm_2": "#adm2+name",
    "admin2": "#adm2+name",
    "admin3": "#adm3+name",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "best": "#affected+killed",
    "fatalities": "#affected+killed",
    "killed": "#affected+killed",
    "source": "#meta+source",
    "side_a": "#group+name+first",
    "side_b": "#group+name+second",
    "actor1": "#group+name+first",
    "actor2": "#group+name+second",
    "event_type": "#event+type",
}


def hxl_tags(columns: Iterable[str]) -> list[str]:
    """The HXL hashtag row for these columns."""
    return [
        _HXL.get(name.lower(), "#x_" + "".join(c for c in name.lower() if c.isalnum()))
        for name in columns
    ]


def add_hxl_row(in_path: Any, out_path: Any) -> None:
    """Copy a CSV, adding the HXL hashtag row under its header (as HDX serves its datasets)."""
    with (
        open(in_path, encoding="utf-8", newline="") as src,
        open(out_path, "w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        writer.writerow(hxl_tags(header))
        for row in reader:
            writer.writerow(row)


# --------------------------------------------------------------------------------------------------
# Damaged rows, for the importer's error reports

# damage -> (candidate columns, first found is damaged)
DAMAGES: dict[str, tuple[str, ...]] = {
    "bad_date": ("event_date", "date_start"),
    "lat_out_of_range": ("latitude",),
    "lon_not_number": ("longitude",),
    "missing_id": ("event_id_cnty", "id"),
    "negative_fatalities": ("fatalities", "best"),
    "fatalities_not_int": ("fatalities", "best"),
    "unknown_event_type": ("event_type", "type_of_violence"),
}


def _damaged_value(damage: str, column: str, value: str, variant: int) -> str:
    if damage == "bad_date":
        text = value.strip()
        year = text[:4] if text[:4].isdigit() else text[-4:] if text[-4:].isdigit() else "2019"
        if text[:4].isdigit():  # ISO, maybe with UCDP's time part
            bad = f"{year}-02-31" if variant % 2 == 0 else f"{year}-13-45"
            return bad + text[10:]
        return f"31 February {year}"
    if damage == "lat_out_of_range":
        return "123.5"
    if damage == "lon_not_number":
        return "unknown"
    if damage == "missing_id":
        return ""
    if damage == "negative_fatalities":
        return "-3"
    if damage == "fatalities_not_int":
        return "2.5" if variant % 2 == 0 else "several"
    if damage == "unknown_event_type":
        return "4" if column == "type_of_violence" else "Alien invasion"
    raise ValueError(f"unknown damage {damage!r}")


def damage_rows(
    in_path: Any, out_path: Any, damages: list[tuple[int, str]], *, encoding: str = "utf-8"
) -> list[tuple[int, str, str]]:
    """Copy a CSV, damaging the given data rows (1-based); returns (physical line, column, damage).

    The physical line is where the damaged record starts in the output file (header = line 1),
    counting the extra lines of quoted multi-line fields. Column names are returned lower-cased.
    """
    wanted: dict[int, list[str]] = {}
    for index, damage in damages:
        if damage not in DAMAGES:
            raise ValueError(f"unknown damage {damage!r}; known: {', '.join(DAMAGES)}")
        if index < 1:
            raise ValueError("data row indexes start at 1")
        wanted.setdefault(index, []).append(damage)
    with open(in_path, "rb") as raw:
        head = raw.read(1 << 16)
    has_bom = head.startswith(b"\xef\xbb\xbf")
    first_end = head.find(b"\n")
    terminator = "\r\n" if first_end > 0 and head[first_end - 1 : first_end] == b"\r" else "\n"
    enc = (
        "utf-8-sig"
        if has_bom and encoding.lower().replace("_", "-") in ("utf-8", "utf8")
        else encoding
    )
    produced: list[tuple[int, str, str]] = []
    with (
        open(in_path, encoding=enc, newline="") as src,
        open(out_path, "w", encoding=enc, newline="") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator=terminator)
        header = next(reader)
        writer.writerow(header)
        lower = [h.strip().lower() for h in header]
        positions = {name: i for i, name in enumerate(lower)}
        line_after = reader.line_num
        index = 0
        for row in reader:
            index += 1
            start_line = line_after + 1
            line_after = reader.line_num
            todo = wanted.get(index)
            if todo:
                for damage in todo:
                    column = next((c for c in DAMAGES[damage] if c in positions), None)
                    if column is None:
                        raise ValueError(
                            f"{damage}: none of the columns {DAMAGES[damage]} is in the file"
                        )
                    pos = positions[column]
                    row[pos] = _damaged_value(damage, column, row[pos], index)
                    produced.append((start_line, column, damage))
            writer.writerow(row)
    missing = sorted(i for i in wanted if i > index)
    if missing:
        raise ValueError(f"the file has {index} data rows; cannot damage row(s) {missing}")
    return produced


# --------------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vigie_testing.acled_ucdp",
        description="Write synthetic ACLED or UCDP GED rows (invented data, real formats).",
    )
    sub = parser.add_subparsers(dest="dataset", required=True)
    acled = sub.add_parser("acled", help="an ACLED export of N events")
    acled.add_argument("n", type=int)
    acled.add_argument("out")
    acled.add_argument("--form", choices=("dyadic", "monadic"), default="dyadic")
    acled.add_argument("--columns", choices=("current", "legacy"), default="current")
    acled.add_argument("--inter-as", choices=("numbers", "words"), default="numbers")
    acled.add_argument("--date-format", choices=("iso", "long"), default="iso")
    acled.add_argument("--country", default="Mali")
    acled.add_argument("--start-year", type=int, default=2012)
    acled.add_argument("--end-year", type=int, default=2024)
    acled.add_argument("--shuffle-columns", action="store_true")
    acled.add_argument("--upper-case-header", action="store_true")
    acled.add_argument("--encoding", default="utf-8")
    acled.add_argument("--bom", action="store_true")
    acled.add_argument("--seed", type=int, default=0)
    ucdp = sub.add_parser("ucdp", help="a UCDP GED file of N events")
    ucdp.add_argument("n", type=int)
    ucdp.add_argument("out")
    ucdp.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.dataset == "acled":
        events = acled_events(
            args.n,
            seed=args.seed,
            country=args.country,
            start_year=args.start_year,
            end_year=args.end_year,
        )
        rows = write_acled(
            args.out,
            events,
            form=args.form,
            columns=args.columns,
            inter_as=args.inter_as,
            date_format=args.date_format,
            shuffle_columns=args.shuffle_columns,
            upper_case_header=args.upper_case_header,
            encoding=args.encoding,
            bom=args.bom,
            seed=args.seed,
        )
    else:
        rows = write_ucdp_ged(args.out, args.n, seed=args.seed)
    elapsed = time.perf_counter() - started
    rate = rows / elapsed if elapsed > 0 else float("inf")
    print(
        f"{args.dataset}: wrote {rows} rows to {args.out} in {elapsed:.2f} s ({rate:,.0f} rows/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
