"""Plain-Python parts of the gazetteer: spellings, point in polygon, the merged shipped entries."""

import numpy as np
import pytest

from vigie.places.geometry import PolygonIndex
from vigie.places.mali import read_features, read_places, shipped_entries
from vigie.places.names import NameIndex, search_key

pytestmark = pytest.mark.engine


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ogossagou Peul", "Ogossagou-Peulh"),
        ("Koulogon-Peul", "Koulogon Peuhl"),
        ("Socoura", "Sokoura"),
        ("Djenné", "Jenne"),
        ("Gangafani II", "Gangafani 2"),
        ("Youwarou", "Yuwaru"),
        ("Bankass", "Bankas"),
        ("N'Tillit", "Ntillit"),
    ],
)
def test_spellings_share_a_search_key(one, other):
    assert search_key(one) == search_key(other)


def test_different_places_keep_different_keys():
    assert search_key("Koro") != search_key("Kori")
    assert search_key("Ogossagou Peul") != search_key("Ogossagou Dogon")


def test_square_with_a_hole_and_a_shared_border():
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
    right = [[4, 0], [8, 0], [8, 4], [4, 4], [4, 0]]
    index = PolygonIndex(
        ["ring", "right"],
        [
            {"type": "Polygon", "coordinates": [outer, hole]},
            {"type": "Polygon", "coordinates": [right]},
        ],
    )
    lat = np.array([0.5, 2.0, 2.0, 2.0, 9.0])
    lon = np.array([0.5, 2.0, 4.0, 6.0, 1.0])
    assert index.locate(lat, lon).tolist() == [0, -1, 1, 1, -1]  # the shared border: one side
    assert [index.locate_one(a, o) for a, o in zip(lat, lon, strict=True)] == [
        "ring",
        None,
        "right",
        "right",
        None,
    ]


def test_bulk_and_single_lookups_agree_on_the_communes():
    features = read_features("mali_adm3.geojson")
    index = PolygonIndex(
        [f["properties"]["shapeID"] for f in features], [f["geometry"] for f in features]
    )
    rows = read_places()[:400]
    lat = [float(r["latitude"]) for r in rows]
    lon = [float(r["longitude"]) for r in rows]
    bulk = [index.keys[i] if i >= 0 else None for i in index.locate(lat, lon)]
    assert bulk == [index.locate_one(a, o) for a, o in zip(lat, lon, strict=True)]


def test_notable_place_wins_over_hamlets_of_its_name_but_not_over_another_notable_one():
    index = NameIndex()
    index.add_place("region", "region", None, ["Gao"])
    index.add_place("town", "locality", "region", ["Gao"], notable=True)
    index.add_place("hamlet", "locality", "elsewhere", ["Gao"])
    assert index.resolve("Gao").id == "town"
    index.add_place("other-town", "locality", "elsewhere", ["Gao"], notable=True)
    assert index.resolve("Gao").status == "ambiguous"
    assert index.resolve("Gao", within=["elsewhere"]).id == "other-town"
    assert index.resolve("Gao", within=["region"]).id == "town"
    assert index.resolve("Nowhere").status == "unknown"


def test_shipped_entries_have_unique_codes_and_known_parents():
    entries = shipped_entries()
    codes = [e.code for e in entries]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for entry in entries:  # parents first
        assert not entry.parent_code or entry.parent_code in seen, entry.code
        seen.add(entry.code)
    assert sum(e.external_id.startswith("geonames:") for e in entries) == 14889
