"""Loading the gazetteer that ships with Vigie (places/data/mali_places.csv) into the database."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from vigie.core.text import normalize_name

from .models import Place, PlaceAlias

DEFAULT_GAZETTEER = Path(__file__).parent / "data" / "mali_places.csv"


def _float(value: str) -> float | None:
    return float(value) if value and value.strip() else None


@transaction.atomic
def load_gazetteer(path: Path = DEFAULT_GAZETTEER) -> tuple[int, int]:
    """Create or update the places of the file (by code); returns (created, updated). Idempotent."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {place.code: place for place in Place.objects.all()}
    created = updated = 0
    pending = {row["code"]: row for row in rows}
    done: dict[str, Place] = {}
    while pending:
        progress = False
        for code, row in list(pending.items()):
            parent_code = row.get("parent_code", "").strip()
            if parent_code and parent_code not in done and parent_code not in existing:
                continue
            parent = done.get(parent_code) or existing.get(parent_code) if parent_code else None
            values = {
                "kind": row["kind"],
                "name": row["name"].strip(),
                "parent": parent,
                "latitude": _float(row.get("latitude", "")),
                "longitude": _float(row.get("longitude", "")),
                "pcode": (row.get("pcode") or "").strip(),
                "note": (row.get("note") or "").strip()[:300],
                "needs_review": False,
            }
            place = existing.get(code)
            if place is None:
                place = Place.objects.create(code=code, **values)
                created += 1
            elif any(getattr(place, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(place, key, value)
                place.save()
                updated += 1
            done[code] = place
            known = set(place.aliases.values_list("normalized", flat=True))
            for alias in (row.get("alt_names") or "").split("|"):
                alias = alias.strip()
                if (
                    alias
                    and normalize_name(alias) not in known
                    and normalize_name(alias) != normalize_name(place.name)
                ):
                    PlaceAlias.objects.create(place=place, name=alias)
                    known.add(normalize_name(alias))
            del pending[code]
            progress = True
        if not progress:
            raise ValueError(f"{path}: parents not found for codes: {', '.join(sorted(pending))}")
    return created, updated
