"""Places in the API: in short (named by incidents and reports) and with their other spellings."""

from __future__ import annotations

from rest_framework import serializers

from vigie.places.models import Place, PlaceAlias


def place_ref(place: Place) -> dict:
    return {
        "id": place.pk,
        "code": place.code,
        "name": place.name,
        "kind": place.kind,
        "pcode": place.pcode,
    }


class PlaceRefSerializer(serializers.ModelSerializer):
    """A place of the gazetteer, in short."""

    class Meta:
        model = Place
        fields = ("id", "code", "name", "kind", "pcode")
        read_only_fields = fields

    def to_representation(self, place):
        return place_ref(place)


class PlaceAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlaceAlias
        fields = ("name",)
        read_only_fields = fields


class PlaceSerializer(serializers.ModelSerializer):
    """A place of the gazetteer (country, region, cercle, commune, locality) with its other spellings."""

    aliases = PlaceAliasSerializer(many=True, read_only=True)

    class Meta:
        model = Place
        fields = (
            "id",
            "code",
            "kind",
            "name",
            "parent",
            "latitude",
            "longitude",
            "pcode",
            "needs_review",
            "published",
            "aliases",
        )
        read_only_fields = fields
