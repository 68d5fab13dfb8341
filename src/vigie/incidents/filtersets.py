"""The incidents' filters (django-filter): one filter set for the API's list and the incident list page.

The names and the lookups are one: date_from, date_to, admin1, admin2, admin3, actor,
actor_category, event_type, violation, grade, source (and sub_event_type, the API's only), so a
URL of the page filters the API's list the same way. The API reads values separated by commas ("any
of"): places by id, gazetteer code or OCHA p-code, actors by id or key, sources by id or slug. The
page (``page=True``) draws the same names as form widgets, one value each: a date picker, a select
of regions, of cercles and of sources, a search text for the commune and the actor (a commune or
an actor given by name is the page's addition). A reference outside the user's scope matches
nothing, as if it did not exist.
"""

from __future__ import annotations

import copy

import django_filters as filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from vigie.actors.choices import ActorCategory
from vigie.actors.models import Actor, ActorAlias
from vigie.core.filtersets import ChoiceInFilter, ReferenceListFilter, by_id_or
from vigie.core.published import name_organisations
from vigie.core.text import normalize_name
from vigie.incidents.choices import EventType, Grade, SubEventType, ViolationType
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.places.choices import PlaceKind
from vigie.places.filtersets import accent_blind_pattern, place_ids
from vigie.places.models import Place, PlaceAlias
from vigie.reports.models import Report, Source

# How many places or actors a search text may stand for; more means the text is too vague to help.
MAX_MATCHES = 200
PLACE_CHOICES_SECONDS = 600


def _one(value) -> list[str]:
    return [str(value)] if value not in (None, "") else []


class SearchInput(forms.TextInput):
    input_type = "search"


def page_filters() -> dict[str, filters.Filter]:
    """The page's face of the filters: the same names as form widgets, one value each, in the form's
    order (the API's sub_event_type is not on the page: the page keeps to the event type)."""
    page = {
        "date_from": filters.DateFilter(
            field_name="date_start",
            lookup_expr="gte",
            label=_("From"),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        ),
        "date_to": filters.DateFilter(
            field_name="date_start",
            lookup_expr="lte",
            label=_("To"),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        ),
        "admin1": filters.CharFilter(
            method="filter_place", label=_("Region"), max_length=120, widget=forms.Select
        ),
        "admin2": filters.CharFilter(
            method="filter_place", label=_("Cercle"), max_length=120, widget=forms.Select
        ),
        "admin3": filters.CharFilter(
            method="filter_commune",
            label=_("Commune"),
            max_length=120,
            widget=SearchInput(attrs={"placeholder": _("Name of the commune")}),
        ),
        "actor": filters.CharFilter(
            method="filter_actor_text",
            label=_("Actor"),
            max_length=200,
            widget=SearchInput(attrs={"placeholder": _("JNIM, FAMa, Dan Na Ambassagou…")}),
        ),
        "actor_category": filters.ChoiceFilter(
            choices=ActorCategory.choices,
            method="filter_one",
            label=_("Actor category"),
            empty_label=_("Any"),
        ),
        "event_type": filters.ChoiceFilter(
            choices=EventType.choices, label=_("Type"), empty_label=_("Any")
        ),
        "violation": filters.ChoiceFilter(
            choices=ViolationType.choices,
            method="filter_one",
            label=_("Violation"),
            empty_label=_("Any"),
        ),
        "grade": filters.ChoiceFilter(
            choices=Grade.choices, label=_("Confidence"), empty_label=_("Any")
        ),
        "source": filters.CharFilter(
            method="filter_one", label=_("Source"), max_length=120, widget=forms.Select
        ),
    }
    for name, filter_ in page.items():  # as django-filter names a declared filter's field
        if filter_.field_name is None:
            filter_.field_name = name
    return page


class IncidentFilterSet(filters.FilterSet):
    """The incidents' filters: the API's lists of references as declared below; with ``page=True``,
    the same names as the list page's form widgets (``page_filters``), one value each."""

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

    # The page's face (built once; each filter set copies it, as django-filter copies base_filters).
    page_base_filters = page_filters()

    class Meta:
        model = Incident
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, page=False):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if page:
            self.filters = copy.deepcopy(self.page_base_filters)
            for filter_ in self.filters.values():
                filter_.model = self.queryset.model
                filter_.parent = self

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

    # -- the page's face: its selects' choices, and one value handed to the lookups above ---------

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
