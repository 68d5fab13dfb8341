"""Filters of the API lists, the same as the pages' (django-filter).

Values separated by commas mean "any of". Places are given by id, gazetteer code or OCHA p-code;
actors by id or key; sources by id or slug. A reference to something outside your scope matches
nothing, as if it did not exist.
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import Exists, OuterRef, Q

from vigie.actors.choices import ActorCategory
from vigie.actors.models import Actor
from vigie.core.filtersets import ChoiceInFilter, ReferenceListFilter, by_id_or
from vigie.incidents.choices import EventType, Grade, SubEventType, ViolationType
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.filtersets import place_ids
from vigie.reports.models import Report, Source


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
        actors = Actor.objects.visible_to(self.user).filter(by_id_or(("key",), value))
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
        sources = Source.objects.visible_to(self.user).filter(by_id_or(("slug",), value))
        reports = Report.objects.filter(
            incident=OuterRef("pk"), is_current=True, source__in=sources
        )
        if self.user is None or not self.user.is_authenticated:
            # The public learns only what the public part shows: published sources of published reports.
            reports = reports.filter(source__redistributable=True)
        else:
            reports = reports.filter(
                Q(source__redistributable=True)
                | Q(pk__in=Report.objects.visible_to(self.user).values("pk"))
            )
        return queryset.filter(Exists(reports))
