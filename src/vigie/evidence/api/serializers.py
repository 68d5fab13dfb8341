"""Evidence in the API: lists without identifying fields, one record in full."""

from __future__ import annotations

from rest_framework import serializers

from vigie.evidence.models import CustodyEvent, EvidenceItem

# -- evidence --------------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """A piece of evidence as its hash and metadata: no file name, no person (the file itself is on the pages)."""

    is_original = serializers.BooleanField(read_only=True)

    class Meta:
        model = EvidenceItem
        fields = (
            "id",
            "case",
            "sha256",
            "size",
            "media_type",
            "captured_at",
            "captured_place",
            "derived_from",
            "is_original",
            "received_at",
        )
        read_only_fields = fields


class CustodyEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustodyEvent
        fields = ("time", "action", "actor_name", "sha256", "note")
        read_only_fields = fields


class EvidenceDetailSerializer(EvidenceSerializer):
    """A piece of evidence with its capture metadata and chain of custody (the read is logged)."""

    original_filename = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    collected_by = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True, help_text="Where it was found.")
    transformation = serializers.CharField(read_only=True)
    custody = CustodyEventSerializer(many=True, read_only=True)

    class Meta(EvidenceSerializer.Meta):
        fields = (
            *EvidenceSerializer.Meta.fields,
            "original_filename",
            "description",
            "device",
            "latitude",
            "longitude",
            "collected_by",
            "source",
            "transformation",
            "custody",
        )
        read_only_fields = fields
