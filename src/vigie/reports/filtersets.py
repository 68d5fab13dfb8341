"""Filters of the reports and sources lists (django-filter).

Sources are given by id or slug. A reference to something outside your scope matches nothing, as if
it did not exist.
"""

from __future__ import annotations

import django_filters as filters

from vigie.core.filtersets import ChoiceInFilter, ReferenceListFilter, by_id_or
from vigie.core.text import MAX_ID
from vigie.incidents.models import Incident
from vigie.reports.choices import SourceKind
from vigie.reports.models import Report, Source


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
            source__in=Source.objects.visible_to(self.request.user).filter(
                by_id_or(("slug",), value)
            )
        )

    def filter_incident(self, queryset, name, value):
        # Only an incident the caller may read: the reports of another would tell that it exists and
        # what it is built from, where the reports themselves show it as null.
        if int(value) not in Incident.objects.readable_ids(self.request.user, [int(value)]):
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
