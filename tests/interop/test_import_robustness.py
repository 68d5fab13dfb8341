"""Files as they come from the field: HDX's HXL hashtag row, stray bytes, implausible counts, dates out of
the deployment's period, over-long names. Each costs its own row, named by file, line and column."""

import csv
import datetime

import pytest

from vigie import cli
from vigie.demo.loader import DEMO_REPORTS
from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.interop.tables import detect_encoding
from vigie.reports.models import Report
from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.django_db


def data_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# -- HXL hashtag rows (HDX) ------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", ["acled", "ucdp"])
def test_a_hashtag_row_is_skipped_and_line_numbers_stay_right(
    format_name, acled_file, ucdp_file, tmp_path
):
    clean = acled_file(40) if format_name == "acled" else ucdp_file(40)
    damaged = tmp_path / "damaged.csv"
    where = synthetic.damage_rows(clean, damaged, [(3, "bad_date"), (20, "lat_out_of_range")])
    hdx = tmp_path / "hdx.csv"
    synthetic.add_hxl_row(damaged, hdx)
    assert open(hdx, encoding="utf-8").read().splitlines()[1].startswith("#")
    result = run_import(format_name, hdx)
    assert result.rows_read == 40 and result.rejected_rows == 2
    assert result.created == 38
    # The hashtag row is line 2: every record is one line further down than in the file without it.
    assert {(p.line, p.column) for p in result.problems} == {
        (line + 1, column) for line, column, _ in where
    }


def test_ucdp_from_hdx_imports_whole(tmp_path):
    path = tmp_path / "ged_hdx.csv"
    synthetic.write_ucdp_ged(path, 50, seed=3, hxl=True)
    result = run_import("ucdp", path, strict=True)
    assert not result.strict_rejected and (result.rows_read, result.created) == (50, 50)
    assert not Report.objects.filter(external_id__startswith="#").exists()


def test_reports_file_with_a_hashtag_row(tmp_path):
    hdx = tmp_path / "reports_hdx.csv"
    synthetic.add_hxl_row(DEMO_REPORTS, hdx)
    result = run_import("reports", hdx, visibility="public")
    assert result.rejected_rows == 0
    assert result.rows_read == data_rows(DEMO_REPORTS)
    lines = sorted(Report.objects.values_list("external_id", flat=True))
    assert "#report+id" not in lines


# -- bytes ------------------------------------------------------------------------------------------------


def _with_stray_byte(source, target, row_number, column, byte=b"\x81"):
    """Copy a UTF-8 CSV, putting ``byte`` into ``column`` of data row ``row_number`` (1-based)."""
    lines = source.read_bytes().split(b"\n")
    header = next(csv.reader([lines[0].decode()]))
    position = [name.lower() for name in header].index(column)
    cells = next(csv.reader([lines[row_number].decode()]))
    cells[position] = cells[position][:2] + "\uffff" + cells[position][2:]
    text = ",".join(
        '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"') else c for c in cells
    )
    lines[row_number] = text.encode().replace("\uffff".encode(), byte)
    target.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize(
    "format_name, column",
    [("acled", "location"), ("ucdp", "where_coordinates"), ("reports", "text")],
)
def test_one_stray_byte_costs_its_row_not_the_file(
    format_name, column, acled_file, ucdp_file, tmp_path
):
    if format_name == "reports":
        source = tmp_path / "reports.csv"
        source.write_bytes(DEMO_REPORTS.read_bytes())
    else:
        source = acled_file(30) if format_name == "acled" else ucdp_file(30)
    path = tmp_path / "stray.csv"
    _with_stray_byte(source, path, 4, column)
    assert detect_encoding(path) == "utf-8"
    total = data_rows(source)
    result = run_import(format_name, path, visibility="public")
    assert result.rejected_rows == 1 and result.rows_read == total
    (problem,) = result.problems
    assert problem.line == 5 and problem.column == column
    assert "undecodable byte 0x81" in problem.reason
    assert problem.describe("stray.csv").startswith(
        f"stray.csv:line 5: column {column}: undecodable byte 0x81 at byte"
    )
    assert Report.objects.filter(is_current=True).count() == total - 1


def test_the_cli_names_a_stray_byte_and_keeps_the_good_rows(acled_file, tmp_path):
    from click.testing import CliRunner

    path = tmp_path / "stray.csv"
    _with_stray_byte(acled_file(20), path, 7, "notes")
    outcome = CliRunner().invoke(cli.main, ["import", "acled", str(path)])
    assert outcome.exit_code == 2, outcome.output
    assert "stray.csv:line 8: column notes: undecodable byte 0x81" in outcome.output
    assert "charmap" not in outcome.output and "Traceback" not in outcome.output
    assert Incident.objects.count() == 19


def test_a_windows_1252_file_is_still_read_as_such(tmp_path):
    path = tmp_path / "cp1252.csv"
    text = DEMO_REPORTS.read_text(encoding="utf-8")
    path.write_bytes(text.encode("cp1252", errors="replace"))
    assert detect_encoding(path) == "cp1252"
    result = run_import("reports", path, visibility="public")
    assert result.rejected_rows == 0
    assert Report.objects.filter(text__contains="é").exists()


def test_an_ascii_file_with_a_byte_windows_1252_lacks_is_utf8_with_one_bad_row(tmp_path):
    path = tmp_path / "ascii.csv"
    path.write_bytes(
        b"report_id,source,event_date,location\nr1,Radio,2020-01-02,Mopti\n"
        b"r2,Radio,2020-01-03,Sev\x81are\nr3,Radio,2020-01-04,Djenne\n"
    )
    assert detect_encoding(path) == "utf-8"
    result = run_import("reports", path, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [(3, "location")]
    assert result.created == 2


# -- counts and lengths -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [str(2**31), str(2**63), "1" + "0" * 30, "1e400", "1000001"])
def test_implausible_counts_are_refused_at_validation(value, acled_file, ucdp_file, tmp_path):
    for format_name, make, column in (
        ("acled", acled_file, "fatalities"),
        ("ucdp", ucdp_file, "best"),
    ):
        source = make(10, name=f"{format_name}.csv")
        rows = list(csv.reader(open(source, encoding="utf-8", newline="")))
        position = rows[0].index(column)
        rows[3][position] = value
        path = tmp_path / f"{format_name}-huge.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        result = run_import(format_name, path)
        assert [(p.line, p.column) for p in result.problems] == [(4, column)], result.problems
        assert result.created == 9


def test_a_million_is_the_largest_count(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text(
        "report_id,source,event_date,killed,injured\nr1,Radio,2020-01-02,1000000,\n"
        "r2,Radio,2020-01-02,,2147483648\n",
        encoding="utf-8",
    )
    result = run_import("reports", path, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [(3, "injured")]
    assert "more than 1,000,000 people" in result.problems[0].reason
    assert Report.objects.get().killed == 1_000_000


def test_over_long_ids_and_names_are_named(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text(
        "report_id,source,event_date,location,perpetrator,incident\n"
        f"{'x' * 121},Radio,2020-01-02,Mopti,,\n"
        f"r2,{'S' * 201},2020-01-02,Mopti,,\n"
        f"r3,Radio,2020-01-02,{'L' * 201},,\n"
        f"r4,Radio,2020-01-02,Mopti,{'P' * 201},\n"
        f"r5,Radio,2020-01-02,Mopti,,{'k' * 121}\n"
        "r6,Radio,2020-01-02,Mopti,JNIM,\n",
        encoding="utf-8",
    )
    result = run_import("reports", path, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "report_id"),
        (3, "source"),
        (4, "location"),
        (5, "perpetrator"),
        (6, "incident"),
    ]
    assert result.created == 1


# -- dates -------------------------------------------------------------------------------------------------


def test_dates_outside_the_deployments_period_are_refused(tmp_path, settings):
    future = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    path = tmp_path / "reports.csv"
    path.write_text(
        "report_id,source,event_date,event_date_end,published\n"
        "r1,Radio,1800-01-01,,\n"
        f"r2,Radio,{future},,\n"
        "r3,Radio,2020-01-02,2020-01-03,\n"
        "r4,Radio,2020-01-02,,1800-01-01\n"
        "r5,Radio,1960-01-01,,\n",
        encoding="utf-8",
    )
    result = run_import("reports", path, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "event_date"),
        (3, "event_date"),
        (5, "published"),
    ]
    assert (
        "before 1960-01-01" in result.problems[0].reason
        and "VIGIE_EARLIEST_DATE" in result.problems[0].reason
    )
    assert "in the future" in result.problems[1].reason
    assert result.created == 2

    settings.VIGIE_EARLIEST_DATE = datetime.date(2012, 1, 1)
    later = tmp_path / "later.csv"
    later.write_text(
        "report_id,source,event_date\nq1,Radio,2011-12-31\nq2,Radio,2012-01-01\n", encoding="utf-8"
    )
    result = run_import("reports", later, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [(2, "event_date")]
    assert "before 2012-01-01" in result.problems[0].reason


@pytest.mark.parametrize("format_name, column", [("acled", "event_date"), ("ucdp", "date_start")])
def test_dataset_rows_dated_1800_are_refused(format_name, column, acled_file, ucdp_file, tmp_path):
    source = acled_file(10) if format_name == "acled" else ucdp_file(10)
    rows = list(csv.reader(open(source, encoding="utf-8", newline="")))
    rows[2][rows[0].index(column)] = "1800-01-01"
    path = tmp_path / "old.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = run_import(format_name, path)
    assert [(p.line, p.column) for p in result.problems] == [(3, column)]
    assert not Incident.objects.filter(date_start__lt="1960-01-01").exists()


def test_a_nul_character_costs_its_row(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(
        b"report_id,source,event_date,text\nr1,Radio,2020-01-02,fine\n"
        b"r2,Radio,2020-01-03,bad \x00 text\nr3,Radio,2020-01-04,fine\n"
    )
    result = run_import("reports", path, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [(3, "text")]
    assert "NUL" in result.problems[0].reason
    assert result.created == 2


def test_a_broken_unit_in_a_utf16_file_costs_its_row(tmp_path):
    path = tmp_path / "utf16.csv"
    text = "report_id,source,event_date,location\nr1,Radio,2020-01-02,Mopti\nr2,Radio,2020-01-03,SévXré\n"
    data = (text + "r3,Radio,2020-01-04,Djenné\n").encode("utf-16")
    path.write_bytes(
        data.replace("X".encode("utf-16-le"), b"\x00\xd8")
    )  # half a surrogate pair, alone
    result = run_import("reports", path, visibility="public")
    assert [(p.line, p.column) for p in result.problems] == [(3, "location")]
    assert "undecodable" in result.problems[0].reason
    assert sorted(Report.objects.values_list("location_text", flat=True)) == ["Djenné", "Mopti"]


def test_long_place_names_within_the_limit_are_kept(tmp_path):
    """New places get codes from their names and their parents' codes: cut to fit their column."""
    long_names = ("A" * 190, "B" * 190, "C" * 190, "D" * 199)
    path = tmp_path / "reports.csv"
    path.write_text(
        "report_id,source,event_date,admin1,admin2,admin3,location\n"
        f"r1,Radio,2020-01-02,{','.join(long_names)}\n"
        f"r2,Radio,2020-01-02,{','.join(long_names[:3])},{'D' * 198}\n",
        encoding="utf-8",
    )
    result = run_import("reports", path, visibility="public")
    assert result.problems == [] and result.created == 2
    from vigie.places.models import Place

    assert (
        Place.objects.filter(name="D" * 199).exists()
        and Place.objects.filter(name="D" * 198).exists()
    )
