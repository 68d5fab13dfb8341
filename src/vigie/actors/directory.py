"""Resolving actor names from imports to the dictionary, creating (and flagging) unknown ones."""

from __future__ import annotations

import re

from vigie.core.published import free_key
from vigie.core.text import normalize_name, slugify_ascii

from .classify import STATE_CATEGORIES, category_in_context, is_state_actor, state_country
from .models import Actor, ActorAlias

_PERIOD = re.compile(
    r"\s*\d{4}(?:\s+\d{4})?\s*$"
)  # "military forces of mali 2021" after normalising


def without_period(normalized: str) -> str:
    """ACLED names a state's forces per regime: 'Military Forces of Mali (2021-)'; drop the years."""
    return _PERIOD.sub("", normalized).strip()


class ActorDirectory:
    """The names an import may resolve to (``Actor.objects.available_to``: the published ones and the
    importing organisation's own) and the actors it creates: unpublished, of that organisation, when
    the import is an organisation's non-public reports (``private``)."""

    def __init__(self, organisation_id: int | None = None, private: bool = False) -> None:
        self.organisation_id = organisation_id
        self.private = bool(private and organisation_id is not None)
        self._by_name: dict[str, int] = {}
        self._category: dict[int, str] = {}
        self._from_dictionary: set[int] = set()
        self._cache: dict[str, int] = {}
        self.created: list[int] = []
        self._created_names: dict[int, str] = {}

    @classmethod
    def load(cls, organisation_id: int | None = None, private: bool = False) -> ActorDirectory:
        directory = cls(organisation_id, private)
        # A public import links only published names: its incidents are open data.
        available = Actor.objects.available_to(organisation_id if directory.private else None)
        for actor_id, name, key, category, needs_review in available.values_list(
            "id", "name", "key", "category", "needs_review"
        ):
            directory._category[actor_id] = category
            if not needs_review:
                directory._from_dictionary.add(actor_id)
            directory._by_name.setdefault(normalize_name(name), actor_id)
            directory._by_name.setdefault(normalize_name(key.replace("_", " ")), actor_id)
        for actor_id, normalized in ActorAlias.objects.filter(actor__in=available).values_list(
            "actor_id", "normalized"
        ):
            directory._by_name[normalized] = actor_id
        return directory

    def category(self, actor_id: int) -> str:
        return self._category[actor_id]

    def category_in_event(self, actor_id: int, category_hint: str) -> str:
        """The actor's category in one event. The dictionary decides for the actors it knows, but for
        a state's forces, which are state forces at home and foreign forces elsewhere; an actor not in
        the dictionary has the category its row's codes give it (``category_hint``)."""
        own = self._category[actor_id]
        if actor_id in self._from_dictionary:
            return category_in_context(own, category_hint)
        return "" if category_hint == "other" else category_hint  # empty: the actor's own category

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
            # A state's forces are state forces (foreign forces only relative to an event elsewhere):
            # the actor's own category must not depend on the country of the first row that names it.
            own = (
                "state_forces"
                if category_hint in STATE_CATEGORIES and is_state_actor(name)
                else category_hint
            )
            actor_id = self._create(name, own or "other")
        self._cache[name] = actor_id
        return actor_id

    def settle_countries(self, country_code) -> None:
        """Record the country of each state actor created here (``country_code``: name -> ISO alpha-3 or
        ''), so that exports and pages can tell its forces at home from its forces abroad."""
        for actor_id in self.created:
            name = self._created_names.get(actor_id, "")
            if self._category[actor_id] == "state_forces" and is_state_actor(name):
                code = country_code(state_country(name))
                if code:
                    Actor.objects.filter(pk=actor_id, country="").update(country=code)

    def settle_categories(self, seen: dict[int, dict[str, int]]) -> None:
        """Give each actor created here the category most of its links had (``seen``: actor id ->
        category -> links), the name of the category breaking ties: whatever order the rows came in,
        the same category. A state's forces stay state forces."""
        by_category: dict[str, list[int]] = {}
        for actor_id in self.created:
            counts = seen.get(actor_id)
            if not counts or self._category[actor_id] == "state_forces":
                continue
            category = min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            if category != self._category[actor_id]:
                self._category[actor_id] = category
                by_category.setdefault(category, []).append(actor_id)
        for category, ids in by_category.items():
            Actor.objects.filter(pk__in=ids).update(category=category)

    def _create(self, name: str, category: str) -> int:
        actor = Actor.objects.create(
            key=new_actor_key(name, self.private),
            name=name.strip(),
            category=category,
            needs_review=True,
            organisation_id=self.organisation_id,
            published=not self.private,
        )
        normalized = normalize_name(name)
        if not ActorAlias.objects.filter(normalized=normalized).exists():
            ActorAlias.objects.create(actor=actor, name=name.strip(), language="import")
        self._by_name[normalized] = actor.pk
        self._category[actor.pk] = category
        self.created.append(actor.pk)
        self._created_names[actor.pk] = actor.name
        return actor.pk


def new_actor_key(name: str, private: bool) -> str:
    """A free key for a new actor: its name as a slug, made unique by a number, or (an unpublished
    name) by a random ending that tells nothing of other organisations' names."""
    base = slugify_ascii(name)[:100] or "actor"
    return free_key(base, lambda key: Actor.objects.filter(key=key).exists(), private)
