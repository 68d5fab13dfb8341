"""Filters of the actors list (django-filter): category, a name or another name, review."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Exists, OuterRef, Q

from vigie.actors.choices import ActorCategory
from vigie.actors.models import Actor, ActorAlias
from vigie.core.filtersets import ChoiceInFilter
from vigie.core.text import normalize_name


class ActorFilterSet(filters.FilterSet):
    category = ChoiceInFilter(choices=ActorCategory.choices, help_text="Categories.")
    search = filters.CharFilter(
        method="filter_search",
        max_length=300,
        help_text="Part of the name or of another name (JNIM, GSIM...).",
    )
    needs_review = filters.BooleanFilter(
        help_text="Actors created from imported names, not yet reviewed."
    )

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        normalized = normalize_name(value)
        aliases = ActorAlias.objects.filter(actor=OuterRef("pk"), normalized__contains=normalized)
        return queryset.filter(Q(name__icontains=value) | Q(key__icontains=value) | Exists(aliases))
