"""Incidents of central Mali and the noisy reports several kinds of sources make of them, with the truth.

A benchmark for record linkage that the engine cannot have learned:

* **Real places.** Every incident happens in a populated place of the Mopti and Ségou regions of
  the shared gazetteer (``vigie/places/data/mali/mali_places.tsv``, GeoNames and geoBoundaries:
  4,909 places in 15 cercles and 228 communes), with its real commune, cercle and other spellings.
* **Real density.** About 2.7 incidents a day (the order of the events recorded in the two regions
  in 2019-2020), concentrated: cercles weighted as the violence was (Bandiagara, Bankass, Koro,
  Douentza, Niono, Macina...), a few "hot" communes per cercle drawn per seed, the same armed
  groups in the same areas, coordinated attacks on neighbouring villages the same day or the
  next, reprisals in the same commune days later, army operations followed by more operations.
* **Two vocabularies.** Event labels, actor names, generic designations and targets
  (``data/linkage_world/vocabulary.json``) come in a *build* half, which the engine may be tuned
  or trained on, and a *held-out* half, used only to evaluate it. A report file uses one half.
* **Four families of sources** (``FAMILIES``), each with its own noise model: wire agencies,
  local radios and NGOs, social media (heavy noise, missing fields) and coded datasets and
  communiqués. ``TUNING_FAMILIES`` may be used for tuning; ``HELDOUT_FAMILIES`` only to evaluate.

Each incident is reported by 1 to 6 sources of the family (most by one or two), each report
distorting it as real ones do: dates a day or more off (or only the week or month), the village
in another spelling or with typos, a neighbouring village instead, or only the commune or the
cercle, counts rounded or contradicting each other, the actor by an alias, by a generic word
("jihadists") or not at all, the two sides of a battle in either order, labels in French and
English with typos and the neighbouring kind of event.

The incidents depend only on the seed; the reports on the seed, the family and the vocabulary,
so the families and halves of one seed describe the same incidents. Plain standard library,
deterministic.
"""

from __future__ import annotations

import csv
import json
import math
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import vigie

from .linkage_reports import COLUMNS

__all__ = [
    "COLUMNS",
    "FAMILIES",
    "TUNING_FAMILIES",
    "HELDOUT_FAMILIES",
    "VOCABULARIES",
    "Family",
    "Incident",
    "Place",
    "generate",
    "incidents",
    "places",
    "reports_of",
    "vocabulary",
]

PLACES_TSV = Path(vigie.__file__).resolve().parent / "places" / "data" / "mali" / "mali_places.tsv"
_DATA = Path(__file__).resolve().parent / "data" / "linkage_world"
VOCABULARY_JSON = _DATA / "vocabulary.json"
SOURCES_JSON = _DATA / "sources.json"

VOCABULARIES = ("build", "heldout")
REGIONS = ("Mopti", "Segou")
START = date(2019, 1, 1)
DENSITY = 2.7
"""Incidents a day over the two regions; a run of n incidents covers n / DENSITY days from START."""

HOT_COMMUNES = 1.5
"""Shape of the Pareto law of each commune's share of its cercle's incidents (drawn per seed):
smaller is more concentrated in a few communes."""
SPREAD = 0.25
"""Share of attacks, massacres, lootings and abductions that also strike 1-3 neighbouring villages
of the cercle the same day or the next, by the same actor."""
REPRISALS = 0.12
"""Share of the incidents of a jihadist group or a militia followed 1-4 days later by the other
side's in the same commune."""
OPERATIONS = 0.25
"""Share of the incidents of state forces followed by another operation in the cercle that day."""

# Share of the incidents by cercle (of the order of the events recorded in 2019-2020).
CERCLES = {
    "Bandiagara": 14,
    "Bankass": 12,
    "Koro": 13,
    "Douentza": 10,
    "Mopti": 9,
    "Djenne": 6,
    "Tenenkou": 6,
    "Youwarou": 5,
    "Niono": 8,
    "Macina": 7,
    "Segou": 4,
    "San": 3,
    "Tominian": 2,
    "Bla": 1,
    "Baroueli": 1,
}
# Who acts where (weights), by area.
_DOGON_PLATEAU = {
    "katiba_macina": 20,
    "jnim": 8,
    "dan_na_ambassagou": 22,
    "fulani_selfdefence": 6,
    "fama": 10,
    "wagner": 3,
    "barkhane": 1,
    "isgs": 2,
    "bandits": 4,
    "unknown": 15,
    "protesters": 3,
}
_ACTORS_BY_AREA = {
    "plateau": _DOGON_PLATEAU,
    "gourma": {
        "jnim": 15,
        "katiba_macina": 8,
        "isgs": 12,
        "dan_na_ambassagou": 6,
        "fama": 10,
        "wagner": 3,
        "barkhane": 3,
        "bandits": 6,
        "unknown": 12,
        "protesters": 2,
    },
    "delta": {
        "katiba_macina": 25,
        "jnim": 8,
        "fama": 12,
        "wagner": 4,
        "barkhane": 1,
        "dozo": 6,
        "fulani_selfdefence": 4,
        "bandits": 6,
        "unknown": 12,
        "protesters": 3,
    },
    "segou": {
        "katiba_macina": 18,
        "jnim": 8,
        "dozo": 14,
        "fama": 10,
        "wagner": 3,
        "fulani_selfdefence": 4,
        "bandits": 6,
        "unknown": 10,
        "protesters": 4,
    },
}
_AREA = {
    "Bandiagara": "plateau",
    "Bankass": "plateau",
    "Koro": "plateau",
    "Douentza": "gourma",
    "Mopti": "delta",
    "Djenne": "delta",
    "Tenenkou": "delta",
    "Youwarou": "delta",
}  # the cercles of the Ségou region: "segou"
_PARENT = {"katiba_macina": "jnim"}
# What each kind of actor does (weights).
_KINDS_BY_CATEGORY = {
    "jihadist": {
        "attack": 25,
        "massacre": 5,
        "battle": 20,
        "ied": 18,
        "abduction": 15,
        "looting": 12,
    },
    "militia": {"attack": 30, "massacre": 12, "battle": 25, "abduction": 6, "looting": 12},
    "state": {"attack": 20, "massacre": 5, "battle": 30, "airstrike": 25, "abduction": 6},
    "criminal": {"looting": 45, "attack": 20, "abduction": 25},
    "unknown": {"attack": 40, "massacre": 5, "ied": 15, "abduction": 25, "looting": 15},
    "protesters": {"protest": 1},
}
_KINDS_OF = {
    "wagner": {"attack": 30, "massacre": 10, "battle": 25, "airstrike": 5},
    "barkhane": {"battle": 40, "airstrike": 60},
}
_OPPONENTS = {
    "jihadist": {"fama": 5, "wagner": 1, "dan_na_ambassagou": 3, "dozo": 2, "barkhane": 1},
    "militia": {"katiba_macina": 4, "jnim": 2, "fulani_selfdefence": 1},
    "state": {"katiba_macina": 4, "jnim": 3, "isgs": 1},
}
# Which kind of event a source may call it instead (the neighbouring kind).
_CONFUSED = {
    "attack": ("massacre", "battle", "looting"),
    "massacre": ("attack",),
    "battle": ("attack",),
    "airstrike": ("attack", "massacre"),
    "ied": ("attack", "battle"),
    "abduction": ("attack",),
    "looting": ("attack", "abduction"),
    "protest": (),
}
_VIOLENT = ("attack", "massacre", "looting", "abduction")


# --------------------------------------------------------------------------------------------
# Places


@dataclass(eq=False)
class Commune:
    name: str
    cercle: str
    region: str
    latitude: float = 0.0
    longitude: float = 0.0
    villages: list[Place] = field(default_factory=list)


@dataclass(eq=False)
class Place:
    name: str
    asciiname: str
    alternatenames: tuple[str, ...]
    latitude: float
    longitude: float
    geonameid: str
    commune: Commune

    @property
    def cercle(self) -> str:
        return self.commune.cercle

    @property
    def region(self) -> str:
        return self.commune.region


@dataclass(frozen=True)
class _World:
    places: tuple[Place, ...]
    communes: dict[str, tuple[Commune, ...]]  # cercle -> its communes


def _latin(name: str) -> bool:
    return all(ord(c) < 0x250 or unicodedata.category(c).startswith(("P", "Z")) for c in name)


@lru_cache(maxsize=1)
def _world() -> _World:
    communes: dict[tuple[str, str], Commune] = {}
    found: list[Place] = []
    with PLACES_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if (
                row["region"] not in REGIONS
                or row["location_match"] == "outside"
                or not row["commune"]
            ):
                continue
            key = (row["cercle"], row["commune"])
            commune = communes.get(key)
            if commune is None:
                commune = communes[key] = Commune(row["commune"], row["cercle"], row["region"])
            alts = tuple(
                sorted(
                    {
                        a.strip()
                        for a in row["alternatenames"].split(",")
                        if len(a.strip()) >= 3 and _latin(a.strip()) and a.strip() != row["name"]
                    }
                )
            )
            place = Place(
                row["name"],
                row["asciiname"],
                alts,
                float(row["latitude"]),
                float(row["longitude"]),
                row["geonameid"],
                commune,
            )
            commune.villages.append(place)
            found.append(place)
    by_cercle: dict[str, list[Commune]] = {}
    for (cercle, _), commune in sorted(communes.items()):
        commune.latitude = sum(v.latitude for v in commune.villages) / len(commune.villages)
        commune.longitude = sum(v.longitude for v in commune.villages) / len(commune.villages)
        by_cercle.setdefault(cercle, []).append(commune)
    return _World(tuple(found), {k: tuple(v) for k, v in by_cercle.items()})


def places() -> tuple[Place, ...]:
    """Every place incidents may happen in (the Mopti and Ségou regions of the gazetteer)."""
    return _world().places


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    with VOCABULARY_JSON.open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _sources() -> dict[str, list[str]]:
    with SOURCES_JSON.open(encoding="utf-8") as handle:
        return {k: v for k, v in json.load(handle).items() if k != "about"}


def _category(actor: str) -> str:
    return str(vocabulary()["actors"][actor]["category"])


# --------------------------------------------------------------------------------------------
# Incidents


@dataclass(frozen=True)
class Incident:
    id: str
    day: date
    place: Place
    actor: str  # a key of vocabulary()["actors"]
    kind: str  # a key of vocabulary()["kinds"]
    killed: int
    opponent: str = ""  # the other side of a battle
    target: int = 0  # index of the target phrase


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(tuple(table), weights=tuple(table.values()))[0]


def _killed(rng: random.Random, kind: str) -> int:
    e = rng.expovariate
    if kind == "attack":
        return min(40, int(e(1 / 4)))
    if kind == "massacre":
        return min(160, 10 + int(e(1 / 25)))
    if kind == "battle":
        return min(60, int(e(1 / 8)))
    if kind == "airstrike":
        return min(40, 1 + int(e(1 / 6)))
    if kind == "ied":
        return min(20, int(e(1 / 3)))
    if kind == "abduction":
        return 0 if rng.random() < 0.95 else 1
    if kind == "looting":
        return 0 if rng.random() < 0.85 else rng.randint(1, 2)
    return 0 if rng.random() < 0.95 else rng.randint(1, 3)  # protest


def _nearest(place: Place, candidates: Sequence[Place], k: int) -> list[Place]:
    def d2(v: Place) -> float:
        return (v.latitude - place.latitude) ** 2 + (v.longitude - place.longitude) ** 2

    return sorted((v for v in candidates if v is not place), key=d2)[:k]


def incidents(n: int, seed: int = 0) -> list[Incident]:
    """n incidents in episodes (see the module's doc); depends only on n and seed."""
    rng = random.Random(f"linkage-world-incidents-{seed}")
    world = _world()
    days = max(1, math.ceil(n / DENSITY))
    # A few hot communes per cercle, drawn per seed (heavy-tailed).
    heat = {
        cercle: [rng.paretovariate(HOT_COMMUNES) for _ in communes]
        for cercle, communes in sorted(world.communes.items())
    }
    cercles = [c for c in CERCLES if c in world.communes]
    weights = [CERCLES[c] for c in cercles]
    made: list[Incident] = []

    def add(day: date, place: Place, actor: str, kind: str) -> None:
        if len(made) >= n:
            return
        opponent = _weighted(rng, _OPPONENTS[_category(actor)]) if kind == "battle" else ""
        targets = len(vocabulary()["targets"]["civilians"]["build"]["fr"])
        made.append(
            Incident(
                f"W{seed}-{len(made):07d}",
                day,
                place,
                actor,
                kind,
                _killed(rng, kind),
                opponent,
                rng.randrange(targets),
            )
        )

    def kind_of(actor: str) -> str:
        return _weighted(rng, _KINDS_OF.get(actor) or _KINDS_BY_CATEGORY[_category(actor)])

    while len(made) < n:
        day = START + timedelta(days=rng.randrange(days))
        cercle = rng.choices(cercles, weights=weights)[0]
        communes = world.communes[cercle]
        commune = rng.choices(communes, weights=heat[cercle])[0]
        place = rng.choice(commune.villages)
        actor = _weighted(rng, _ACTORS_BY_AREA[_AREA.get(cercle, "segou")])
        kind = kind_of(actor)
        add(day, place, actor, kind)
        cercle_villages = [v for c in communes for v in c.villages]
        # Coordinated attacks on the neighbouring villages, the same day or the next.
        if kind in _VIOLENT and rng.random() < SPREAD:
            for other in _nearest(place, cercle_villages, rng.choice((1, 1, 2, 3))):
                following = kind if rng.random() < 0.5 else rng.choice(_VIOLENT)
                add(day + timedelta(days=rng.choice((0, 0, 1))), other, actor, following)
        # Reprisals in the same commune a few days later, by the other side.
        category = _category(actor)
        if category in ("jihadist", "militia") and rng.random() < REPRISALS:
            avenger = _weighted(rng, _OPPONENTS[category])
            if _category(avenger) != "state":
                near = _nearest(place, commune.villages, 3) or [place]
                add(
                    day + timedelta(days=rng.randint(1, 4)),
                    rng.choice(near),
                    avenger,
                    rng.choice(("attack", "massacre", "looting")),
                )
        # Army operations: more operations in the cercle the same day.
        if category == "state" and rng.random() < OPERATIONS:
            add(
                day,
                rng.choice(cercle_villages),
                actor,
                rng.choice(("battle", "airstrike", "attack")),
            )
    return made


# --------------------------------------------------------------------------------------------
# Families of sources


@dataclass(frozen=True)
class Family:
    """How one kind of source distorts what it reports (probabilities unless said)."""

    name: str
    french: float  # share of reports in French (the rest in English)
    shifts: tuple[tuple[int, int], ...]  # (days off, weight)
    week: float  # date given only to the week (event date then off by up to 3 days)
    month: float  # only the month
    published_days: int  # published 0..this many days after the event
    # Place: (point with coordinates, village name only, commune only, cercle only) weights.
    geo: tuple[float, float, float, float]
    jitter_km: float  # coordinates off by up to this
    nearby: float  # a neighbouring village instead of the right one
    spelling: float  # another spelling of the place (alternatenames)
    ascii: float  # accents dropped from every text
    no_admin1: float
    no_admin2: float
    no_actor: float
    generic_actor: float  # "jihadists", "soldiers": the kind of actor only
    parent_actor: float  # the parent group (JNIM for Katiba Macina)
    swap_sides: float  # a battle given from the other side
    no_label: float
    confused: float  # the neighbouring kind of event
    typo: float  # per word of four letters or more
    no_killed: float
    rounded: float  # counts rounded (to 5 or 10)
    contradict: tuple[float, float]  # counts multiplied by a factor in this range
    no_target: float


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "wire",
            french=0.4,
            shifts=((0, 75), (-1, 8), (1, 12), (2, 5)),
            week=0.0,
            month=0.0,
            published_days=2,
            geo=(0.1, 0.4, 0.35, 0.15),
            jitter_km=3.0,
            nearby=0.05,
            spelling=0.2,
            ascii=0.3,
            no_admin1=0.05,
            no_admin2=0.1,
            no_actor=0.05,
            generic_actor=0.35,
            parent_actor=0.3,
            swap_sides=0.3,
            no_label=0.0,
            confused=0.1,
            typo=0.01,
            no_killed=0.1,
            rounded=0.5,
            contradict=(0.7, 1.2),
            no_target=0.2,
        ),
        Family(
            "local",
            french=0.9,
            shifts=((0, 60), (-1, 12), (1, 18), (-2, 4), (2, 6)),
            week=0.1,
            month=0.0,
            published_days=10,
            geo=(0.3, 0.35, 0.25, 0.1),
            jitter_km=5.0,
            nearby=0.1,
            spelling=0.5,
            ascii=0.2,
            no_admin1=0.1,
            no_admin2=0.1,
            no_actor=0.05,
            generic_actor=0.15,
            parent_actor=0.15,
            swap_sides=0.4,
            no_label=0.02,
            confused=0.15,
            typo=0.03,
            no_killed=0.15,
            rounded=0.1,
            contradict=(0.6, 1.4),
            no_target=0.15,
        ),
        Family(
            "social",
            french=0.7,
            shifts=((0, 45), (-1, 12), (1, 20), (-2, 8), (2, 10), (3, 5)),
            week=0.0,
            month=0.0,
            published_days=1,
            geo=(0.05, 0.6, 0.15, 0.2),
            jitter_km=10.0,
            nearby=0.2,
            spelling=0.5,
            ascii=0.6,
            no_admin1=0.5,
            no_admin2=0.3,
            no_actor=0.2,
            generic_actor=0.4,
            parent_actor=0.2,
            swap_sides=0.5,
            no_label=0.15,
            confused=0.2,
            typo=0.06,
            no_killed=0.4,
            rounded=0.2,
            contradict=(0.8, 2.0),
            no_target=0.4,
        ),
        Family(
            "coded",
            french=0.3,
            shifts=((0, 70), (-1, 8), (1, 12), (2, 10)),
            week=0.12,
            month=0.03,
            published_days=14,
            geo=(0.65, 0.0, 0.25, 0.1),
            jitter_km=0.3,
            nearby=0.05,
            spelling=0.2,
            ascii=0.9,
            no_admin1=0.0,
            no_admin2=0.0,
            no_actor=0.02,
            generic_actor=0.1,
            parent_actor=0.4,
            swap_sides=0.2,
            no_label=0.0,
            confused=0.1,
            typo=0.0,
            no_killed=0.05,
            rounded=0.0,
            contradict=(0.5, 1.0),
            no_target=0.1,
        ),
    )
}
TUNING_FAMILIES = ("wire", "local")
"""The families the engine may be tuned on (with the build vocabulary)."""
HELDOUT_FAMILIES = ("social", "coded")
"""The families used only to evaluate."""

SOURCE_COUNTS = ((1, 34), (2, 26), (3, 18), (4, 11), (5, 7), (6, 4))


# --------------------------------------------------------------------------------------------
# Reports


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


_KEYS = "azertyuiopqsdfghjklmwxcvbn"


def _typos(rng: random.Random, text: str, rate: float) -> str:
    if not rate or not text:
        return text
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) < 4 or rng.random() >= rate:
            continue
        j = rng.randrange(1, len(word) - 1)
        edit = rng.randrange(4)
        if edit == 0:  # two letters swapped
            word = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
        elif edit == 1:  # a letter dropped
            word = word[:j] + word[j + 1 :]
        elif edit == 2:  # a letter doubled
            word = word[:j] + word[j] + word[j:]
        else:  # a neighbouring key
            k = _KEYS.find(word[j].lower())
            word = word[:j] + (_KEYS[(k + 1) % len(_KEYS)] if k >= 0 else "e") + word[j + 1 :]
        words[i] = word
    return " ".join(words)


def _pick(rng: random.Random, entry: dict[str, dict[str, list[str]]], half: str, lang: str) -> str:
    return rng.choice(entry[half][lang])


def _spelling(rng: random.Random, place: Place, family: Family) -> str:
    if place.alternatenames and rng.random() < family.spelling:
        return rng.choice(place.alternatenames)
    return place.name


def _region_name(rng: random.Random, key: str) -> str:
    return rng.choice(vocabulary()["regions"][key])


def _actor_text(rng: random.Random, actor: str, half: str, lang: str, family: Family) -> str:
    vocab = vocabulary()
    if rng.random() < family.no_actor:
        return ""
    category = _category(actor)
    if category != "unknown" and rng.random() < family.generic_actor:
        return _pick(rng, vocab["generic"][category], half, lang)
    if actor in _PARENT and rng.random() < family.parent_actor:
        actor = _PARENT[actor]
    return _pick(rng, vocab["actors"][actor], half, lang)


def _count(rng: random.Random, killed: int, family: Family) -> str:
    if rng.random() < family.no_killed:
        return ""
    if killed == 0:
        return "0"
    value = killed * rng.uniform(*family.contradict) if rng.random() < 0.5 else float(killed)
    if rng.random() < family.rounded and value >= 8:
        step = 5 if value < 50 else 10
        value = step * round(value / step)
    return str(max(0, round(value)))


def _report(
    rng: random.Random, incident: Incident, source: str, family: Family, half: str
) -> dict[str, str]:
    vocab = vocabulary()
    lang = "fr" if rng.random() < family.french else "en"

    # Date.
    shifts, shift_weights = zip(*family.shifts, strict=True)
    roll = rng.random()
    if roll < family.month:
        precision, event_date = "month", incident.day.replace(day=1)
    elif roll < family.month + family.week:
        precision, event_date = "week", incident.day + timedelta(days=rng.randint(-3, 3))
    else:
        precision = "day"
        event_date = incident.day + timedelta(days=rng.choices(shifts, weights=shift_weights)[0])
    published = max(incident.day, event_date) + timedelta(
        days=rng.randint(0, family.published_days)
    )

    # Place.
    place = incident.place
    if rng.random() < family.nearby:
        place = (_nearest(place, place.commune.villages, 4) or [place])[-1]
    level = rng.choices(("point", "village", "commune", "cercle"), weights=family.geo)[0]
    latitude = longitude = ""
    if level == "point":
        geo_precision, location = "point", _spelling(rng, place, family)
        radius = family.jitter_km * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        lat = place.latitude + radius * math.cos(angle) / 111.32
        lon = place.longitude + radius * math.sin(angle) / (111.32 * math.cos(math.radians(lat)))
        latitude, longitude = f"{lat:.4f}", f"{lon:.4f}"
    elif level == "village":
        geo_precision, location = "", _spelling(rng, place, family)
    elif level == "commune":
        geo_precision, location = "admin3", place.commune.name
        if family.name == "coded":  # datasets give the commune's coordinates
            latitude, longitude = f"{place.commune.latitude:.4f}", f"{place.commune.longitude:.4f}"
    else:
        geo_precision, location = "admin2", _region_name(rng, _cercle_key(place))
    admin1 = "" if rng.random() < family.no_admin1 else _region_name(rng, place.region)
    admin2 = "" if rng.random() < family.no_admin2 else _region_name(rng, _cercle_key(place))

    # Who and what.
    perpetrator, other = incident.actor, incident.opponent
    if incident.kind == "battle" and rng.random() < family.swap_sides:
        perpetrator, other = other, perpetrator
    actor_text = _actor_text(rng, perpetrator, half, lang, family)
    kind = incident.kind
    if _CONFUSED[kind] and rng.random() < family.confused:
        kind = rng.choice(_CONFUSED[kind])
    label = "" if rng.random() < family.no_label else _pick(rng, vocab["kinds"][kind], half, lang)
    if rng.random() < family.no_target:
        target = ""
    elif incident.kind == "battle":
        target = _pick(rng, vocab["actors"][other], half, lang)
    elif incident.kind == "protest":
        target = _pick(rng, vocab["targets"]["authorities"], half, lang)
    else:
        phrases = vocab["targets"]["civilians"][half][lang]
        target = (
            phrases[incident.target % len(phrases)] if rng.random() < 0.7 else rng.choice(phrases)
        )

    texts = [location, admin1, admin2, actor_text, target, label]
    texts = (
        [_typos(rng, t, family.typo) for t in texts[:1]]
        + [_typos(rng, t, family.typo / 2) for t in texts[1:3]]
        + [_typos(rng, t, family.typo) for t in texts[3:]]
    )
    if rng.random() < family.ascii:
        texts = [_strip_accents(t) for t in texts]
    location, admin1, admin2, actor_text, target, label = texts
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
        "perpetrator": actor_text,
        "target": target,
        "event_label": label,
        "killed": _count(rng, incident.killed, family),
        "date_precision": precision,
        "geo_precision": geo_precision,
    }


def _cercle_key(place: Place) -> str:
    """The key of the cercle's spellings (the Mopti and Ségou cercles share their region's name)."""
    return f"{place.cercle}_cercle" if place.cercle in REGIONS else place.cercle


def reports_of(
    made: Sequence[Incident], family: str, vocabulary_half: str, seed: int = 0
) -> Iterator[tuple[dict[str, str], str]]:
    """(report, true incident id), incident after incident, by the sources of one family."""
    if vocabulary_half not in VOCABULARIES:
        raise ValueError(f"vocabulary {vocabulary_half!r}: one of {VOCABULARIES}")
    kind = FAMILIES[family]
    rng = random.Random(f"linkage-world-reports-{seed}-{family}-{vocabulary_half}")
    names = _sources()[family]
    counts, count_weights = zip(*SOURCE_COUNTS, strict=True)
    for incident in made:
        count = rng.choices(counts, weights=count_weights)[0]
        for source in rng.sample(names, min(count, len(names))):
            yield _report(rng, incident, source, kind, vocabulary_half), incident.id


def generate(
    n_incidents: int, seed: int = 0, family: str = "local", vocabulary_half: str = "build"
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """(reports in a shuffled order, truth: report_id -> incident id)."""
    rows: list[dict[str, str]] = []
    truth: dict[str, str] = {}
    for row, incident_id in reports_of(incidents(n_incidents, seed), family, vocabulary_half, seed):
        rows.append(row)
        truth[row["report_id"]] = incident_id
    random.Random(f"linkage-world-shuffle-{seed}-{family}-{vocabulary_half}").shuffle(rows)
    return rows, truth
