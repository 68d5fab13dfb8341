"""Incident exports: columns, audiences, canaries, GeoJSON, HXL, the CLI (docs/formats-export.md)."""

from __future__ import annotations

import csv
import datetime
import io
import json

import hxl
import pytest
from click.testing import CliRunner
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import bare_incident
from vigie import cli
from vigie.actors.choices import ActorCategory
from vigie.actors.models import Actor
from vigie.core.models import Organisation
from vigie.incidents.choices import EventType, SubEventType, ViolationType
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.interop import exports
from vigie.interop.exports import COLUMNS, HXL_TAGS, export_incidents, incident_rows
from vigie.interop.loader import run_import
from vigie.places.models import Place
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db

# The columns as documented in docs/formats-export.md, in order.
DOCUMENTED_COLUMNS = [
    "incident_id",
    "date_start",
    "date_end",
    "date_precision",
    "event_type",
    "sub_event_type",
    "violation_types",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "actor1",
    "actor1_category",
    "actor2",
    "actor2_category",
    "assoc_actors1",
    "assoc_actors2",
    "killed_low",
    "killed_best",
    "killed_high",
    "civilians_killed_low",
    "civilians_killed_best",
    "civilians_killed_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "abducted_low",
    "abducted_best",
    "abducted_high",
    "estimate_rule",
    "n_reports",
    "n_sources",
    "source_ids",
    "updated",
]

CANARY = "ZZ-CANARY-7f3a91"
FORMATS = ["csv", "geojson", "hxl"]


# -- helpers -------------------------------------------------------------------------------------


def export_text(format_name: str, **options) -> tuple[str, int]:
    handle = io.StringIO(newline="")
    count = export_incidents(handle, format_name, **options)
    return handle.getvalue(), count


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def rows_by_id(**options) -> dict[str, dict]:
    text, _count = export_text("csv", **options)
    return {row["incident_id"]: row for row in csv_rows(text)}


def mali():
    return Place.objects.get(code="MLI")


def a_region():
    return Place.objects.filter(kind="region", parent__code="MLI").order_by("code").first()


def exported_incident(
    visibility: str, organisation=None, location: str = "Boni", *, reported: bool = False, **fields
) -> Incident:
    """An incident with every field an export writes filled in (factories.bare_incident)."""
    values = {
        "date_precision": "day",
        "admin0": mali(),
        "admin1": a_region(),
        "location": location,
        "latitude": 15.33,
        "longitude": -1.74,
        "geo_precision": "exact",
        "event_type": EventType.VIOLENCE_AGAINST_CIVILIANS,
        "sub_event_type": SubEventType.ATTACK,
        "killed_low": 2,
        "killed_best": 3,
        "killed_high": 5,
        "killed_civilian_best": 3,
        "estimate_rule": "single report: its own figures",
    }
    values.update(fields)
    incident = bare_incident(
        organisation,
        visibility,
        location=values.pop("location"),
        day=datetime.date(2024, 3, 2),
        **values,
    )
    if (
        reported
    ):  # one account from a source that may be redistributed: the incident can be published
        add_report(incident, source("studio-tamani", "media"), f"ST-{incident.pk}", "public")
    return incident


def source(slug: str, kind: str, organisation=None) -> Source:
    return Source.objects.get_or_create(
        slug=slug, defaults={"name": slug.title(), "kind": kind, "organisation": organisation}
    )[0]


def add_report(
    incident: Incident,
    src: Source,
    external_id: str,
    visibility: str,
    organisation=None,
    is_current: bool = True,
    **fields,
) -> Report:
    return Report.objects.create(
        source=src,
        organisation=organisation,
        visibility=visibility,
        external_id=external_id,
        is_current=is_current,
        content_hash=external_id[:32],
        incident=incident,
        **fields,
    )


def link_actor(incident: Incident, key: str, side: int, primary: bool = True) -> None:
    IncidentActor.objects.create(
        incident=incident, actor=Actor.objects.get(key=key), side=side, primary=primary
    )


@pytest.fixture
def imported(acled_file):
    """Synthetic rows in ACLED's format through the real import path, published as a dataset whose
    terms allow redistribution (real ACLED rows may not be: see test_acled_only_incidents_are_never_public)."""
    result = run_import("acled", acled_file(120), visibility="public")
    assert result.created > 0 and not result.strict_rejected
    Source.objects.filter(slug="acled").update(redistributable=True)
    return result


def test_acled_only_incidents_are_never_public(acled_file, organisations):
    ours, _theirs = organisations
    run_import("acled", acled_file(40), organisation=ours)
    assert export_text("csv")[1] == 0
    # Even marked public, an incident known only from a source that may not be redistributed stays out.
    Incident.objects.update(visibility="public")
    assert export_text("csv")[1] == 0
    assert Incident.objects.count() == 40
    handle = io.StringIO()
    assert (
        export_incidents(handle, "csv", organisation=ours) == 40
    )  # the organisation's own analysis


@pytest.fixture
def organisations():
    return (
        Organisation.objects.create(slug="obs-mopti", name="Observatoire de Mopti"),
        Organisation.objects.create(slug="other-ngo", name="Another NGO"),
    )


@pytest.fixture
def mixed(imported, organisations):
    """Imported public incidents, plus hand-made public, organisation-only and restricted ones."""
    ours, theirs = organisations
    witness = source("temoin-canary", "witness", ours)
    radio = source("radio-kledu", "media")

    public = exported_incident("public", location="Public place")
    add_report(
        public,
        radio,
        "RK-1",
        "public",
        text=CANARY,
        raw={"notes": CANARY},
        perpetrator_text=CANARY,
        target_text=CANARY,
        event_label=CANARY,
    )
    add_report(public, witness, "W-1", "public", organisation=ours, text=CANARY)
    add_report(public, witness, "W-2", "organisation", organisation=ours)
    add_report(public, radio, "RK-OLD", "public", is_current=False)
    IncidentViolation.objects.create(incident=public, violation=ViolationType.KILLING)
    IncidentViolation.objects.create(incident=public, violation=ViolationType.DESTRUCTION_LOOTING)

    our_incident = exported_incident("organisation", ours, location=f"Village {CANARY}")
    add_report(our_incident, witness, "W-3", "organisation", organisation=ours, text=CANARY)
    their_incident = exported_incident("organisation", theirs, location="Their village")
    add_report(
        their_incident,
        source("their-partner", "partner", theirs),
        "P-1",
        "organisation",
        organisation=theirs,
    )
    restricted = exported_incident("restricted", ours, location=f"Secret {CANARY}")
    add_report(restricted, witness, "W-4", "restricted", organisation=ours)

    # The imported dataset reports carry the canary too, in every free-text field.
    Report.objects.filter(source__slug="acled").update(
        text=CANARY,
        perpetrator_text=CANARY,
        target_text=CANARY,
        raw={"notes": CANARY, "source": CANARY},
    )
    return {
        "public": public,
        "ours": our_incident,
        "theirs": their_incident,
        "restricted": restricted,
        "our_org": ours,
        "their_org": theirs,
    }


# -- columns and rows ------------------------------------------------------------------------------


def test_columns_are_the_documented_ones():
    assert list(COLUMNS) == DOCUMENTED_COLUMNS
    assert list(HXL_TAGS) == DOCUMENTED_COLUMNS


def test_csv_header_rows_and_values_from_an_acled_import(imported):
    text, count = export_text("csv")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    assert lines[0] == DOCUMENTED_COLUMNS
    assert all(len(line) == len(DOCUMENTED_COLUMNS) for line in lines)
    assert text.endswith("\r\n")  # RFC 4180 line ends
    assert (
        count
        == len(lines) - 1
        == imported.created
        == Incident.objects.filter(visibility="public").count()
    )

    rows = csv_rows(text)
    ids = [int(row["incident_id"]) for row in rows]
    assert ids == sorted(ids)
    event_types, sub_types = set(EventType.values), set(SubEventType.values)
    for row in rows:
        assert row["country"] == "Mali"
        assert row["event_type"] in event_types
        assert row["sub_event_type"] in sub_types | {""}
        datetime.date.fromisoformat(row["date_start"])
        datetime.date.fromisoformat(row["date_end"])
        assert row["updated"].endswith("Z")
        assert int(row["n_reports"]) >= 1 and int(row["n_sources"]) == 1
        assert all(source_id.startswith("acled:MLI") for source_id in row["source_ids"].split(";"))
        violations = row["violation_types"].split(";") if row["violation_types"] else []
        assert violations == sorted(violations) and set(violations) <= set(ViolationType.values)
        if row["latitude"]:
            assert -90 <= float(row["latitude"]) <= 90 and -180 <= float(row["longitude"]) <= 180
    assert any(row["actor1"] for row in rows) and any(row["admin1"] for row in rows)

    # The CSV and the row dicts agree, None as an empty cell.
    first = next(incident_rows())
    assert list(first) == DOCUMENTED_COLUMNS
    assert rows[0] == {key: "" if value is None else str(value) for key, value in first.items()}


def test_row_values_for_a_known_incident(db):
    incident = exported_incident(
        "public",
        reported=True,
        location="Ogossagou",
        killed_civilian_low=1,
        killed_civilian_high=7,
        injured_best=4,
        abducted_high=2,
    )
    IncidentViolation.objects.create(incident=incident, violation=ViolationType.KILLING)
    IncidentViolation.objects.create(
        incident=incident, violation=ViolationType.ABDUCTION_DISAPPEARANCE
    )
    link_actor(incident, "fama", 1)
    link_actor(incident, "garde_nationale_mali", 1, primary=False)
    link_actor(incident, "police_mali", 1, primary=False)
    row = rows_by_id()[str(incident.pk)]
    assert row["date_start"] == "2024-03-02" and row["date_precision"] == "day"
    assert row["event_type"] == "violence_against_civilians" and row["sub_event_type"] == "attack"
    assert row["violation_types"] == "abduction_disappearance;killing"
    assert row["country"] == "Mali" and row["admin1"] == a_region().name and row["admin2"] == ""
    assert (
        row["location"] == "Ogossagou"
        and row["latitude"] == "15.33"
        and row["longitude"] == "-1.74"
    )
    assert (
        row["actor1"] == Actor.objects.get(key="fama").name
        and row["actor1_category"] == "state_forces"
    )
    assert row["assoc_actors1"] == ";".join(
        [
            Actor.objects.get(key="garde_nationale_mali").name,
            Actor.objects.get(key="police_mali").name,
        ]
    )
    assert row["actor2"] == row["actor2_category"] == row["assoc_actors2"] == ""
    assert (row["killed_low"], row["killed_best"], row["killed_high"]) == ("2", "3", "5")
    assert (
        row["civilians_killed_low"],
        row["civilians_killed_best"],
        row["civilians_killed_high"],
    ) == ("1", "3", "7")
    assert (row["injured_best"], row["abducted_high"], row["abducted_low"]) == ("4", "2", "")
    assert row["n_reports"] == "1" and row["n_sources"] == "1"
    assert row["source_ids"] == f"studio-tamani:ST-{incident.pk}"


def test_foreign_state_forces_are_exported_as_foreign_forces(db):
    incident = exported_incident("public", reported=True)
    link_actor(incident, "bfa_armed_forces", 1)  # Burkinabè army, acting in Mali
    link_actor(incident, "fama", 2)  # Mali's own army stays state forces
    row = rows_by_id()[str(incident.pk)]
    assert Actor.objects.get(key="bfa_armed_forces").category == "state_forces"
    assert row["actor1_category"] == "foreign_forces"
    assert row["actor2_category"] == "state_forces"

    in_burkina = exported_incident(
        "public", reported=True, admin0=Place.objects.get(code="BFA"), admin1=None
    )
    link_actor(in_burkina, "bfa_armed_forces", 1)
    link_actor(in_burkina, "fama", 2)
    row = rows_by_id()[str(in_burkina.pk)]
    assert (row["actor1_category"], row["actor2_category"]) == ("state_forces", "foreign_forces")

    unknown_country = exported_incident("public", reported=True, admin0=None, admin1=None)
    link_actor(unknown_country, "bfa_armed_forces", 1)
    assert rows_by_id()[str(unknown_country.pk)]["actor1_category"] == "state_forces"


def test_report_counts_and_source_ids(mixed):
    public = rows_by_id()[str(mixed["public"].pk)]
    # All current reports count (RK-1, W-1, W-2), the superseded one does not; two sources.
    assert public["n_reports"] == "3" and public["n_sources"] == "2"
    assert public["source_ids"] == "radio-kledu:RK-1"  # no witness, no organisation-only report

    ours = rows_by_id(organisation=mixed["our_org"])[str(mixed["public"].pk)]
    assert ours["source_ids"] == "radio-kledu:RK-1;temoin-canary:W-1;temoin-canary:W-2"
    theirs = rows_by_id(organisation=mixed["their_org"])[str(mixed["public"].pk)]
    assert theirs["source_ids"] == "radio-kledu:RK-1"


# -- audiences -------------------------------------------------------------------------------------


def test_public_export_holds_only_public_incidents(mixed):
    rows = rows_by_id()
    public_ids = {
        str(pk) for pk in Incident.objects.filter(visibility="public").values_list("pk", flat=True)
    }
    assert set(rows) == public_ids
    for name in ("ours", "theirs", "restricted"):
        assert str(mixed[name].pk) not in rows
    assert not any(
        "temoin" in row["source_ids"] or "their-partner" in row["source_ids"]
        for row in rows.values()
    )


def test_organisation_export_adds_its_own_incidents_only(mixed):
    rows = rows_by_id(organisation=mixed["our_org"])
    assert str(mixed["ours"].pk) in rows
    assert str(mixed["theirs"].pk) not in rows
    assert str(mixed["restricted"].pk) not in rows
    assert len(rows) == Incident.objects.filter(visibility="public").count() + 1
    assert rows[str(mixed["ours"].pk)]["source_ids"] == "temoin-canary:W-3"

    theirs = rows_by_id(organisation=mixed["their_org"])
    assert str(mixed["theirs"].pk) in theirs and str(mixed["ours"].pk) not in theirs
    assert str(mixed["restricted"].pk) not in theirs


def test_a_queryset_narrows_but_never_widens(mixed):
    _text, count = export_text("csv", queryset=Incident.objects.filter(visibility="restricted"))
    assert count == 0
    _text, count = export_text("csv", queryset=Incident.objects.filter(pk=mixed["ours"].pk))
    assert count == 0
    _text, count = export_text(
        "csv",
        organisation=mixed["our_org"],
        queryset=Incident.objects.filter(pk__in=[mixed["ours"].pk, mixed["theirs"].pk]),
    )
    assert count == 1


@pytest.mark.parametrize("format_name", FORMATS)
def test_canary_never_reaches_a_public_export(mixed, format_name):
    text, count = export_text(format_name)
    assert count > 100
    assert CANARY not in text
    assert "temoin-canary" not in text  # the witness source is never named publicly
    assert "Their village" not in text


@pytest.mark.parametrize("format_name", FORMATS)
def test_organisation_export_never_holds_report_texts(mixed, format_name):
    text, _count = export_text(format_name, organisation=mixed["our_org"])
    assert f"Village {CANARY}" in text  # its own incident's location, as it should
    assert (
        text.count(CANARY) == 1
    )  # and nothing else: no report text, raw row, perpetrator or target
    assert f"Secret {CANARY}" not in text


def test_unknown_format_is_refused(db):
    with pytest.raises(ValueError, match="unknown export format"):
        export_incidents(io.StringIO(), "xlsx")


# -- GeoJSON -----------------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_points(imported, db):
    nowhere = exported_incident(
        "public", reported=True, latitude=None, longitude=None, location="Somewhere in the Gourma"
    )
    text, count = export_text("geojson")
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == count == imported.created + 1
    expected_properties = [
        column for column in DOCUMENTED_COLUMNS if column not in ("latitude", "longitude")
    ]
    by_id = {}
    for feature in data["features"]:
        assert feature["type"] == "Feature" and list(feature["properties"]) == expected_properties
        assert feature["id"] == feature["properties"]["incident_id"]
        by_id[feature["id"]] = feature
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            longitude, latitude = geometry["coordinates"]
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    assert by_id[nowhere.pk]["geometry"] is None
    # [longitude, latitude], as stored; numbers stay numbers, unknowns are null.
    incident = (
        Incident.objects.filter(visibility="public", latitude__isnull=False).order_by("pk").first()
    )
    feature = by_id[incident.pk]
    assert feature["geometry"]["coordinates"] == [incident.longitude, incident.latitude]
    assert isinstance(feature["properties"]["n_reports"], int)
    assert by_id[nowhere.pk]["properties"]["admin2"] is None


def test_empty_geojson_is_valid(db):
    Incident.objects.all().delete()
    text, count = export_text("geojson")
    assert count == 0 and json.loads(text) == {"type": "FeatureCollection", "features": []}


# -- HXL -------------------------------------------------------------------------------------------


def hxl_schema(rows: list[list[str]], errors: list):
    header = [
        "#valid_tag",
        "#valid_severity",
        "#valid_datatype",
        "#valid_value+min",
        "#valid_value+max",
        "#valid_required+min",
        "#valid_unique",
        "#valid_value+list",
        "#description",
    ]
    return hxl.schema([header, *rows], callback=errors.append)


# Our schema: each column's type, the coded values, the ranges.
VIGIE_SCHEMA = [
    [
        "#event+id",
        "error",
        "number",
        "1",
        "",
        "1",
        "true",
        "",
        "incident id: a unique positive integer",
    ],
    ["#date", "error", "date", "", "", "", "", "", "dates (start, end, updated)"],
    ["#date+start", "error", "date", "", "", "1", "", "", "every incident has a start date"],
    ["#geo+lat", "error", "number", "-90", "90", "", "", "", "latitude"],
    ["#geo+lon", "error", "number", "-180", "180", "", "", "", "longitude"],
    ["#affected", "error", "number", "0", "", "", "", "", "casualty figures: counts"],
    ["#meta+num", "error", "number", "0", "", "", "", "", "report and source counts"],
    [
        "#meta+date+precision",
        "error",
        "",
        "",
        "",
        "",
        "",
        "|".join(["day", "range", "week", "month", "year"]),
        "",
    ],
    ["#geo+precision", "error", "", "", "", "", "", "exact|near|admin3|admin2|admin1|country", ""],
    ["#event+type-sub-violation", "error", "", "", "", "", "", "|".join(EventType.values), ""],
    ["#event+type+sub", "error", "", "", "", "", "", "|".join(SubEventType.values), ""],
    ["#group+type", "error", "", "", "", "", "", "|".join(ActorCategory.values), ""],
]


def test_hxl_tags_are_well_formed():
    for column, tag in HXL_TAGS.items():
        parsed = hxl.model.Column.parse(tag, header=column)
        assert parsed is not None and parsed.display_tag == tag, tag
        assert parsed.tag in {
            "#event",
            "#date",
            "#meta",
            "#country",
            "#adm1",
            "#adm2",
            "#adm3",
            "#loc",
            "#geo",
            "#group",
            "#affected",
        }  # all HXL core hashtags


def test_hxl_export_validates_with_libhxl(mixed, tmp_path):
    link_actor(mixed["public"], "bfa_armed_forces", 1)
    path = tmp_path / "incidents-hxl.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        count = export_incidents(handle, "hxl", organisation=mixed["our_org"])

    # Parsed back: the header row, the tags, the rows.
    data = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    assert [column.header for column in data.columns] == DOCUMENTED_COLUMNS
    assert [column.display_tag for column in data.columns] == [
        HXL_TAGS[column] for column in DOCUMENTED_COLUMNS
    ]
    rows = list(data)
    assert len(rows) == count == Incident.objects.filter(visibility="public").count() + 1
    assert rows[0].get("#event+id") == str(
        min(row_id for row_id in rows_by_id(organisation=mixed["our_org"]))
    )
    assert {row.get("#country+name") for row in rows} == {"Mali"}

    # Our schema: no errors.
    errors: list = []
    assert hxl_schema(VIGIE_SCHEMA, errors).validate(
        hxl.data(str(path), hxl.InputOptions(allow_local=True))
    ), [(e.message, e.value, e.column and e.column.display_tag) for e in errors[:10]]
    assert errors == []

    # libhxl's own default schema (e.g. "#date is always a date", "#affected is always a number"):
    # no errors either (it may still warn about rare spellings).
    default_errors: list = []
    hxl.schema(None, callback=default_errors.append).validate(
        hxl.data(str(path), hxl.InputOptions(allow_local=True))
    )
    assert [(e.message, e.value) for e in default_errors if e.rule.severity == "error"] == []


def test_the_hxl_schema_catches_bad_values(tmp_path):
    """The schema used above does reject what it should (so its passing means something)."""
    header = ",".join(DOCUMENTED_COLUMNS)
    tags = ",".join(HXL_TAGS[column] for column in DOCUMENTED_COLUMNS)
    bad = dict.fromkeys(DOCUMENTED_COLUMNS, "")
    bad.update(
        incident_id="1",
        date_start="not a date",
        latitude="95",
        killed_best="-3",
        date_precision="fortnight",
        event_type="picnic",
        actor1_category="aliens",
        n_reports="many",
    )
    duplicate = dict.fromkeys(DOCUMENTED_COLUMNS, "")
    duplicate.update(incident_id="1", date_start="2024-01-02")
    path = tmp_path / "bad.csv"
    path.write_text(
        "\n".join(
            [
                header,
                tags,
                *(
                    ",".join(row[column] for column in DOCUMENTED_COLUMNS)
                    for row in (bad, duplicate)
                ),
            ]
        )
        + "\n"
    )
    errors: list = []
    assert not hxl_schema(VIGIE_SCHEMA, errors).validate(
        hxl.data(str(path), hxl.InputOptions(allow_local=True))
    )
    flagged = {(e.column.header, e.message) for e in errors if e.column is not None}
    assert {header for header, _message in flagged} == {
        "incident_id",
        "date_start",
        "latitude",
        "killed_best",
        "date_precision",
        "event_type",
        "actor1_category",
        "n_reports",
    }
    assert ("incident_id", "Duplicate value") in flagged


# -- streaming ---------------------------------------------------------------------------------------


def test_chunks_cost_a_fixed_number_of_queries(imported):
    total = Incident.objects.filter(visibility="public").count()
    assert total > 30
    chunk_size = 25
    chunks = -(-total // chunk_size) + (1 if total % chunk_size == 0 else 0)
    with CaptureQueriesContext(connection) as queries:
        small = list(incident_rows(chunk_size=chunk_size))
    # The places once, then per chunk: incidents, actors, violations, reports.
    assert len(queries.captured_queries) == 1 + 4 * chunks
    assert small == list(incident_rows())


def test_rows_are_streamed_not_loaded(imported, monkeypatch):
    """The writers pull rows one by one: the first row is written before the last chunk is read."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    seen_chunks = []
    original = exports._chunk_actors

    def spy(ids, *args):
        seen_chunks.append(len(ids))
        return original(ids, *args)

    monkeypatch.setattr(exports, "_chunk_actors", spy)
    rows = exports.incident_rows(chunk_size=10)
    next(rows)
    assert seen_chunks == [10]


# -- the command -------------------------------------------------------------------------------------


def test_cli_export_incidents(mixed, tmp_path):
    output = tmp_path / "incidents.csv"
    result = CliRunner().invoke(
        cli.main, ["export", "incidents", "--format", "csv", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    rows = csv_rows(text)
    assert list(rows[0]) == DOCUMENTED_COLUMNS
    assert len(rows) == Incident.objects.filter(visibility="public").count()
    assert f"{len(rows)} incidents written" in result.output
    assert CANARY not in text

    output = tmp_path / "ours.geojson"
    result = CliRunner().invoke(
        cli.main,
        [
            "export",
            "incidents",
            "--format",
            "geojson",
            "--output",
            str(output),
            "--organisation",
            "obs-mopti",
        ],
    )
    assert result.exit_code == 0, result.output
    features = json.loads(output.read_text(encoding="utf-8"))["features"]
    assert mixed["ours"].pk in {feature["id"] for feature in features}
