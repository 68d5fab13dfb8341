"""The shipped gazetteer in the database: counts, boundaries, spellings, ambiguity, and what an
import makes of a point (its commune and cercle by the boundaries)."""

import json

import pytest

from vigie.places.gazetteer import Gazetteer
from vigie.places.mali import read_features, read_places
from vigie.places.models import Place, PlaceAlias
from vigie.places.reference import load_gazetteer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_blocker):
    """The gazetteer in memory, read once for the module (about a second): the tests that use it
    resolve names without creating places."""
    with django_db_blocker.unblock():
        return Gazetteer.load()


@pytest.fixture
def gazetteer(loaded):
    loaded.created.clear()
    loaded._cache.clear()
    return loaded


def test_the_database_holds_every_area_and_populated_place_of_the_shipped_files():
    shipped = Place.objects.exclude(external_id="")
    assert shipped.filter(kind="region", boundary__gt="").count() == 9
    assert Place.objects.filter(kind="region").count() == 11  # Ménaka and Taoudénit kept
    assert shipped.filter(kind="cercle", external_id__startswith="MLI-ADM2-").count() == 50
    assert shipped.filter(kind="commune", external_id__startswith="MLI-ADM3-").count() == 701
    assert shipped.filter(external_id__startswith="geonames:").count() == 14889
    commune = shipped.filter(kind="commune").first()
    assert json.loads(commune.boundary)["type"] in ("Polygon", "MultiPolygon")
    # the Ménaka cercle of the 2017 boundaries belongs to the Ménaka region
    menaka = Place.objects.get(external_id__startswith="MLI-ADM2-", name="Ménaka")
    assert menaka.parent.code == "MLI.menaka"


def test_hand_made_codes_and_names_are_kept_and_completed():
    ogossagou = Place.objects.get(code="MLI.mopti.bankass.loc.ogossagou")
    assert ogossagou.name == "Ogossagou" and ogossagou.external_id.startswith("geonames:")
    assert Place.objects.get(code="MLI.mopti").name == "Mopti"
    bankass = Place.objects.get(code="MLI.mopti.bankass.bankass")
    assert bankass.external_id.startswith("MLI-ADM3-") and bankass.boundary


def test_loading_again_changes_nothing():
    places, aliases = Place.objects.count(), PlaceAlias.objects.count()
    assert load_gazetteer() == (0, 0)
    assert (Place.objects.count(), PlaceAlias.objects.count()) == (places, aliases)


def test_a_point_gets_its_commune_and_cercle_from_the_boundaries(gazetteer):
    """Against the TSV's own cercle and commune, computed separately (on the unsimplified
    boundaries): at least 99% of the places it found inside a commune agree."""
    shape_of = dict(Place.objects.exclude(external_id="").values_list("pk", "external_id"))
    cercle_names = {
        f["properties"]["shapeID"]: f["properties"]["shapeName"]
        for f in read_features("mali_adm2.geojson")
    }
    rows = [row for row in read_places() if row["location_match"] == "inside"]
    same_commune = same_cercle = 0
    for row in rows:
        _country, _region, cercle, commune = gazetteer.areas_at(
            float(row["latitude"]), float(row["longitude"])
        )
        same_commune += shape_of.get(commune) == row["commune_shapeID"]
        same_cercle += cercle_names.get(shape_of.get(cercle)) == row["cercle"]
    assert same_commune / len(rows) >= 0.99, same_commune
    assert same_cercle / len(rows) >= 0.99, same_cercle


def test_a_point_in_menaka_or_taoudenit_area_gets_the_current_region(gazetteer):
    _country, region, cercle, commune = gazetteer.areas_at(15.9182, 2.4022)  # Ménaka town
    assert Place.objects.get(pk=region).code == "MLI.menaka"
    assert Place.objects.get(pk=cercle).code == "MLI.menaka.menaka"
    assert gazetteer.areas_at(5.0, 5.0) == (None, None, None, None)  # Gulf of Guinea


@pytest.mark.parametrize(
    "spelling",
    ["Ogossagou Peul", "Ogossagou-Peulh", "ogossagou peuhl", "OGOSSAGOU"],
)
def test_names_resolve_through_spellings(spelling, gazetteer):
    bankass = Place.objects.get(code="MLI.mopti.bankass").pk
    match = gazetteer.lookup(spelling, within=(bankass,), kinds=("locality",))
    assert match.status == "found"
    assert Place.objects.get(pk=match.id).name.startswith("Ogossagou")


def test_accents_transliterations_and_hyphens(gazetteer):
    for spelling, code in [
        ("Tenenkou", "MLI.mopti.tenenkou.loc.tenenkou"),
        ("Ténenkou", "MLI.mopti.tenenkou.loc.tenenkou"),
        ("Timbuktu", "MLI.tombouctou.tombouctou.loc.tombouctou"),
        ("Jenne", "MLI.mopti.djenne.loc.djenne"),
        ("Gourma Rarhous", "MLI.tombouctou.gourma-rharous.loc.gourma-rharous"),
    ]:
        match = gazetteer.lookup(spelling)
        assert match.status == "found", (spelling, match)
        assert gazetteer._code[match.id] == code, spelling


def test_a_commune_name_used_twice_needs_its_cercle(gazetteer):
    communes = Place.objects.filter(kind="commune", name="Tilemsi", external_id__gt="")
    assert communes.count() == 2
    match = gazetteer.lookup("Tilemsi", kinds=("commune",))
    assert match.status == "ambiguous" and set(match.ids) == set(
        communes.values_list("pk", flat=True)
    )
    goundam = Place.objects.get(code="MLI.tombouctou.goundam").pk
    match = gazetteer.lookup("Tilemsi", within=(goundam,), kinds=("commune",))
    assert match.status == "found"
    assert Place.objects.get(pk=match.id).parent_id == goundam


def test_every_name_used_by_several_communes_is_reported_ambiguous_without_context(gazetteer):
    names = {}
    for feature in read_features("mali_adm3.geojson"):
        names.setdefault(feature["properties"]["shapeName"], []).append(feature)
    twice = [name for name, features in names.items() if len(features) > 1]
    assert len(twice) == 13  # the README's count (two of them are used three times)
    for name in twice:
        assert gazetteer.lookup(name, kinds=("commune",)).status == "ambiguous", name


def test_an_import_row_gets_its_commune_from_its_point(gazetteer):
    # a village of Bankass cercle given without its commune: the commune comes from the point
    row = next(
        r
        for r in read_places()
        if r["cercle"] == "Bankass"
        and r["location_match"] == "inside"
        and r["commune"] != "Bankass"
    )
    resolved = gazetteer.resolve(
        "Mali", "Mopti", "Bankass", "", "", float(row["latitude"]), float(row["longitude"])
    )
    commune = Place.objects.get(pk=resolved.admin3_id)
    assert commune.external_id == row["commune_shapeID"]
    assert resolved.admin2_id == Place.objects.get(code="MLI.mopti.bankass").pk


def test_an_unknown_commune_spelling_is_the_commune_holding_the_point(gazetteer):
    koulogon = Place.objects.get(code="MLI.mopti.bankass.koulogon-habbe")
    point = json.loads(koulogon.boundary)["coordinates"][0]
    lon = sum(p[0] for p in point) / len(point)
    lat = sum(p[1] for p in point) / len(point)
    if gazetteer.areas_at(lat, lon)[3] != koulogon.pk:  # a concave outline: use a village inside
        village = Place.objects.filter(parent=koulogon, latitude__isnull=False).first()
        lat, lon = village.latitude, village.longitude
    resolved = gazetteer.resolve("Mali", "Mopti", "Bankass", "Kulogon Habbe Commune", "", lat, lon)
    assert resolved.admin3_id == koulogon.pk
    assert not gazetteer.created


def test_an_ambiguous_village_without_a_point_is_not_guessed(gazetteer):
    # two GeoNames villages of one name in one cercle, in different communes, neither notable
    by_name: dict[tuple[int, str], list[Place]] = {}
    villages = Place.objects.filter(
        kind="locality", notable=False, external_id__startswith="geonames:", parent__kind="commune"
    ).select_related("parent__parent__parent")
    for village in villages:
        by_name.setdefault((village.parent.parent_id, village.name), []).append(village)
    pair = next(
        places
        for places in by_name.values()
        if len(places) == 2 and places[0].parent_id != places[1].parent_id
    )
    cercle = pair[0].parent.parent
    region = cercle.parent
    resolved = gazetteer.resolve("Mali", region.name, cercle.name, "", pair[0].name)
    assert resolved.place_id == cercle.pk and not gazetteer.created  # the cercle, not a guess
    near = gazetteer.resolve(
        "Mali", region.name, cercle.name, "", pair[1].name, pair[1].latitude, pair[1].longitude
    )
    assert near.place_id == pair[1].pk and not gazetteer.created
