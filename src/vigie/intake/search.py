"""Finding places and actors by any of their spellings, as a monitor types them on a phone.

A name is matched on its normalised form (case, accents and punctuation ignored: "segou" finds
Ségou), against the canonical names and every other spelling (PlaceAlias, ActorAlias in French,
English, acronyms...). The normalised names are kept in memory for a few minutes (the gazetteer and
the dictionary are small and change rarely); a save in this process clears them at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from vigie.actors.models import Actor, ActorAlias
from vigie.core.text import normalize_name
from vigie.places.choices import ADMIN_LEVEL
from vigie.places.models import Place, PlaceAlias

INDEX_SECONDS = 300
MIN_QUERY = 2

_lock = threading.Lock()
_indexes: dict[str, tuple[float, list[tuple[str, int, str, str]]]] = {}


@receiver(post_save, sender=Place)
@receiver(post_delete, sender=Place)
@receiver(post_save, sender=PlaceAlias)
@receiver(post_delete, sender=PlaceAlias)
@receiver(post_save, sender=Actor)
@receiver(post_delete, sender=Actor)
@receiver(post_save, sender=ActorAlias)
@receiver(post_delete, sender=ActorAlias)
def _clear(**kwargs) -> None:
    with _lock:
        _indexes.clear()


def clear_indexes() -> None:
    _clear()


def _place_names() -> list[tuple[str, int, str, str]]:
    rows = [
        (normalize_name(name), pk, name, "") for pk, name in Place.objects.values_list("pk", "name")
    ]
    rows += [
        (normalized, pk, name, "alias")
        for pk, name, normalized in PlaceAlias.objects.values_list("place_id", "name", "normalized")
    ]
    return rows


def _actor_names() -> list[tuple[str, int, str, str]]:
    rows = [
        (normalize_name(name), pk, name, "") for pk, name in Actor.objects.values_list("pk", "name")
    ]
    rows += [
        (normalized, pk, name, language)
        for pk, name, normalized, language in ActorAlias.objects.values_list(
            "actor_id", "name", "normalized", "language"
        )
    ]
    return rows


def _index(kind: str) -> list[tuple[str, int, str, str]]:
    now = time.monotonic()
    with _lock:
        cached = _indexes.get(kind)
        if cached is not None and now - cached[0] < INDEX_SECONDS:
            return cached[1]
    rows = _place_names() if kind == "place" else _actor_names()
    with _lock:
        _indexes[kind] = (now, rows)
    return rows


def _rank(normalized: str, query: str) -> int | None:
    """0: the same name; 1: the name starts with the query; 2: a word starts with it; 3: it contains it."""
    if normalized == query:
        return 0
    if normalized.startswith(query):
        return 1
    if f" {query}" in f" {normalized}":
        return 2
    if query in normalized:
        return 3
    return None


def _best(kind: str, query: str) -> dict[int, tuple[int, str, str]]:
    """Object id -> (rank, the spelling that matched, its language), best spelling per object."""
    best: dict[int, tuple[int, str, str]] = {}
    for normalized, pk, name, language in _index(kind):
        rank = _rank(normalized, query)
        if rank is None:
            continue
        known = best.get(pk)
        # prefer the canonical name when it ranks as well as an alias
        if known is None or rank < known[0] or (rank == known[0] and not language and known[2]):
            best[pk] = (rank, name, language)
    return best


@dataclass
class PlaceMatch:
    place: Place
    matched: str  # the spelling that matched (an alias, or the name itself)
    is_alias: bool
    exact: bool

    @property
    def hierarchy(self) -> list[Place]:
        """The administrative areas above the place, nearest first, without the country."""
        chain, seen = [], set()
        parent = self.place.parent
        while parent is not None and parent.pk not in seen and parent.kind != "country":
            seen.add(parent.pk)
            chain.append(parent)
            parent = parent.parent
        return chain


def search_places(text: str, limit: int = 12, queryset=None) -> list[PlaceMatch]:
    """Places whose name or another spelling matches ``text``: exact first, then by prefix, then inside."""
    query = normalize_name(text or "")
    if len(query) < MIN_QUERY:
        return []
    best = _best("place", query)
    if not best:
        return []
    queryset = Place.objects.all() if queryset is None else queryset
    # a few more than needed: the ordering below also weighs the kind of place
    candidates = sorted(best, key=lambda pk: (best[pk][0], pk))[: limit * 4]
    places = {
        place.pk: place
        for place in queryset.filter(pk__in=candidates).select_related(
            "parent__parent__parent__parent"
        )
    }
    ordered = sorted(
        places.values(),
        key=lambda p: (
            best[p.pk][0],
            p.needs_review,
            ADMIN_LEVEL.get(p.kind, 9),
            normalize_name(p.name),
            p.pk,
        ),
    )
    return [
        PlaceMatch(place, best[place.pk][1], bool(best[place.pk][2]), best[place.pk][0] == 0)
        for place in ordered[:limit]
    ]


@dataclass
class ActorMatch:
    actor: Actor
    matched: str
    language: str  # the alias's language (fr, en, acronym...), "" for the actor's own name
    exact: bool

    @property
    def is_alias(self) -> bool:
        return bool(self.language)

    def get_language_display(self) -> str:
        from vigie.actors.choices import AliasLanguage

        return str(dict(AliasLanguage.choices).get(self.language, self.language))


def search_actors(text: str, limit: int = 12, queryset=None) -> list[ActorMatch]:
    """Actors whose name or an alias (French, English, acronym, other spellings) matches ``text``."""
    query = normalize_name(text or "")
    if len(query) < MIN_QUERY:
        return []
    best = _best("actor", query)
    if not best:
        return []
    queryset = Actor.objects.all() if queryset is None else queryset
    candidates = sorted(best, key=lambda pk: (best[pk][0], pk))[: limit * 4]
    actors = {
        actor.pk: actor for actor in queryset.filter(pk__in=candidates).select_related("parent")
    }
    ordered = sorted(
        actors.values(), key=lambda a: (best[a.pk][0], a.needs_review, normalize_name(a.name), a.pk)
    )
    return [
        ActorMatch(actor, best[actor.pk][1], best[actor.pk][2], best[actor.pk][0] == 0)
        for actor in ordered[:limit]
    ]


def exact_places(text: str, queryset=None) -> list[Place]:
    """The places called exactly ``text`` (any spelling, normalised)."""
    return [
        match.place for match in search_places(text, limit=20, queryset=queryset) if match.exact
    ]


def exact_actors(text: str, queryset=None) -> list[Actor]:
    return [
        match.actor for match in search_actors(text, limit=20, queryset=queryset) if match.exact
    ]
