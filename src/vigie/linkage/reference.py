"""The shipped actor dictionary and gazetteer as plain lookups, for the linkage engine.

Read straight from the package's JSON and CSV files (no database), so that linkage runs from a
notebook or on a CSV file exactly as it runs inside the application.

Two gazetteers: ``default_reference()`` reads the hand-made ``mali_places.csv`` (about 500 places,
what the engine was tuned on); ``full_reference()`` reads the whole shipped gazetteer as the
database holds it after ``vigie init`` (vigie.places.mali: the same codes, plus the geoBoundaries
communes with their polygons and the 14,889 GeoNames places), and can say which commune and cercle
hold a point (``areas_at``, ``cercles_at``) and what a name means in a cercle (``resolve_place``).
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
from vigie.places.geometry import PolygonIndex
from vigie.places.mali import MALI_DIR, Entry, build_entries
from vigie.places.names import NameIndex, NameMatch

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
    place_index: NameIndex = field(default_factory=NameIndex)  # spellings, with ambiguity
    communes: PolygonIndex = field(default_factory=lambda: PolygonIndex([], []))  # keys: codes
    cercle_areas: PolygonIndex = field(default_factory=lambda: PolygonIndex([], []))

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
                ref._add_place(
                    PlaceEntry(
                        row["code"],
                        row["kind"],
                        row["parent_code"] or "",
                        _float(row["latitude"]),
                        _float(row["longitude"]),
                    ),
                    [row["name"], *(row["alt_names"] or "").split("|")],
                    notable=True,
                )
        return ref

    @classmethod
    def load_full(
        cls,
        actors_path: Path = DEFAULT_ACTORS,
        places_path: Path = DEFAULT_PLACES,
        mali_dir: Path = MALI_DIR,
    ) -> Reference:
        """The actor dictionary and the whole shipped gazetteer (vigie.places.mali), with the
        commune and cercle boundaries: the places the database holds after ``vigie init``."""
        ref = cls.load(actors_path, places_path)
        ref.places, ref.places_by_name, ref.place_names = {}, {}, {}
        ref.place_index = NameIndex()
        entries: list[Entry] = build_entries(places_path, mali_dir)
        for entry in entries:
            ref._add_place(
                PlaceEntry(
                    entry.code, entry.kind, entry.parent_code, entry.latitude, entry.longitude
                ),
                [entry.name, *entry.aliases],
                notable=entry.notable,
            )
        for kind, attribute in (("commune", "communes"), ("cercle", "cercle_areas")):
            areas = [(e.code, e.boundary) for e in entries if e.kind == kind and e.boundary]
            index = PolygonIndex([code for code, _ in areas], [shape for _, shape in areas])
            setattr(ref, attribute, index)
        return ref

    def _add_place(self, place: PlaceEntry, names: list[str], notable: bool = False) -> None:
        self.places[place.code] = place
        place_names = {normalize_name(name) for name in names if name.strip()}
        place_names.discard("")
        self.place_names[place.code] = place_names
        for name in sorted(place_names):
            bucket = self.places_by_name.setdefault(name, [])
            if place not in bucket:
                bucket.append(place)
        self.place_index.add_place(
            place.code,
            place.kind,
            place.parent_code or None,
            [n for n in names if n.strip()],
            notable,
        )

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

    def resolve_place(
        self, name: str, *, cercle: str = "", region: str = "", kinds=None
    ) -> NameMatch:
        """What a place name means, through its spellings ('Ogossagou Peul', 'Ogossagou-Peulh'),
        inside a cercle and/or region when given (codes): ``found`` (``.id`` is the code),
        ``ambiguous`` (``.ids``: the codes; give a cercle or region) or ``unknown``."""
        return self.place_index.resolve(name, within=(cercle or None, region or None), kinds=kinds)

    def areas_at(self, latitude: float, longitude: float) -> tuple[str, str, str]:
        """(region, cercle, commune) codes of the areas holding a point, by their boundaries
        (``load_full``); '' where none does. The region is the cercle's current region."""
        commune = self.communes.locate_one(latitude, longitude) or ""
        cercle = (
            self.places[commune].parent_code
            if commune
            else self.cercle_areas.locate_one(latitude, longitude) or ""
        )
        region = self.ancestor_of_kind(cercle, "region") if cercle else ""
        return region, cercle, commune

    def cercles_at(self, latitudes, longitudes) -> list[str]:
        """The cercle code holding each point ('' outside every boundary), many points at once."""
        found = self.communes.locate(latitudes, longitudes)
        codes = self.communes.keys
        out = [self.places[codes[i]].parent_code if i >= 0 else "" for i in found]
        missing = [i for i, code in enumerate(out) if not code]
        if missing and len(self.cercle_areas):
            lat = [latitudes[i] for i in missing]
            lon = [longitudes[i] for i in missing]
            for i, j in zip(missing, self.cercle_areas.locate(lat, lon), strict=True):
                out[i] = self.cercle_areas.keys[j] if j >= 0 else ""
        return out


@lru_cache(maxsize=1)
def default_reference() -> Reference:
    """The shipped dictionary and hand-made gazetteer, loaded once per process."""
    return Reference.load()


@lru_cache(maxsize=1)
def full_reference() -> Reference:
    """The shipped dictionary and whole gazetteer with boundaries, loaded once per process."""
    return Reference.load_full()
