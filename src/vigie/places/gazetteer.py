"""Resolving place names from imports to the gazetteer, creating (and flagging) what it does not know."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from vigie.core.published import free_key
from vigie.core.text import normalize_name, slugify_ascii

from .choices import ADMIN_LEVEL, KIND_AT_LEVEL
from .geometry import PolygonIndex
from .models import Place, PlaceAlias
from .names import NameIndex, NameMatch, search_key

CODE_ROOM = 110  # of Place.code's 120 characters, leaving room for a "-N" suffix
NEAREST_KM = 25.0
"""Of several villages of one name in a commune or cercle, an import's point chooses the nearest
within this distance (GeoNames positions of villages are mostly within a few km); farther from all
of them, the point names another village of that name, which the import creates."""


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    place_id: int | None
    admin0_id: int | None
    admin1_id: int | None
    admin2_id: int | None
    admin3_id: int | None


class Gazetteer:
    """The gazetteer in memory, for resolving many names quickly during an import.

    It holds the places an import may resolve to (``Place.objects.available_to``: the published ones
    and the importing organisation's own); the places it creates are unpublished, of that
    organisation, when the import is an organisation's non-public reports (``private``)."""

    def __init__(self, organisation_id: int | None = None, private: bool = False) -> None:
        self.organisation_id = organisation_id
        self.private = bool(private and organisation_id is not None)
        self._children: dict[tuple[int | None, str], int] = {}  # (parent id, name) -> place id
        self._below_cercle: dict[
            tuple[int, str], int
        ] = {}  # (cercle id, name) -> locality/commune id
        self._kind: dict[int, str] = {}
        self._parent: dict[int, int | None] = {}
        self._code: dict[int, str] = {}
        self._point: dict[int, tuple[float, float]] = {}
        self._cache: dict[tuple, ResolvedPlace] = {}
        self.names = NameIndex()
        self.communes = PolygonIndex([], [])
        self.cercles = PolygonIndex([], [])
        self.created: list[int] = []

    @classmethod
    def load(cls, organisation_id: int | None = None, private: bool = False) -> Gazetteer:
        gazetteer = cls(organisation_id, private)
        # A public import links only published places: its incidents are open data.
        available = Place.objects.available_to(organisation_id if gazetteer.private else None)
        rows = list(
            available.values_list(
                "id", "kind", "parent_id", "code", "name", "latitude", "longitude"
            )
        )
        for place_id, kind, parent_id, code, _name, latitude, longitude in rows:
            gazetteer._kind[place_id] = kind
            gazetteer._parent[place_id] = parent_id
            gazetteer._code[place_id] = code
            if latitude is not None and longitude is not None:
                gazetteer._point[place_id] = (latitude, longitude)
        names: list[tuple[int, str]] = [(row[0], row[4]) for row in rows]
        names += [(row[0], row[3]) for row in rows if row[1] == "country"]
        names += list(
            PlaceAlias.objects.filter(place__in=available).values_list("place_id", "name")
        )
        for place_id, name in names:
            gazetteer._index(place_id, name)
        for kind in ("commune", "cercle"):
            areas = list(
                available.filter(kind=kind).exclude(boundary="").values_list("id", "boundary")
            )
            index = PolygonIndex([a[0] for a in areas], [json.loads(a[1]) for a in areas])
            setattr(gazetteer, kind + "s", index)
        return gazetteer

    # -- where a point is, what a name means ---------------------------------------------------

    def areas_at(self, latitude: float, longitude: float) -> tuple[int | None, ...]:
        """(country, region, cercle, commune) ids of the areas holding a point, by their
        boundaries; Nones where no boundary holds it. The region is the cercle's (the current
        regions, Ménaka and Taoudénit included), not that of the older region polygons."""
        commune = self.communes.locate_one(latitude, longitude)
        cercle = (
            self._parent.get(commune)
            if commune is not None
            else self.cercles.locate_one(latitude, longitude)
        )
        region = self._parent.get(cercle) if cercle is not None else None
        country = self._parent.get(region) if region is not None else None
        return country, region, cercle, commune

    def lookup(self, name: str, *, within: tuple[int | None, ...] = (), kinds=None) -> NameMatch:
        """What a place name means (any spelling), inside the given places (a cercle, a region):
        ``found``, ``ambiguous`` (several places, none preferred: give a cercle or a region) or
        ``unknown``."""
        return self.names.resolve(name, within=within, kinds=kinds)

    def _nearest(self, candidates, latitude: float, longitude: float) -> int | None:
        ranked = sorted(
            (_km(latitude, longitude, *self._point[c]), c) for c in candidates if c in self._point
        )
        return ranked[0][1] if ranked and ranked[0][0] <= NEAREST_KM else None

    def _cercle_of(self, place_id: int | None) -> int | None:
        while place_id is not None and self._kind.get(place_id) not in ("cercle", None):
            if ADMIN_LEVEL[self._kind[place_id]] < ADMIN_LEVEL["cercle"]:
                return None
            place_id = self._parent.get(place_id)
        return place_id

    def _index(self, place_id: int, name: str) -> None:
        key = normalize_name(name)
        if not key:
            return
        if place_id not in self.names.kind:
            self.names.add_place(place_id, self._kind[place_id], self._parent[place_id], ())
        self.names.add_name(place_id, name)
        self._children.setdefault((self._parent[place_id], key), place_id)
        self._children.setdefault((self._parent[place_id], "~" + search_key(name)), place_id)
        cercle = self._cercle_of(self._parent.get(place_id))
        if cercle is not None and self._kind[place_id] in ("commune", "locality"):
            self._below_cercle.setdefault((cercle, key), place_id)

    def _create(self, kind: str, name: str, parent_id: int | None, latitude, longitude) -> int:
        base = self._code.get(parent_id, "") if parent_id else ""
        # Place.code holds 120 characters: long names and deep chains are cut (new_place_code),
        # and an ending keeps codes unique.
        slug = (slugify_ascii(name) or "unnamed")[:40]
        code = new_place_code(base, slug, self.private)
        place = Place.objects.create(
            code=code,
            kind=kind,
            name=name[:200],
            parent_id=parent_id,
            latitude=latitude,
            longitude=longitude,
            needs_review=True,
            note="created from an imported name",
            organisation_id=self.organisation_id,
            published=not self.private,
        )
        self._kind[place.pk] = kind
        self._parent[place.pk] = parent_id
        self._code[place.pk] = code
        if latitude is not None and longitude is not None:
            self._point[place.pk] = (latitude, longitude)
        self._index(place.pk, name)
        self.created.append(place.pk)
        return place.pk

    def _locality(
        self,
        location: str,
        chain: list[int | None],
        parent: int | None,
        point: tuple[float, float] | None,
        at_point: _PointAreas,
    ) -> int | None:
        """The village or commune a location names, looked up in the named commune, then in the
        named cercle (spellings included). Several places of that name: the nearest to the point;
        no point to choose by, the deepest named area (no guess); none: a new locality, under
        the commune holding the point when it lies in the named cercle."""
        kinds = ("commune", "locality")
        for area in dict.fromkeys((chain[3], chain[2], parent)):
            if area is None:
                continue
            match = self.names.resolve(location, within=(area,), kinds=kinds)
            if match.status == "found":
                return match.id
            if match.status == "ambiguous":
                if point is None:
                    return parent
                nearest = self._nearest(match.ids, *point)
                if nearest is not None:
                    return nearest
                break
        new_parent = parent
        commune = at_point[3]
        if (
            commune is not None
            and chain[3] is None
            and chain[2] is not None
            and self._parent.get(commune) == chain[2]
        ):
            new_parent = commune
        latitude, longitude = point if point is not None else (None, None)
        return self._create("locality", location, new_parent, latitude, longitude)

    def country_code(self, name: str) -> str:
        """The ISO 3166 alpha-3 code of a country the gazetteer knows by this name (or code), else ''."""
        place_id = self._children.get((None, normalize_name(name)))
        code = self._code.get(place_id, "") if place_id is not None else ""
        return code if len(code) == 3 and code.isalpha() and code.isupper() else ""

    def resolve(
        self,
        country: str,
        admin1: str,
        admin2: str,
        admin3: str,
        location: str,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> ResolvedPlace:
        key = (country, admin1, admin2, admin3, location, latitude, longitude)
        found = self._cache.get(key)
        if found is not None:
            return found
        chain: list[int | None] = [None, None, None, None]
        point = (latitude, longitude) if latitude is not None and longitude is not None else None
        # the areas holding the point, used where a name is missing or unknown, and only when
        # they agree with the levels that are named
        at_point = _PointAreas(self, point)
        parent: int | None = None
        names = (country, admin1, admin2, admin3)
        for level, name in enumerate(names):
            if not name.strip():
                # levels left out at the end (a commune not given): from the point's areas
                if (
                    at_point[level] is not None
                    and self._parent.get(at_point[level]) == parent
                    and not any(deeper.strip() for deeper in names[level + 1 :])
                ):
                    chain[level] = parent = at_point[level]
                continue
            normalized = normalize_name(name)
            place_id = self._children.get((parent, normalized))
            if place_id is None and level == 3 and chain[2] is not None:
                place_id = self._below_cercle.get((chain[2], normalized))
            if place_id is None:  # another spelling: 'Tin Essako', 'Ténenkou', 'Gourma-Rarhous'
                place_id = self._children.get((parent, "~" + search_key(name)))
            if place_id is None and at_point[level] is not None:
                # a name the gazetteer does not know, at a point inside a known area of that level
                # under the named parent: the area (e.g. a commune spelled otherwise)
                if self._parent.get(at_point[level]) == parent:
                    place_id = at_point[level]
            if place_id is None:
                place_id = self._create(
                    KIND_AT_LEVEL[level],
                    name.strip(),
                    parent,
                    latitude if level == 3 else None,
                    longitude if level == 3 else None,
                )
            chain[level] = place_id
            parent = place_id
        place_id = parent
        if location.strip():
            place_id = self._locality(location.strip(), chain, parent, point, at_point)
        resolved = ResolvedPlace(place_id, *chain)
        self._cache[key] = resolved
        return resolved


class _PointAreas:
    """The areas holding a point, found when first asked for: most rows of an import name every
    level the gazetteer knows, and need no point in polygon."""

    def __init__(self, gazetteer: Gazetteer, point: tuple[float, float] | None) -> None:
        self.gazetteer = gazetteer
        self.point = point
        self.areas: tuple[int | None, ...] | None = None

    def __getitem__(self, level: int) -> int | None:
        if self.point is None:
            return None
        if self.areas is None:
            self.areas = self.gazetteer.areas_at(*self.point)
        return self.areas[level]


def new_place_code(base: str, slug: str, private: bool) -> str:
    """A free code for a new place under ``base`` (its parent's code): made unique by a number, or (an
    unpublished place) by a random ending that tells nothing of other organisations' places."""
    stem = (f"{base}.{slug}" if base else slug)[:CODE_ROOM]
    return free_key(stem, lambda code: Place.objects.filter(code=code).exists(), private)
