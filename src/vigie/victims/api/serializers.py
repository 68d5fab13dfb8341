"""Victims in the API: lists without identifying fields, one record in full."""

from __future__ import annotations

from rest_framework import serializers

from vigie.api.fields import IncidentIdField
from vigie.victims.choices import Harm
from vigie.victims.models import Consent, Victim, VictimAlias, VictimIncident

# -- victims ---------------------------------------------------------------------------------------------


class VictimIncidentSerializer(serializers.ModelSerializer):
    incident = IncidentIdField(source="incident_id")

    class Meta:
        model = VictimIncident
        fields = ("incident", "relation")
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ("purpose", "given_on", "given_by", "withdrawn_on")
        read_only_fields = fields


class VictimSerializer(serializers.ModelSerializer):
    """A victim without anything that identifies them: no name, no exact age, no contact, no place."""

    incidents = VictimIncidentSerializer(source="incident_links", many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)
    harms = serializers.ListField(
        child=serializers.ChoiceField(choices=Harm.choices), read_only=True
    )

    class Meta:
        model = Victim
        fields = (
            "id",
            "organisation",
            "sex",
            "age_group",
            "civilian_status",
            "harms",
            "region",
            "incidents",
            "consents",
            "created",
            "updated",
        )
        read_only_fields = fields


class VictimDetailSerializer(VictimSerializer):
    """A victim's whole record, decrypted, for the roles that may read it; the read is logged with its purpose."""

    name = serializers.CharField(read_only=True)
    aliases = serializers.SerializerMethodField()
    community = serializers.CharField(read_only=True)
    contact = serializers.CharField(read_only=True)
    home_location = serializers.CharField(read_only=True)
    testimony = serializers.CharField(read_only=True)

    class Meta(VictimSerializer.Meta):
        fields = (
            *VictimSerializer.Meta.fields,
            "name",
            "aliases",
            "age",
            "community",
            "contact",
            "home_location",
            "testimony",
        )
        read_only_fields = fields

    def get_aliases(self, victim) -> list[str]:
        return [alias.name for alias in VictimAlias.objects.filter(victim=victim).order_by("pk")]
