"""Filters of the API lists, the same as the pages' (django-filter).

Values separated by commas mean "any of". Places are given by id, gazetteer code or OCHA p-code;
actors by id or key; sources by id or slug. A reference to something outside your scope matches
nothing, as if it did not exist.
"""

from __future__ import annotations

import re

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from vigie.actors.choices import ActorCategory
from vigie.actors.models import Actor, ActorAlias
from vigie.core.text import MAX_ID, normalize_name, parse_id
from vigie.incidents.choices import EventType, Grade, SubEventType, ViolationType
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.choices import PlaceKind
from vigie.places.models import Place, PlaceAlias
from vigie.reports.choices import SourceKind
from vigie.reports.models import Report, Source

from .access import actors_for, places_for, readable_incident_ids, reports_for, sources_for

MAX_LIST = 50


class ReferenceListField(forms.CharField):
    """A comma-separated list of references (ids or codes), at most MAX_LIST of them."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            return None
        if len(items) > MAX_LIST:
            raise forms.ValidationError(_("Give at most %(count)s values.") % {"count": MAX_LIST})
        return items


class ReferenceListFilter(filters.CharFilter):
    field_class = ReferenceListField


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """Any of several choices, separated by commas."""


def split_references(items: list[str]) -> tuple[list[int], list[str]]:
    numbers = [(item, parse_id(item)) for item in items]
    return [n for _item, n in numbers if n is not None], [item for item, n in numbers if n is None]


def by_id_or(field_names: tuple[str, ...], items: list[str]) -> Q:
    """Rows whose id, or one of ``field_names``, is among ``items``."""
    ids, names = split_references(items)
    condition = Q(pk__in=ids)
    for name in field_names:
        if names:
            condition |= Q(**{f"{name}__in": names})
    return condition


def place_ids(user, items: list[str]) -> list[int]:
    """Resolved first (one small query), so that the database can use its (region, date) indexes."""
    return list(
        places_for(user).filter(by_id_or(("code", "pcode"), items)).values_list("pk", flat=True)
    )


class IncidentFilterSet(filters.FilterSet):
    date_from = filters.DateFilter(
        field_name="date_start",
        lookup_expr="gte",
        help_text="Incidents that started on or after this date (YYYY-MM-DD).",
    )
    date_to = filters.DateFilter(
        field_name="date_start",
        lookup_expr="lte",
        help_text="Incidents that started on or before this date (YYYY-MM-DD).",
    )
    admin1 = ReferenceListFilter(
        method="filter_admin", help_text="Regions: ids, gazetteer codes or p-codes (ML05)."
    )
    admin2 = ReferenceListFilter(
        method="filter_admin", help_text="Cercles: ids, gazetteer codes or p-codes."
    )
    admin3 = ReferenceListFilter(
        method="filter_admin", help_text="Communes: ids, gazetteer codes or p-codes."
    )
    actor = ReferenceListFilter(method="filter_actor", help_text="Actors involved: ids or keys.")
    actor_category = ChoiceInFilter(
        choices=ActorCategory.choices,
        method="filter_actor_category",
        help_text="Categories of the actors involved.",
    )
    event_type = ChoiceInFilter(choices=EventType.choices, help_text="Event types (ACLED's).")
    sub_event_type = ChoiceInFilter(
        choices=SubEventType.choices, help_text="Sub-event types (ACLED's)."
    )
    violation = ChoiceInFilter(
        choices=ViolationType.choices, method="filter_violation", help_text="Violation categories."
    )
    source = ReferenceListFilter(
        method="filter_source", help_text="Sources of the incident's current reports: ids or slugs."
    )
    grade = ChoiceInFilter(choices=Grade.choices, help_text="Confidence grades.")

    class Meta:
        model = Incident
        fields: list[str] = []

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def filter_admin(self, queryset, name, value):
        return queryset.filter(**{f"{name}_id__in": place_ids(self.user, value)})

    def filter_actor(self, queryset, name, value):
        actors = actors_for(self.user).filter(by_id_or(("key",), value))
        links = IncidentActor.objects.filter(incident=OuterRef("pk"), actor__in=actors)
        return queryset.filter(Exists(links))

    def filter_actor_category(self, queryset, name, value):
        # The actor's category in the incident (a state's forces abroad are foreign forces there).
        links = IncidentActor.objects.filter(incident=OuterRef("pk")).filter(
            Q(category__in=value) | Q(category="", actor__category__in=value)
        )
        return queryset.filter(Exists(links))

    def filter_violation(self, queryset, name, value):
        return queryset.filter(
            Exists(IncidentViolation.objects.filter(incident=OuterRef("pk"), violation__in=value))
        )

    def filter_source(self, queryset, name, value):
        sources = sources_for(self.user).filter(by_id_or(("slug",), value))
        reports = Report.objects.filter(
            incident=OuterRef("pk"), is_current=True, source__in=sources
        )
        if self.user is None or not self.user.is_authenticated:
            # The public learns only what the public part shows: published sources of published reports.
            reports = reports.filter(source__redistributable=True)
        else:
            reports = reports.filter(
                Q(source__redistributable=True) | Q(pk__in=reports_for(self.user).values("pk"))
            )
        return queryset.filter(Exists(reports))


class ReportFilterSet(filters.FilterSet):
    incident = filters.NumberFilter(
        field_name="incident_id",
        method="filter_incident",
        min_value=1,
        max_value=MAX_ID,
        help_text="Reports of this incident (none if you may not read the incident).",
    )
    source = ReferenceListFilter(method="filter_source", help_text="Sources: ids or slugs.")
    date_from = filters.DateFilter(
        field_name="date_start", lookup_expr="gte", help_text="Events on or after this date."
    )
    date_to = filters.DateFilter(
        field_name="date_start", lookup_expr="lte", help_text="Events on or before this date."
    )
    current = filters.BooleanFilter(
        field_name="is_current",
        help_text="Only current versions (true) or only superseded ones (false).",
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def filter_source(self, queryset, name, value):
        return queryset.filter(
            source__in=sources_for(self.request.user).filter(by_id_or(("slug",), value))
        )

    def filter_incident(self, queryset, name, value):
        # Only an incident the caller may read: the reports of another would tell that it exists and
        # what it is built from, where the reports themselves show it as null.
        if int(value) not in readable_incident_ids(self.request.user, [int(value)]):
            return queryset.none()
        return queryset.filter(incident_id=int(value))


class SourceFilterSet(filters.FilterSet):
    kind = ChoiceInFilter(choices=SourceKind.choices, help_text="Kinds of source.")
    search = filters.CharFilter(
        method="filter_search", max_length=200, help_text="Part of the name."
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


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
