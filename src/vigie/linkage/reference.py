"""The shipped actor dictionary and gazetteer as plain lookups, for the linkage engine.

Read straight from the package's JSON and CSV files (no database), so that linkage runs from a
notebook or on a CSV file exactly as it runs inside the application.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import vigie
from vigie.core.text import normalize_name

PACKAGE = Path(vigie.__file__).parent
DEFAULT_ACTORS = PACKAGE / "actors" / "data" / "sahel_actors.json"
DEFAULT_PLACES = PACKAGE / "places" / "data" / "mali_places.csv"


class ActorEntry(NamedTuple):
    key: str
    parent: str | None


class PlaceEntry(NamedTuple):
    code: str
    kind: str  # country, region, cercle, commune, locality
    parent_code: str
    latitude: float | None
    longitude: float | None


def _float(value: str) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


@dataclass
class Reference:
    """Lookups by normalised name (vigie.core.text.normalize_name)."""

    actor_by_alias: dict[str, ActorEntry] = field(default_factory=dict)
    actor_category: dict[str, str] = field(default_factory=dict)  # actor key -> category
    actor_parent: dict[str, str | None] = field(default_factory=dict)
    places_by_name: dict[str, list[PlaceEntry]] = field(default_factory=dict)
    places: dict[str, PlaceEntry] = field(default_factory=dict)  # code -> entry
    place_names: dict[str, set[str]] = field(default_factory=dict)  # code -> normalised names

    @classmethod
    def load(
        cls, actors_path: Path = DEFAULT_ACTORS, places_path: Path = DEFAULT_PLACES
    ) -> Reference:
        ref = cls()
        with open(actors_path, encoding="utf-8") as handle:
            data = json.load(handle)
        for actor in data["actors"]:
            entry = ActorEntry(actor["key"], actor.get("parent"))
            ref.actor_category[entry.key] = actor.get("category") or ""
            ref.actor_parent[entry.key] = entry.parent
            names = [actor["key"].replace("_", " "), actor["name"]]
            names += [alias["name"] for alias in actor.get("aliases", [])]
            for name in names:
                # the first actor to claim an alias keeps it (the dictionary's order is deliberate)
                ref.actor_by_alias.setdefault(normalize_name(name), entry)
        with open(places_path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                place = PlaceEntry(
                    row["code"],
                    row["kind"],
                    row["parent_code"] or "",
                    _float(row["latitude"]),
                    _float(row["longitude"]),
                )
                ref.places[place.code] = place
                place_names = {normalize_name(row["name"])}
                place_names |= {
                    normalize_name(alt)
                    for alt in (row["alt_names"] or "").split("|")
                    if alt.strip()
                }
                place_names.discard("")
                ref.place_names[place.code] = place_names
                for name in sorted(place_names):
                    bucket = ref.places_by_name.setdefault(name, [])
                    if place not in bucket:
                        bucket.append(place)
        return ref

    # -- actors -------------------------------------------------------------------------------

    def lineage(self, key: str) -> list[str]:
        """The actor and its ancestors, nearest first: katiba_macina -> [katiba_macina, jnim]."""
        chain: list[str] = []
        while key and key not in chain:
            chain.append(key)
            key = self.actor_parent.get(key) or ""
        return chain

    # -- places -------------------------------------------------------------------------------

    def ancestor_of_kind(self, code: str, kind: str) -> str:
        """The place itself or its nearest ancestor of that kind ('' when there is none)."""
        seen = 0
        while code and seen < 10:
            entry = self.places.get(code)
            if entry is None:
                return ""
            if entry.kind == kind:
                return code
            code, seen = entry.parent_code, seen + 1
        return ""

    def contains(self, outer: str, inner: str) -> bool:
        """True when place `outer` is `inner` or one of its ancestors."""
        seen = 0
        while inner and seen < 10:
            if inner == outer:
                return True
            entry = self.places.get(inner)
            inner, seen = (entry.parent_code if entry else ""), seen + 1
        return False

    def cercles(self) -> list[PlaceEntry]:
        return [p for p in self.places.values() if p.kind == "cercle" and p.latitude is not None]


@lru_cache(maxsize=1)
def default_reference() -> Reference:
    """The shipped dictionary and gazetteer, loaded once per process."""
    return Reference.load()
