"""What the API shows. Public and member answers come from separate serializers.

The public serializers are allowlists: each names the fields the public may read and nothing else
(no organisation, no report, no text, no raw row, no internal key). The member serializers extend
them with what an organisation's members read about their own records. A member reading another
organisation's published incident gets the public answer.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vigie.actors.api.serializers import ActorRefSerializer, actor_ref
from vigie.api.fields import IncidentIdField, blank_choice, shown_incident
from vigie.core import permissions
from vigie.core.api.serializers import OrganisationRefSerializer, organisation_ref
from vigie.incidents.choices import (
    BOUNDS,
    HARMS,
    STATUSES,
    EventType,
    Grade,
    SubEventType,
    ViolationType,
)
from vigie.incidents.models import Incident, IncidentActor
from vigie.places.api.serializers import PlaceRefSerializer, place_ref
from vigie.places.choices import GeoPrecision
from vigie.reports.api.serializers import ReportSummarySerializer, SourceRefSerializer
from vigie.reports.models import Source


def actor_link_ref(link: IncidentActor) -> dict:
    return {
        "actor": actor_ref(link.actor),
        "side": link.side,
        "primary": link.primary,
        "role": link.role,
    }


# -- casualty figures --------------------------------------------------------------------------------


class FigureRangeSerializer(serializers.Serializer):
    """A figure as a range: the lowest, the best estimate and the highest (null when unknown)."""

    low = serializers.IntegerField(allow_null=True, read_only=True)
    best = serializers.IntegerField(allow_null=True, read_only=True)
    high = serializers.IntegerField(allow_null=True, read_only=True)


FIGURE_GROUPS = [*HARMS, *(f"{harm}_{status}" for harm in HARMS for status in STATUSES)]


class CasualtiesSerializer(serializers.Serializer):
    """People killed, injured and abducted, in total and split by status (civilian, combatant, unknown)."""

    def get_fields(self):
        return {group: FigureRangeSerializer(read_only=True) for group in FIGURE_GROUPS}

    def to_representation(self, incident):
        return casualties(incident)


def casualties(incident: Incident) -> dict:
    return {
        group: {bound: incident.figure(f"{group}_{bound}") for bound in BOUNDS}
        for group in FIGURE_GROUPS
    }


# -- incidents -----------------------------------------------------------------------------------------


class IncidentActorSerializer(serializers.ModelSerializer):
    """An actor's part in an incident: side 1 or 2 (as in ACLED), main or associated, and role."""

    actor = ActorRefSerializer(read_only=True)

    class Meta:
        model = IncidentActor
        fields = ("actor", "side", "primary", "role")
        read_only_fields = fields

    def to_representation(self, link):
        return actor_link_ref(link)


class PublicIncidentSerializer(serializers.ModelSerializer):
    """An incident as the public reads it: what happened, when, where, by whom, how many were harmed."""

    place = PlaceRefSerializer(read_only=True, allow_null=True)
    admin1 = PlaceRefSerializer(read_only=True, allow_null=True, help_text="The region.")
    admin2 = PlaceRefSerializer(read_only=True, allow_null=True, help_text="The cercle.")
    admin3 = PlaceRefSerializer(read_only=True, allow_null=True, help_text="The commune.")
    casualties = CasualtiesSerializer(source="*", read_only=True)
    actors = IncidentActorSerializer(source="actor_links", many=True, read_only=True)
    violations = serializers.SerializerMethodField()
    geo_precision = blank_choice(
        GeoPrecision.choices, help_text="How precisely the place is known."
    )
    event_type = blank_choice(EventType.choices, help_text="ACLED's event type.")
    sub_event_type = blank_choice(SubEventType.choices, help_text="ACLED's sub-event type.")
    grade = blank_choice(
        Grade.choices,
        help_text="Confidence in the incident (docs/methodology.md); empty: not graded.",
    )
    merged_into = IncidentIdField(
        help_text="The incident this one was merged into; null when it was not, or "
        "when you may not read that incident."
    )

    class Meta:
        model = Incident
        fields = (
            "id",
            "date_start",
            "date_end",
            "date_precision",
            "location",
            "latitude",
            "longitude",
            "geo_precision",
            "place",
            "admin1",
            "admin2",
            "admin3",
            "event_type",
            "sub_event_type",
            "civilian_targeting",
            "casualties",
            "estimate_rule",
            "grade",
            "merged_into",
            "actors",
            "violations",
        )
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=ViolationType.choices),
            help_text="Violation categories.",
        )
    )
    def get_violations(self, incident) -> list[str]:
        return sorted(v.violation for v in incident.violations.all())

    def to_representation(self, incident):
        # The public fields written out (DRF's loop over them was most of the API's list time); the
        # fields subclasses add (record, sources, reports) go through DRF as usual. A test compares
        # the answer with DRF's own, incident by incident.
        data = public_incident(incident)
        if (
            data["merged_into"] is not None
        ):  # the incident it lives on in may be closed to the caller
            data["merged_into"] = shown_incident(self.context, data["merged_into"])
        if (
            self.Meta.fields == INCIDENT_LIST_FIELDS
        ):  # the list's fields: no DRF field is even built
            data["record"] = incident_record(incident)
            return data
        for field in self._readable_fields:
            if field.field_name not in data:
                attribute = field.get_attribute(incident)
                data[field.field_name] = (
                    None if attribute is None else field.to_representation(attribute)
                )
        return data


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def _place(place) -> dict | None:
    return None if place is None else place_ref(place)


def public_incident(incident: Incident) -> dict:
    """PublicIncidentSerializer's fields of ``incident``, as DRF writes them."""
    return {
        "id": incident.pk,
        "date_start": _day(incident.date_start),
        "date_end": _day(incident.date_end),
        "date_precision": incident.date_precision,
        "location": getattr(incident, "listed_location", incident.location),
        "latitude": None if incident.latitude is None else float(incident.latitude),
        "longitude": None if incident.longitude is None else float(incident.longitude),
        "geo_precision": incident.geo_precision,
        **_places(incident),
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "civilian_targeting": bool(incident.civilian_targeting),
        "casualties": casualties(incident),
        "estimate_rule": incident.estimate_rule,
        "grade": incident.grade,
        "merged_into": incident.merged_into_id,
        "actors": _actors(incident),
        "violations": _violations(incident),
    }


def _places(incident: Incident) -> dict:
    listed = getattr(
        incident, "listed_places", None
    )  # read for a whole page (vigie.incidents.api.references)
    if listed is not None:
        return listed
    return {
        "place": _place(incident.place),
        "admin1": _place(incident.admin1),
        "admin2": _place(incident.admin2),
        "admin3": _place(incident.admin3),
    }


def _actors(incident: Incident) -> list[dict]:
    listed = getattr(
        incident, "listed_actors", None
    )  # read for a whole page (vigie.incidents.api.references)
    if listed is not None:
        return listed
    return [actor_link_ref(link) for link in incident.actor_links.all()]


def _violations(incident: Incident) -> list[str]:
    listed = getattr(incident, "listed_violations", None)
    return listed if listed is not None else sorted(v.violation for v in incident.violations.all())


def _public_sources(incident) -> list[Source]:
    sources: dict[int, Source] = {}
    for report in getattr(incident, "public_reports", ()):
        sources.setdefault(report.source_id, report.source)
    return sorted(sources.values(), key=lambda source: source.name)


class PublicIncidentDetailSerializer(PublicIncidentSerializer):
    sources = serializers.SerializerMethodField(
        help_text="The published sources (datasets, media, official statements, the UN) that may be named."
    )

    class Meta(PublicIncidentSerializer.Meta):
        fields = (*PublicIncidentSerializer.Meta.fields, "sources")
        read_only_fields = fields

    @extend_schema_field(SourceRefSerializer(many=True))
    def get_sources(self, incident):
        return SourceRefSerializer(_public_sources(incident), many=True).data


class IncidentRecordSerializer(serializers.ModelSerializer):
    """The record as its organisation holds it."""

    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Incident
        fields = (
            "organisation",
            "visibility",
            "key",
            "needs_review",
            "grade_reason",
            "override_reason",
            "created",
            "updated",
        )
        read_only_fields = fields

    def to_representation(self, incident):
        return incident_record(incident)


_MOMENT = serializers.DateTimeField(
    read_only=True
)  # DRF's own writing of a date and time (time zone, "Z")


def incident_record(incident: Incident) -> dict:
    """IncidentRecordSerializer's fields, as DRF writes them."""
    organisation = incident.organisation
    return {
        "organisation": None if organisation is None else organisation_ref(organisation),
        "visibility": incident.visibility,
        "key": incident.key,
        "needs_review": bool(incident.needs_review),
        "grade_reason": incident.grade_reason,
        "override_reason": incident.override_reason,
        "created": None
        if incident.created is None
        else _MOMENT.to_representation(incident.created),
        "updated": None
        if incident.updated is None
        else _MOMENT.to_representation(incident.updated),
    }


class MemberFieldsMixin:
    """Members-only fields, left out for incidents their organisations do not hold."""

    member_fields: tuple[str, ...] = ()

    def holds(self, incident) -> bool:
        """The record part is shown for the organisations whose incidents the caller's roles open
        (every one for an operator)."""
        user = getattr(self.context.get("request"), "user", None)
        return permissions.may(user, Incident, "view", incident.organisation_id)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.holds(instance):
            for name in self.member_fields:
                data.pop(name, None)
        return data


INCIDENT_LIST_FIELDS = (*PublicIncidentSerializer.Meta.fields, "record")


class IncidentSerializer(MemberFieldsMixin, PublicIncidentSerializer):
    """An incident as a member reads it; `record` only for incidents of the member's organisations."""

    record = IncidentRecordSerializer(source="*", read_only=True)
    member_fields = ("record",)

    class Meta(PublicIncidentSerializer.Meta):
        fields = INCIDENT_LIST_FIELDS
        read_only_fields = fields
        optional_fields = ("record",)


class IncidentDetailSerializer(MemberFieldsMixin, PublicIncidentDetailSerializer):
    """An incident with its sources and, for members, the current reports they may read."""

    record = IncidentRecordSerializer(source="*", read_only=True)
    reports = serializers.SerializerMethodField(
        help_text="The current reports of this incident that you may read (your organisations' own)."
    )
    member_fields = ("record",)

    class Meta(PublicIncidentDetailSerializer.Meta):
        fields = (*PublicIncidentDetailSerializer.Meta.fields, "record", "reports")
        read_only_fields = fields
        optional_fields = ("record", "reports")

    @extend_schema_field(ReportSummarySerializer(many=True))
    def get_reports(self, incident):
        return ReportSummarySerializer(getattr(incident, "visible_reports", ()), many=True).data
