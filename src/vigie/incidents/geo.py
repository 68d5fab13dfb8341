"""What the maps need from the server: where the boundary files are, and incidents as map points.

The boundary files ship under vigie/web/static/geo/ (built by scripts/build_boundaries.py, see docs/maps.md);
static/vigie/map.js draws them with the points. A template puts a map on a page with::

    <div class="vigie-map"{% for name, value in map_attributes.items %} {{ name }}="{{ value }}"{% endfor %}
         data-points-id="incident-points"></div>
    {{ points|json_script:"incident-points" }}

where the view set ``map_attributes = geo.map_attributes()`` and ``points = geo.points_for(incidents)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

BOUNDARY_FILES = {
    0: "geo/mali_admin0.geojson",  # the country outline
    1: "geo/mali_admin1.geojson",  # the eight regions and the District of Bamako (pre-2012 framework)
}
CONTEXT_FILE = (
    "geo/mali_neighbours.geojson"  # neighbouring countries, drawn in grey for orientation
)

# The only incident fields a map point is made of. Nothing else leaves the database for a map.
POINT_FIELDS = ("id", "latitude", "longitude", "geo_precision", "location")
# About 11 m: finer than any position in the gazetteer, and it keeps the page light.
COORDINATE_DECIMALS = 4
_PK_PLACEHOLDER = 2147483647

# The legend and popup texts map.js shows, by data attribute (map.js has English fallbacks).
MAP_LABELS = {
    "data-label": _("Map of incidents"),
    "data-legend-title": _("How precisely the place is known"),
    "data-label-exact": _("Exact location"),
    "data-label-near": _("Near a locality (within about 25 km)"),
    "data-label-admin3": _("Somewhere in the commune"),
    "data-label-admin2": _("Somewhere in the cercle"),
    "data-label-admin1": _("Somewhere in the region"),
    "data-label-country": _("Only the country is known"),
    "data-label-unknown": _("Precision not recorded"),
    "data-label-open": _("Open the incident"),
    "data-label-not-shown": _("{n} located only to the country (not shown)"),
    "data-attribution": _("Boundaries: Natural Earth (public domain)"),
}


def boundaries_url(level: int) -> str:
    """The static URL of Mali's boundaries at an administrative level: 0 (country) or 1 (regions).

    Cercles (2) and communes (3) are not shipped: no openly licensed source of them could be had.
    """
    try:
        return static(BOUNDARY_FILES[int(level)])
    except (KeyError, ValueError, TypeError):
        raise ValueError(
            f"no boundary file for level {level!r}: Vigie ships levels {sorted(BOUNDARY_FILES)} (see docs/maps.md)"
        ) from None


def context_url() -> str:
    """The static URL of the neighbouring countries' outlines (grey background of the maps)."""
    return static(CONTEXT_FILE)


def map_attributes() -> dict[str, str]:
    """The data-* attributes of a `<div class="vigie-map">`, boundary URLs and labels in the active language."""
    attributes = {
        "data-geojson-url": boundaries_url(1),
        "data-outline-url": boundaries_url(0),
        "data-context-url": context_url(),
    }
    attributes.update({name: str(text) for name, text in MAP_LABELS.items()})
    return attributes


def points_for(incidents: Iterable, url_name: str = "web:incident_detail") -> list[dict]:
    """Incidents as the points map.js draws: id, lat, lon, precision, label (the location) and url.

    Takes a queryset (only the five fields of POINT_FIELDS are read, in one query) or any iterable of
    Incident objects. Incidents without coordinates are left out; a point's precision is the incident's
    geo_precision (vigie.places.choices.GeoPrecision), empty when not recorded.
    """
    if hasattr(incidents, "values_list"):
        # An incident placed by name only is drawn at its gazetteer place, with its (broad) precision.
        from django.db.models.functions import Coalesce

        rows = (
            incidents.annotate(
                map_lat=Coalesce("latitude", "place__latitude"),
                map_lon=Coalesce("longitude", "place__longitude"),
            )
            .exclude(map_lat=None)
            .exclude(map_lon=None)
            .values_list("pk", "map_lat", "map_lon", "geo_precision", "location")
        )
    else:
        rows = (tuple(getattr(incident, field) for field in POINT_FIELDS) for incident in incidents)
    url_template = reverse(url_name, args=[_PK_PLACEHOLDER])
    points = []
    for pk, latitude, longitude, precision, location in rows:
        if latitude is None or longitude is None:
            continue
        points.append(
            {
                "id": pk,
                "lat": round(latitude, COORDINATE_DECIMALS),
                "lon": round(longitude, COORDINATE_DECIMALS),
                "precision": precision or "",
                "label": location or "",
                "url": url_template.replace(str(_PK_PLACEHOLDER), str(pk)),
            }
        )
    return points


def points_json(incidents: Iterable, url_name: str = "web:incident_detail") -> str:
    """points_for() as JSON, for a data-points attribute (autoescaping makes it safe inside quotes)."""
    return json.dumps(points_for(incidents, url_name), ensure_ascii=False, separators=(",", ":"))
