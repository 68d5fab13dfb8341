"""Sources and reports in the API. Reports are read by the members of their organisation only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vigie.api.fields import IncidentIdField, blank_choice, web_address
from vigie.core.api.serializers import OrganisationRefSerializer
from vigie.incidents.choices import EventType, SubEventType
from vigie.places.api.serializers import PlaceRefSerializer
from vigie.places.choices import GeoPrecision
from vigie.reports.choices import LinkMethod
from vigie.reports.models import Report, Source


class SourceRefSerializer(serializers.ModelSerializer):
    """A source, in short, with the credit line its licence asks for."""

    url = web_address()

    class Meta:
        model = Source
        fields = ("id", "slug", "name", "kind", "url", "attribution")
        read_only_fields = fields


class ReportSummarySerializer(serializers.ModelSerializer):
    """One account of the incident, in short (members only)."""

    source = SourceRefSerializer(read_only=True)
    link_method = blank_choice(
        LinkMethod.choices, help_text="How the report was joined to its incident."
    )
    url = web_address()

    class Meta:
        model = Report
        fields = (
            "id",
            "source",
            "external_id",
            "published",
            "date_start",
            "date_end",
            "date_precision",
            "location_text",
            "event_label",
            "perpetrator_text",
            "target_text",
            "killed",
            "killed_low",
            "killed_high",
            "civilians_killed",
            "combatants_killed",
            "injured",
            "abducted",
            "credibility",
            "url",
            "link_method",
        )
        read_only_fields = fields


# -- reports (members only) -----------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    """One account of one event by one source, as it came (members of its organisation only)."""

    source = SourceRefSerializer(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    place = PlaceRefSerializer(read_only=True, allow_null=True)
    geo_precision = blank_choice(GeoPrecision.choices)
    event_type = blank_choice(EventType.choices)
    sub_event_type = blank_choice(SubEventType.choices)
    link_method = blank_choice(
        LinkMethod.choices, help_text="How the report was joined to its incident."
    )
    url = web_address()
    incident = IncidentIdField(source="incident_id")

    class Meta:
        model = Report
        fields = (
            "id",
            "source",
            "organisation",
            "visibility",
            "external_id",
            "is_current",
            "supersedes",
            "published",
            "date_start",
            "date_end",
            "date_precision",
            "country_text",
            "admin1_text",
            "admin2_text",
            "admin3_text",
            "location_text",
            "latitude",
            "longitude",
            "geo_precision",
            "place",
            "event_type",
            "sub_event_type",
            "event_label",
            "perpetrator_text",
            "target_text",
            "killed",
            "killed_low",
            "killed_high",
            "civilians_killed",
            "combatants_killed",
            "injured",
            "abducted",
            "credibility",
            "text",
            "original_source",
            "url",
            "language",
            "incident",
            "link_method",
            "created",
        )
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    raw_rows = serializers.SerializerMethodField(
        help_text="The row(s) of the imported file, by column name."
    )

    class Meta(ReportSerializer.Meta):
        fields = (*ReportSerializer.Meta.fields, "raw_rows")
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_raw_rows(self, report) -> list[dict]:
        return report.raw_rows()


# -- sources --------------------------------------------------------------------------------------------


class SourceSerializer(serializers.ModelSerializer):
    """Where reports come from."""

    url = web_address()

    class Meta:
        model = Source
        fields = (
            "id",
            "slug",
            "name",
            "kind",
            "language",
            "url",
            "attribution",
            "redistributable",
            "reliability",
            "party",
            "published",
        )
        read_only_fields = fields
