"""The pages of places: the gazetteer's list (searched in any spelling), a place's page, publishing
its name.

Every page needs a login; a place outside the user's scope answers 404 (vigie.core.published).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from vigie.core.pages import page_of, publish_page
from vigie.core.published import may_publish
from vigie.intake.search import MIN_QUERY, search_places

from .choices import PlaceKind
from .models import Place


@never_cache
@login_required
@require_safe
def place_list(request):
    query = (request.GET.get("q") or "").strip()[:200]
    kind = request.GET.get("kind", "")
    places = Place.objects.visible_to(request.user).select_related("parent").order_by("name", "pk")
    if kind in PlaceKind.values:
        places = places.filter(kind=kind)
    matches = None
    page = None
    if query:
        matches = search_places(query, limit=50, queryset=places)
    else:
        page = page_of(request, places, 50)
    return render(
        request,
        "places/place_list.html",
        {
            "page": page,
            "matches": matches,
            "query": query,
            "kind": kind,
            "kinds": PlaceKind.choices,
            "min_query": MIN_QUERY,
        },
    )


@never_cache
@login_required
@require_safe
def place_detail(request, pk: int):
    visible = Place.objects.visible_to(request.user)
    place = get_object_or_404(visible.select_related("parent"), pk=pk)
    chain, parent = [], place.parent
    while parent is not None and len(chain) < 10 and parent.pk != place.pk:
        chain.append(parent)
        parent = parent.parent
    children = list(visible.filter(parent=place).order_by("kind", "name")[:201])
    return render(
        request,
        "places/place_detail.html",
        {
            "place": place,
            "parents": list(reversed(chain)),
            "aliases": list(place.aliases.order_by("name")),
            "children": children[:200],
            "more_children": len(children) > 200,
            "may_publish": may_publish(request.user, place),
            "publish_url": reverse("intake:place_publish", args=[place.pk]),
        },
    )


@never_cache
@login_required
def place_publish(request, pk: int):
    return publish_page(request, Place.objects, pk, "intake:place_detail")
