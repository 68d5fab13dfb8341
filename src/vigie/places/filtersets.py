"""Filters of the places list (django-filter): kind, parent, p-code, a name in any spelling.

Places are given by id, gazetteer code or OCHA p-code. A reference to something outside your scope
matches nothing, as if it did not exist.
"""

from __future__ import annotations

import re

import django_filters as filters
from django.db.models import Exists, OuterRef, Q

from vigie.core.filtersets import ChoiceInFilter, ReferenceListFilter, by_id_or
from vigie.core.text import normalize_name
from vigie.places.choices import PlaceKind
from vigie.places.models import Place, PlaceAlias


def place_ids(user, items: list[str]) -> list[int]:
    """Resolved first (one small query), so that the database can use its (region, date) indexes."""
    return list(
        Place.objects.visible_to(user)
        .filter(by_id_or(("code", "pcode"), items))
        .values_list("pk", flat=True)
    )


_ACCENTED = {
    "a": "aàáâãäå",
    "c": "cç",
    "e": "eèéêë",
    "i": "iìíîï",
    "n": "nñ",
    "o": "oòóôõö",
    "u": "uùúûü",
    "y": "yýÿ",
}


def accent_blind_pattern(value: str) -> str:
    """A regular expression (for Python and PostgreSQL alike) matching ``value`` whatever its accents:
    "segou" matches "Ségou". The gazetteer keeps no accent-free copy of each name."""
    parts = []
    for char in normalize_name(value):
        if char in _ACCENTED:
            parts.append(f"[{_ACCENTED[char]}]")
        elif char == " ":
            parts.append(r"\W+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class PlaceFilterSet(filters.FilterSet):
    kind = ChoiceInFilter(choices=PlaceKind.choices, help_text="Kinds of place.")
    parent = ReferenceListFilter(
        method="filter_parent",
        help_text="Places directly within these: ids, gazetteer codes or p-codes.",
    )
    pcode = filters.CharFilter(max_length=20, help_text="OCHA p-code.")
    search = filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Part of the name or of another spelling (Segou, Ségou, Segu).",
    )
    needs_review = filters.BooleanFilter(
        help_text="Places created from imported names, not yet reviewed."
    )

    class Meta:
        model = Place
        fields: list[str] = []

    def filter_parent(self, queryset, name, value):
        return queryset.filter(parent_id__in=place_ids(self.request.user, value))

    def filter_search(self, queryset, name, value):
        normalized = normalize_name(value)
        if not normalized:
            return queryset.filter(name__icontains=value)
        aliases = PlaceAlias.objects.filter(place=OuterRef("pk"), normalized__contains=normalized)
        return queryset.filter(Q(name__iregex=accent_blind_pattern(value)) | Exists(aliases))
