"""CSV injection: no CSV or HXL file Vigie writes holds a cell a spreadsheet would run as a formula.

The incident exports are read through every door (the CLI, the list's export, the open data); the
other CSV writers have their own checks beside their tests (victims/test_reports.py,
evidence/test_bundle.py) and the linkage files below. A last test keeps every writer in src/ going
through vigie.interop.spreadsheet.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.formulas import MALICIOUS, NUMBER, assert_no_formula, formula_cells
from vigie import cli
from vigie.actors.models import Actor
from vigie.incidents.models import Incident, IncidentActor
from vigie.interop import spreadsheet
from vigie.interop.exports import export_incidents
from vigie.places.models import Place
from vigie.reports.models import Report, Source

SRC = Path(__file__).resolve().parents[2] / "src" / "vigie"


# -- the rule ------------------------------------------------------------------------------------------


@pytest.mark.engine
@given(st.text(max_size=30))
def test_no_text_comes_out_as_a_formula_and_nothing_is_lost(text):
    cell = spreadsheet.safe_cell(text)
    if cell != text:
        assert cell == "'" + text
    assert not (cell[:1] in spreadsheet.FORMULA_STARTS and not NUMBER.fullmatch(cell))


@pytest.mark.engine
@pytest.mark.parametrize("value", [-3.5, -1, 0, 12, 2.5e-3, "-3.5", "+223", "-1e3", "12", None, ""])
def test_numbers_stay_numbers(value):
    assert spreadsheet.safe_cell(value) == value


@pytest.mark.engine
@pytest.mark.parametrize(
    "value", [*MALICIOUS.values(), "-2+3", "+223 76 00 00 00", "-", "@", "=", "-inf"]
)
def test_formulas_get_a_leading_quote(value):
    assert spreadsheet.safe_cell(value) == "'" + value


@pytest.mark.engine
def test_the_writers_quote_every_row():
    handle = io.StringIO(newline="")
    writer = spreadsheet.writer(handle)
    writer.writerow(["=1+1", -3.5, "-3.5"])
    writer.writerows([["@x", 2]])
    dict_handle = io.StringIO(newline="")
    dict_writer = spreadsheet.DictWriter(dict_handle, fieldnames=["a", "b"])
    dict_writer.writeheader()
    dict_writer.writerows([{"a": "+x", "b": -4}])
    assert handle.getvalue() == "'=1+1,-3.5,-3.5\r\n'@x,2\r\n"
    assert dict_handle.getvalue() == "a,b\r\n'+x,-4\r\n"


# -- the incident exports, through every door ------------------------------------------------------------


@pytest.fixture
def poisoned(db):
    """A public incident whose region, place, actor, source and report carry formulas."""
    region = Place.objects.filter(kind="region", parent__code="MLI").order_by("code").first()
    Place.objects.filter(pk=region.pk).update(name=MALICIOUS["hyperlink"])
    region.refresh_from_db()
    actor = Actor.objects.create(
        key="poisoned-actor", name=MALICIOUS["at"], category="unidentified"
    )
    incident = Incident.objects.create(
        visibility="public",
        date_start=datetime.date(2024, 3, 2),
        date_end=datetime.date(2024, 3, 2),
        admin0=Place.objects.get(code="MLI"),
        admin1=region,
        location=MALICIOUS["dde"],
        latitude=15.33,
        longitude=-3.5,
        geo_precision="exact",
        event_type="violence_against_civilians",
        killed_low=2,
        killed_best=3,
        killed_high=5,
        estimate_rule=MALICIOUS["return"],
    )
    IncidentActor.objects.create(incident=incident, actor=actor, side=1)
    source = Source.objects.create(slug=MALICIOUS["minus"], name=MALICIOUS["minus"], kind="media")
    Report.objects.create(
        source=source,
        visibility="public",
        external_id=MALICIOUS["tab"],
        content_hash="0" * 32,
        incident=incident,
        location_text=MALICIOUS["dde"],
    )
    return incident


EXPECTED = (
    MALICIOUS["hyperlink"],
    MALICIOUS["dde"],
    MALICIOUS["at"],
    MALICIOUS["return"],
    MALICIOUS["minus"],
)


@pytest.mark.parametrize("format_name", ["csv", "hxl"])
def test_export_incidents_quotes_formulas_and_keeps_numbers(poisoned, format_name):
    handle = io.StringIO(newline="")
    assert export_incidents(handle, format_name) == 1
    text = handle.getvalue()
    assert_no_formula(text, *EXPECTED)
    assert ",-3.5," in text and ",15.33," in text  # the longitude and latitude, as numbers


@pytest.mark.parametrize("format_name", ["csv", "hxl"])
def test_the_cli_export_has_no_formula(poisoned, tmp_path, format_name):
    output = tmp_path / f"incidents-{format_name}.csv"
    result = CliRunner().invoke(
        cli.main, ["export", "incidents", "--format", format_name, "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert_no_formula(output.read_bytes().decode("utf-8"), *EXPECTED)


@pytest.mark.parametrize(
    "path",
    [
        "/en/incidents/export/csv/",
        "/en/incidents/export/hxl/",
        "/en/open-data/csv/",
        "/en/open-data/hxl/",
    ],
)
def test_the_web_exports_and_open_data_have_no_formula(poisoned, client, settings, tmp_path, path):
    settings.VIGIE_HOME = (
        tmp_path  # the open data file is written afresh, not read from another test's cache
    )
    response = client.get(path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert_no_formula(
        body.decode("utf-8"), MALICIOUS["hyperlink"], MALICIOUS["dde"], MALICIOUS["at"]
    )


# -- the linkage files -------------------------------------------------------------------------------------


@pytest.mark.engine
def test_the_linkage_files_have_no_formula(tmp_path):
    reports = tmp_path / "reports.csv"
    header = "report_id,source,published,event_date,location,admin1,admin2,latitude,longitude,perpetrator,target,event_label,killed"
    quoted = '"' + MALICIOUS["hyperlink"].replace('"', '""') + '"'
    reports.write_text(
        f"{header}\n{quoted},radio,2024-03-02,2024-03-02,Boni,Mopti,Douentza,15.33,-1.74,JNIM,civilians,attack,3\n"
        f"{MALICIOUS['dde']},partner,2024-03-02,2024-03-02,Boni,Mopti,Douentza,15.33,-1.74,JNIM,civilians,attack,3\n",
        encoding="utf-8",
    )
    links, pairs = tmp_path / "links.csv", tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        cli.main, ["link-file", str(reports), "--output", str(links), "--pairs", str(pairs)]
    )
    assert result.exit_code == 0, result.output
    assert_no_formula(links.read_bytes().decode("utf-8"), MALICIOUS["hyperlink"], MALICIOUS["dde"])
    assert formula_cells(pairs.read_bytes().decode("utf-8")) == []


# -- every writer goes through the one function ------------------------------------------------------------

# Files that write CSV for Vigie's own reading, never for a person's spreadsheet: the demo's reports
# written back for the linkage engine to join. (The synthetic data of the tests and benchmarks is
# written by src/vigie_testing, outside the runtime package.)
NOT_EXPORTS = {
    "demo/loader.py",
    "interop/spreadsheet.py",
}


def test_every_csv_writer_in_src_neutralises_formulas():
    unsafe = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in NOT_EXPORTS:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\b|hxl\.io\.write|\.gen_csv\(", text):
            unsafe.append(name)
    assert unsafe == [], f"write CSV with vigie.interop.spreadsheet.writer / DictWriter in {unsafe}"
