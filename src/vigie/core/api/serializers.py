"""Organisations in the API: in short (named by other records) and with the caller's roles."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vigie.core.models import Organisation, Role


def organisation_ref(organisation: Organisation) -> dict:
    return {"id": organisation.pk, "slug": organisation.slug, "name": organisation.name}


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ("id", "slug", "name")
        read_only_fields = fields

    def to_representation(self, organisation):
        return organisation_ref(organisation)


class OrganisationSerializer(serializers.ModelSerializer):
    """One of your organisations, with your roles in it."""

    roles = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ("id", "slug", "name", "roles")
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, organisation) -> list[str]:
        return sorted(
            {membership.role for membership in getattr(organisation, "my_memberships", ())}
        )
