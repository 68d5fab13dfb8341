"""Investigations in the API: lists without identifying fields, one record in full."""

from __future__ import annotations

from rest_framework import serializers

from vigie.api.fields import IncidentIdListField
from vigie.cases.models import Case, CaseTask
from vigie.cases.models import Referral as CaseReferral
from vigie.core.api.serializers import OrganisationRefSerializer

# -- cases ---------------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """An investigation, without its findings (its reference and title never name a person)."""

    organisation = OrganisationRefSerializer(read_only=True)
    incidents = IncidentIdListField()
    alleged_perpetrators = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Actors (ids) alleged responsible."
    )

    class Meta:
        model = Case
        fields = (
            "id",
            "organisation",
            "reference",
            "title",
            "status",
            "opened_on",
            "closed_on",
            "incidents",
            "alleged_perpetrators",
            "created",
            "updated",
        )
        read_only_fields = fields


class CaseReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseReferral
        fields = ("id", "recipient_kind", "recipient_name", "referred_on", "reference", "status")
        read_only_fields = fields


class CaseTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseTask
        fields = ("id", "title", "due_on", "is_deadline", "done_on")
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """An investigation with its findings, referrals and deadlines (the read is logged)."""

    findings = serializers.CharField(read_only=True)
    status_reason = serializers.CharField(read_only=True)
    referrals = CaseReferralSerializer(many=True, read_only=True)
    tasks = CaseTaskSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "findings", "status_reason", "referrals", "tasks")
        read_only_fields = fields
