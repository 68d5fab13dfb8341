"""The pages of actors: the list (searched by name or alias), an actor's page, publishing its name.

Every page needs a login; an actor outside the user's scope answers 404 (vigie.core.published).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from vigie.core.pages import page_of, publish_page
from vigie.core.published import may_publish
from vigie.intake.search import MIN_QUERY, search_actors

from .choices import ActorCategory, AliasLanguage
from .models import Actor


@never_cache
@login_required
@require_safe
def actor_list(request):
    query = (request.GET.get("q") or "").strip()[:300]
    category = request.GET.get("category", "")
    actors = Actor.objects.visible_to(request.user).select_related("parent").order_by("name", "pk")
    if category in ActorCategory.values:
        actors = actors.filter(category=category)
    matches = None
    if query:
        matches = search_actors(query, limit=50, queryset=actors)
        page = None
    else:
        page = page_of(request, actors, 50)
    return render(
        request,
        "actors/actor_list.html",
        {
            "page": page,
            "matches": matches,
            "query": query,
            "category": category,
            "categories": ActorCategory.choices,
            "min_query": MIN_QUERY,
        },
    )


@never_cache
@login_required
@require_safe
def actor_detail(request, pk: int):
    visible = Actor.objects.visible_to(request.user)
    actor = get_object_or_404(visible.select_related("parent__parent"), pk=pk)
    languages = dict(AliasLanguage.choices)
    aliases: dict[str, list[str]] = {}
    for alias in actor.aliases.order_by("language", "name"):
        aliases.setdefault(str(languages.get(alias.language, alias.language)), []).append(
            alias.name
        )
    chain, parent = [], actor.parent
    while parent is not None and len(chain) < 10 and parent.pk != actor.pk:
        chain.append(parent)
        parent = parent.parent
    language = getattr(request, "LANGUAGE_CODE", "fr")
    description = (
        (actor.description_fr if language == "fr" else actor.description_en)
        or actor.description_en
        or actor.description_fr
    )
    return render(
        request,
        "actors/actor_detail.html",
        {
            "actor": actor,
            "aliases": sorted(aliases.items()),
            "parents": chain,
            "description": description,
            "children": list(visible.filter(parent=actor).order_by("name")[:200]),
            "may_publish": may_publish(request.user, actor),
            "publish_url": reverse("intake:actor_publish", args=[actor.pk]),
        },
    )


@never_cache
@login_required
def actor_publish(request, pk: int):
    return publish_page(request, Actor.objects, pk, "intake:actor_detail")
