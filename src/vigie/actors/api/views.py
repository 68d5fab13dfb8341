"""The actors endpoint: the actor dictionary the caller may see, and publishing an actor's name."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from vigie.actors.choices import AliasLanguage
from vigie.actors.filtersets import ActorFilterSet
from vigie.actors.models import Actor, ActorAlias
from vigie.api.viewsets import BY_NAME, PublishMixin, ScopedViewSet
from vigie.core.published import signed_in

from . import serializers as s


@extend_schema_view(
    list=extend_schema(
        summary="List actors",
        description="The actor dictionary with the other names of each actor. Actors created from "
        "imported names and not yet reviewed are shown to signed-in users only; one "
        "named first in an organisation's non-public report, to that organisation's "
        "members only until one of its analysts publishes it.",
    ),
    retrieve=extend_schema(summary="Read an actor"),
)
class ActorViewSet(PublishMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    scoped_model = Actor
    serializer_class = s.ActorSerializer
    filterset_class = ActorFilterSet
    keyset_orderings = BY_NAME
    keyset_default = "name"

    def get_queryset(self):
        aliases = ActorAlias.objects.order_by("name")
        if not signed_in(self.request.user):
            aliases = aliases.exclude(language=AliasLanguage.IMPORT)
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("aliases", queryset=aliases, to_attr="listed_aliases"))
        )
