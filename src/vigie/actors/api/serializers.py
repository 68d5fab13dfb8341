"""Actors in the API: in short (named by incidents) and with their other names."""

from __future__ import annotations

from rest_framework import serializers

from vigie.actors.models import Actor, ActorAlias


def actor_ref(actor: Actor) -> dict:
    return {"id": actor.pk, "key": actor.key, "name": actor.name, "category": actor.category}


class ActorRefSerializer(serializers.ModelSerializer):
    """An actor, in short."""

    class Meta:
        model = Actor
        fields = ("id", "key", "name", "category")
        read_only_fields = fields

    def to_representation(self, actor):
        return actor_ref(actor)


class ActorAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorAlias
        fields = ("name", "language")
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    """An armed actor (or another party) with its category and its other names."""

    aliases = ActorAliasSerializer(source="listed_aliases", many=True, read_only=True)

    class Meta:
        model = Actor
        fields = (
            "id",
            "key",
            "name",
            "category",
            "parent",
            "country",
            "active",
            "description_en",
            "description_fr",
            "needs_review",
            "published",
            "aliases",
        )
        read_only_fields = fields
