"""Resolving actor names from imports to the dictionary, creating (and flagging) unknown ones."""

from __future__ import annotations

import re

from vigie.core.text import normalize_name, slugify_ascii

from .models import Actor, ActorAlias

_PERIOD = re.compile(r"\s*\d{4}(?:\s+\d{4})?\s*$")  # "military forces of mali 2021" after normalising


def without_period(normalized: str) -> str:
    """ACLED names a state's forces per regime: 'Military Forces of Mali (2021-)'; drop the years."""
    return _PERIOD.sub("", normalized).strip()


class ActorDirectory:
    def __init__(self) -> None:
        self._by_name: dict[str, int] = {}
        self._category: dict[int, str] = {}
        self._cache: dict[str, int] = {}
        self.created: list[int] = []

    @classmethod
    def load(cls) -> ActorDirectory:
        directory = cls()
        for actor_id, name, key, category in Actor.objects.values_list("id", "name", "key", "category"):
            directory._category[actor_id] = category
            directory._by_name.setdefault(normalize_name(name), actor_id)
            directory._by_name.setdefault(normalize_name(key.replace("_", " ")), actor_id)
        for actor_id, normalized in ActorAlias.objects.values_list("actor_id", "normalized"):
            directory._by_name[normalized] = actor_id
        return directory

    def category(self, actor_id: int) -> str:
        return self._category[actor_id]

    def find(self, name: str) -> int | None:
        normalized = normalize_name(name)
        found = self._by_name.get(normalized)
        if found is None:
            found = self._by_name.get(without_period(normalized))
        return found

    def resolve(self, name: str, category_hint: str = "") -> int:
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        actor_id = self.find(name)
        if actor_id is None:
            actor_id = self._create(name, category_hint or "other")
        self._cache[name] = actor_id
        return actor_id

    def _create(self, name: str, category: str) -> int:
        base = slugify_ascii(name)[:100] or "actor"
        key, suffix = base, 1
        while Actor.objects.filter(key=key).exists():
            suffix += 1
            key = f"{base}-{suffix}"
        actor = Actor.objects.create(key=key, name=name.strip(), category=category, needs_review=True)
        normalized = normalize_name(name)
        if not ActorAlias.objects.filter(normalized=normalized).exists():
            ActorAlias.objects.create(actor=actor, name=name.strip(), language="import")
        self._by_name[normalized] = actor.pk
        self._category[actor.pk] = category
        self.created.append(actor.pk)
        return actor.pk
