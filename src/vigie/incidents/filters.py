"""Filters of the incident list page (django-filter), with the names and meanings of the API's.

The API's IncidentFilterSet (vigie.incidents.filtersets) takes comma-separated lists of references; a page
needs form widgets instead: a date picker, a select of regions and of cercles, a search text for the
commune and the actor, one choice per select. This subclass keeps every name (date_from, date_to,
admin1, admin2, admin3, actor, actor_category, event_type, violation, grade, source) and reuses the
API's lookups, so a URL of the page filters the API's list the same way (a commune or an actor given
by name is the page's addition). A reference outside the user's scope matches nothing.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from vigie.actors.choices import ActorCategory
from vigie.actors.models import Actor, ActorAlias
from vigie.core.filtersets import by_id_or
from vigie.core.published import name_organisations
from vigie.core.text import normalize_name
from vigie.incidents import filtersets as api_filters
from vigie.incidents.choices import EventType, Grade, ViolationType
from vigie.places.choices import PlaceKind
from vigie.places.filtersets import accent_blind_pattern, place_ids
from vigie.places.models import Place, PlaceAlias
from vigie.reports.models import Source

# How many places or actors a search text may stand for; more means the text is too vague to help.
MAX_MATCHES = 200
PLACE_CHOICES_SECONDS = 600


def _one(value) -> list[str]:
    return [str(value)] if value not in (None, "") else []


class SearchInput(forms.TextInput):
    input_type = "search"


class IncidentFilterSet(api_filters.IncidentFilterSet):
    date_from = filters.DateFilter(
        field_name="date_start",
        lookup_expr="gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = filters.DateFilter(
        field_name="date_start",
        lookup_expr="lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    admin1 = filters.CharFilter(
        method="filter_place", label=_("Region"), max_length=120, widget=forms.Select
    )
    admin2 = filters.CharFilter(
        method="filter_place", label=_("Cercle"), max_length=120, widget=forms.Select
    )
    admin3 = filters.CharFilter(
        method="filter_commune",
        label=_("Commune"),
        max_length=120,
        widget=SearchInput(attrs={"placeholder": _("Name of the commune")}),
    )
    actor = filters.CharFilter(
        method="filter_actor_text",
        label=_("Actor"),
        max_length=200,
        widget=SearchInput(attrs={"placeholder": _("JNIM, FAMa, Dan Na Ambassagou…")}),
    )
    actor_category = filters.ChoiceFilter(
        choices=ActorCategory.choices,
        method="filter_one",
        label=_("Actor category"),
        empty_label=_("Any"),
    )
    event_type = filters.ChoiceFilter(
        choices=EventType.choices, label=_("Type"), empty_label=_("Any")
    )
    violation = filters.ChoiceFilter(
        choices=ViolationType.choices,
        method="filter_one",
        label=_("Violation"),
        empty_label=_("Any"),
    )
    grade = filters.ChoiceFilter(choices=Grade.choices, label=_("Confidence"), empty_label=_("Any"))
    source = filters.CharFilter(
        method="filter_one", label=_("Source"), max_length=120, widget=forms.Select
    )
    sub_event_type = None  # the API's; the page keeps to the event type

    class Meta(api_filters.IncidentFilterSet.Meta):
        pass

    def fill_choices(self) -> None:
        """Put the regions, cercles and sources in the form's selects: needed to show the form, not to
        filter (those fields take any text), so a page whose form is already drawn skips the queries."""
        regions, cercles = self.place_choices()
        anything = [("", _("Any"))]
        sources = Source.objects.visible_to(self.user).order_by("name").values_list("pk", "name")
        fields = self.form.fields
        fields["admin1"].widget.choices = anything + regions
        fields["admin2"].widget.choices = anything + cercles
        fields["source"].widget.choices = anything + [(str(pk), name) for pk, name in sources]

    def place_choices(self) -> tuple[list, list]:
        """Regions, and cercles grouped under their region (kept PLACE_CHOICES_SECONDS: the gazetteer
        seldom changes, and the list page is the busiest)."""
        # Kept per audience: an organisation's unpublished places are its members' alone (vigie.core.published).
        signed_in = bool(self.user is not None and self.user.is_authenticated)
        organisations = name_organisations(self.user) if signed_in else set()
        audience = (
            "all" if organisations is None else ",".join(str(pk) for pk in sorted(organisations))
        )
        return cache.get_or_set(
            f"vigie:filters:places:{int(signed_in)}:{audience}",
            self._place_choices,
            PLACE_CHOICES_SECONDS,
        )

    def _place_choices(self) -> tuple[list, list]:
        rows = list(
            Place.objects.visible_to(self.user)
            .filter(kind__in=[PlaceKind.REGION, PlaceKind.CERCLE])
            .order_by("name")
            .values_list("pk", "name", "kind", "parent_id")
        )
        region_names = {pk: name for pk, name, kind, _parent in rows if kind == PlaceKind.REGION}
        regions = [(str(pk), name) for pk, name in region_names.items()]
        grouped: dict[str, list] = {}
        for pk, name, kind, parent_id in rows:
            if kind == PlaceKind.CERCLE:
                grouped.setdefault(region_names.get(parent_id, ""), []).append((str(pk), name))
        cercles = [(region or "—", grouped[region]) for region in sorted(grouped)]
        return regions, cercles

    # -- the lookups: one value from a form field, handed to the API's list lookups -----------------

    def filter_one(self, queryset, name, value):
        method = {
            "actor_category": self.filter_actor_category,
            "violation": self.filter_violation,
            "source": self.filter_source,
        }[name]
        return method(queryset, name, _one(value)) if _one(value) else queryset

    def filter_place(self, queryset, name, value):
        return self.filter_admin(queryset, name, _one(value)) if _one(value) else queryset

    def filter_commune(self, queryset, name, value):
        """A commune by id, gazetteer code, p-code, or name in any spelling the gazetteer knows."""
        value = value.strip()
        if not value:
            return queryset
        communes = Place.objects.visible_to(self.user).filter(kind=PlaceKind.COMMUNE)
        ids = place_ids(self.user, [value])
        normalized = normalize_name(value)
        by_name = (
            Q(name__iregex=accent_blind_pattern(value)) if normalized else Q(name__icontains=value)
        )
        if normalized:
            by_name |= Exists(
                PlaceAlias.objects.filter(place=OuterRef("pk"), normalized__contains=normalized)
            )
        ids += list(communes.filter(by_name).values_list("pk", flat=True)[:MAX_MATCHES])
        return queryset.filter(admin3_id__in=ids)

    def filter_actor_text(self, queryset, name, value):
        """Actors by id, key, or a part of their name or of another name (JNIM, GSIM, Jama'at Nusrat…)."""
        value = value.strip()
        if not value:
            return queryset
        actors = Actor.objects.visible_to(self.user)
        normalized = normalize_name(value)
        matching = by_id_or(("key",), [value]) | Q(name__icontains=value)
        if normalized:
            matching |= Exists(
                ActorAlias.objects.filter(actor=OuterRef("pk"), normalized__contains=normalized)
            )
        ids = [str(pk) for pk in actors.filter(matching).values_list("pk", flat=True)[:MAX_MATCHES]]
        return self.filter_actor(queryset, name, ids) if ids else queryset.none()
