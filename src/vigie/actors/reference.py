"""Loading the actor dictionary that ships with Vigie (actors/data/sahel_actors.json)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from vigie.core.text import normalize_name

from .models import Actor, ActorAlias

DEFAULT_DICTIONARY = Path(__file__).parent / "data" / "sahel_actors.json"


@transaction.atomic
def load_dictionary(path: Path = DEFAULT_DICTIONARY) -> tuple[int, int]:
    """Create or update the actors of the file (by key) and their aliases; returns (created, updated)."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["actors"]
    actors = {actor.key: actor for actor in Actor.objects.all()}
    created = updated = 0
    for entry in entries:
        values = {
            "name": entry["name"],
            "category": entry["category"],
            "country": entry.get("country") or "",
            "active": entry.get("active") or "",
            "description_en": entry.get("description_en") or "",
            "description_fr": entry.get("description_fr") or "",
            "needs_review": False,
        }
        actor = actors.get(entry["key"])
        if actor is None:
            actor = actors[entry["key"]] = Actor.objects.create(key=entry["key"], **values)
            created += 1
        elif any(getattr(actor, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(actor, key, value)
            actor.save()
            updated += 1
    for entry in entries:
        actor = actors[entry["key"]]
        parent = actors.get(entry.get("parent") or "")
        if actor.parent_id != (parent.pk if parent else None):
            actor.parent = parent
            actor.save()
    taken = dict(ActorAlias.objects.values_list("normalized", "actor_id"))
    new_aliases = []
    for entry in entries:
        actor = actors[entry["key"]]
        for alias in entry.get("aliases", []):
            normalized = normalize_name(alias["name"])
            if not normalized or normalized in taken:
                continue
            taken[normalized] = actor.pk
            new_aliases.append(
                ActorAlias(
                    actor=actor,
                    name=alias["name"],
                    normalized=normalized,
                    language=alias.get("lang", "en"),
                )
            )
    ActorAlias.objects.bulk_create(new_aliases)
    return created, updated
