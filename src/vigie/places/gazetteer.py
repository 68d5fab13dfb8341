"""Resolving place names from imports to the gazetteer, creating (and flagging) what it does not know."""

from __future__ import annotations

from dataclasses import dataclass

from vigie.core.published import free_key
from vigie.core.text import normalize_name, slugify_ascii

from .choices import ADMIN_LEVEL, KIND_AT_LEVEL
from .models import Place, PlaceAlias

CODE_ROOM = 110  # of Place.code's 120 characters, leaving room for a "-N" suffix


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
        self._cache: dict[tuple, ResolvedPlace] = {}
        self.created: list[int] = []

    @classmethod
    def load(cls, organisation_id: int | None = None, private: bool = False) -> Gazetteer:
        gazetteer = cls(organisation_id, private)
        # A public import links only published places: its incidents are open data.
        available = Place.objects.available_to(organisation_id if gazetteer.private else None)
        rows = list(available.values_list("id", "kind", "parent_id", "code", "name"))
        for place_id, kind, parent_id, code, _name in rows:
            gazetteer._kind[place_id] = kind
            gazetteer._parent[place_id] = parent_id
            gazetteer._code[place_id] = code
        names: list[tuple[int, str]] = [(pid, name) for pid, _k, _p, code, name in rows]
        names += [(pid, code) for pid, kind, _p, code, _n in rows if kind == "country"]
        names += list(
            PlaceAlias.objects.filter(place__in=available).values_list("place_id", "name")
        )
        for place_id, name in names:
            gazetteer._index(place_id, name)
        return gazetteer

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
        self._children.setdefault((self._parent[place_id], key), place_id)
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
        self._index(place.pk, name)
        self.created.append(place.pk)
        return place.pk

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
        key = (country, admin1, admin2, admin3, location)
        found = self._cache.get(key)
        if found is not None:
            return found
        chain: list[int | None] = [None, None, None, None]
        parent: int | None = None
        for level, name in enumerate((country, admin1, admin2, admin3)):
            if not name.strip():
                continue
            normalized = normalize_name(name)
            place_id = self._children.get((parent, normalized))
            if place_id is None and level == 3 and chain[2] is not None:
                place_id = self._below_cercle.get((chain[2], normalized))
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
            normalized = normalize_name(location)
            found_id = None
            for candidate_parent in dict.fromkeys((chain[3], chain[2], parent)):
                if candidate_parent is not None:
                    found_id = self._children.get((candidate_parent, normalized))
                    if found_id is not None and self._kind[found_id] in ("commune", "locality"):
                        break
                    found_id = None
            if found_id is None and chain[2] is not None:
                found_id = self._below_cercle.get((chain[2], normalized))
            if found_id is None:
                found_id = self._create("locality", location.strip(), parent, latitude, longitude)
            place_id = found_id
        resolved = ResolvedPlace(place_id, *chain)
        self._cache[key] = resolved
        return resolved


def new_place_code(base: str, slug: str, private: bool) -> str:
    """A free code for a new place under ``base`` (its parent's code): made unique by a number, or (an
    unpublished place) by a random ending that tells nothing of other organisations' places."""
    stem = (f"{base}.{slug}" if base else slug)[:CODE_ROOM]
    return free_key(stem, lambda code: Place.objects.filter(code=code).exists(), private)
