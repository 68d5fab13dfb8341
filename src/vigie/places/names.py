"""Place names across spellings: a search key and an index that says when a name is ambiguous.

Plain Python (no Django): the gazetteer's import resolver and the linkage engine's reference use it.

Two levels of agreement. ``normalize_name`` (vigie.core.text) folds case, accents and punctuation:
'Ségou', 'SEGOU', 'Ké-Macina' / 'Ke Macina'. ``search_key`` goes further, for the transliterations
of Malian names between French, English and local spellings: spaces and hyphens dropped
('Ogossagou-Peulh' / 'Ogossagou Peul'), 'ou'/'w'/'u', 'dj'/'j', 'y'/'i', 'c'/'k'/'q', silent 'h',
doubled letters, 'Peulh'/'Peuhl'/'Peul', roman and arabic numerals. A key match is a weaker
statement than a normalised match, so the index tries it only when no name matches exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vigie.core.text import normalize_name

_TOKEN_CANON = {
    "peulh": "peul",
    "peuhl": "peul",
    "peuh": "peul",
    "peuls": "peul",
    "peulhs": "peul",
    "foulani": "peul",
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
}
_FOLDS = (
    ("tch", "ch"),
    ("dj", "j"),
    ("qu", "k"),
    ("q", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("ou", "u"),
    ("w", "u"),
    ("y", "i"),
    ("h", ""),
)
_C_HARD = re.compile(r"c(?=[aouklr]|$)")
_DOUBLE = re.compile(r"(.)\1")  # pairs: 'Bankass' is 'Bankas'; runs of other lengths stay apart


@lru_cache(maxsize=200_000)
def search_key(name: str) -> str:
    """A compact key for spellings of one name: 'Ogossagou-Peulh' and 'Ogossagou Peul' give the
    same key, as do 'Socoura' / 'Sokoura', 'Djenné' / 'Jenne', 'Gangafani II' / 'Gangafani 2'."""
    tokens = [_TOKEN_CANON.get(token, token) for token in normalize_name(name).split()]
    text = "".join(tokens)
    text = _C_HARD.sub("k", text)
    text = text.replace("c", "s")
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", text)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What a name resolves to: ``found`` (one place, ``ids[0]``), ``ambiguous`` (several, none
    preferred: the caller must give a cercle or region, or ask someone) or ``unknown``."""

    status: str
    ids: tuple
    by_key: bool = False  # matched through search_key, not the normalised name
    by_rank: bool = False  # chosen as the one notable place among places of that name

    @property
    def id(self):
        return self.ids[0] if self.status == "found" else None


class NameIndex:
    """Names of places (and their other spellings) to place ids, with each place's parent so that a
    context (a cercle, a region) can choose among places of one name."""

    def __init__(self) -> None:
        self._by_name: dict[str, list] = {}
        self._by_key: dict[str, list] = {}
        self.parent: dict = {}
        self.kind: dict = {}
        self.notable: set = set()

    def add_place(
        self, place_id, kind: str, parent_id, names: Iterable[str], notable: bool = False
    ) -> None:
        self.kind[place_id] = kind
        self.parent[place_id] = parent_id
        if notable or kind != "locality":
            self.notable.add(place_id)
        for name in names:
            self.add_name(place_id, name)

    def add_name(self, place_id, name: str) -> None:
        normalized = normalize_name(name)
        if not normalized:
            return
        bucket = self._by_name.setdefault(normalized, [])
        if place_id not in bucket:
            bucket.append(place_id)
        key = search_key(name)
        if key:
            bucket = self._by_key.setdefault(key, [])
            if place_id not in bucket:
                bucket.append(place_id)

    def ancestors(self, place_id) -> list:
        """The place and its ancestors, the place first."""
        chain = []
        while place_id is not None and place_id not in chain:
            chain.append(place_id)
            place_id = self.parent.get(place_id)
        return chain

    def candidates(self, name: str) -> tuple[list, bool]:
        """Places of that name (normalised), else of that search key; and whether by key."""
        found = self._by_name.get(normalize_name(name))
        if found:
            return list(found), False
        return list(self._by_key.get(search_key(name), ())), True

    def resolve(
        self,
        name: str,
        within: Iterable = (),
        kinds: Iterable[str] | None = None,
        accept: Callable[[object], bool] | None = None,
    ) -> NameMatch:
        """The place a name means. ``within``: ids of places the answer must lie in (a cercle, a
        region: every one given must contain it); ``kinds``: the kinds it may be; ``accept``: any
        other condition. Places of the name on one line of descent (a commune and its chief town of
        the same name) give the most specific. Otherwise, when the notable ones among them (areas,
        towns and villages of the hand-made gazetteer, GeoNames seats) are on one line, the most
        specific of those ('Gao' is the town, not a hamlet of Kayes called Gao); otherwise the name
        is ``ambiguous`` (the two communes called Tilemsi)."""
        within = [place_id for place_id in within if place_id is not None]
        kinds = set(kinds) if kinds is not None else None
        for use_key in (False, True):
            if use_key:
                pool = list(self._by_key.get(search_key(name), ()))
            else:
                pool = list(self._by_name.get(normalize_name(name), ()))
            chosen = [
                place_id
                for place_id in pool
                if (kinds is None or self.kind.get(place_id) in kinds)
                and (accept is None or accept(place_id))
                and all(outer in self.ancestors(place_id) for outer in within)
            ]
            if chosen:
                return self._settle(chosen, use_key)
        return NameMatch("unknown", ())

    def _settle(self, chosen: list, by_key: bool) -> NameMatch:
        found, by_rank = settle(chosen, self.ancestors, self.notable.__contains__)
        if found is not None:
            return NameMatch("found", (found,), by_key, by_rank)
        return NameMatch("ambiguous", tuple(chosen), by_key)


def settle(
    chosen: list, ancestors: Callable[[Any], list], notable: Callable[[Any], bool]
) -> tuple[Any, bool]:
    """Of several places of one name, the one meant: the deepest when they are on one line of
    descent ('Ségou' the region, cercle, commune and town: the town); else the deepest of the
    notable ones when those are on one line; else (None, False): ambiguous. The second value says
    whether notability decided."""
    deepest = _one_line(chosen, ancestors)
    if deepest is not None:
        return deepest, False
    ranked = [place for place in chosen if notable(place)]
    deepest = _one_line(ranked, ancestors) if ranked else None
    return (deepest, True) if deepest is not None else (None, False)


def _one_line(chosen: list, ancestors: Callable[[Any], list]):
    """The deepest place when every other one contains it (one line of descent), else None."""
    deepest = max(chosen, key=lambda place: len(ancestors(place)))
    line = set(ancestors(deepest))
    return deepest if all(place in line for place in chosen) else None
