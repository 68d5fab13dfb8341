"""Bad rows are named by line, column and reason; the good rows are imported; --strict imports nothing."""

import csv

import pytest
from click.testing import CliRunner

from vigie import cli
from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.interop.models import ImportRun
from vigie.reports.models import Report
from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.django_db

DAMAGES = [
    (3, "bad_date"),
    (10, "lat_out_of_range"),
    (17, "lon_not_number"),
    (25, "missing_id"),
    (40, "negative_fatalities"),
    (41, "fatalities_not_int"),
    (77, "unknown_event_type"),
]


@pytest.fixture
def damaged(acled_file, tmp_path):
    clean = acled_file(120)
    out = tmp_path / "damaged.csv"
    where = synthetic.damage_rows(clean, out, DAMAGES)
    return out, where


def test_bad_rows_are_named_and_good_rows_imported(damaged):
    path, where = damaged
    result = run_import("acled", path)
    assert result.rows_read == 120
    assert result.rejected_rows == len(DAMAGES)
    assert result.created == 120 - len(DAMAGES)
    found = {(problem.line, problem.column) for problem in result.problems}
    expected = {(line, column) for line, column, _damage in where}
    assert found == expected
    for problem in result.problems:
        text = problem.describe("damaged.csv")
        assert text.startswith(f"damaged.csv:line {problem.line}: column {problem.column}: ")
        assert problem.reason
    run = ImportRun.objects.get(pk=result.run_id)
    assert run.rows_rejected == len(DAMAGES) and len(run.problems) >= len(DAMAGES)


def test_strict_mode_imports_nothing(damaged):
    path, where = damaged
    result = run_import("acled", path, strict=True)
    assert result.strict_rejected
    assert Incident.objects.count() == 0 and Report.objects.count() == 0
    assert {p.line for p in result.problems} == {line for line, _c, _d in where}
    assert ImportRun.objects.get(pk=result.run_id).status == ImportRun.Status.REJECTED


def test_cli_reports_problems_and_exit_codes(damaged, acled_file):
    path, where = damaged
    runner = CliRunner()
    outcome = runner.invoke(cli.main, ["import", "acled", str(path), "--strict"])
    assert outcome.exit_code == 1, outcome.output
    assert "nothing was imported" in outcome.output
    assert Incident.objects.count() == 0
    outcome = runner.invoke(cli.main, ["import", "acled", str(path)])
    assert outcome.exit_code == 2, outcome.output
    for line, column, _damage in where:
        assert f"damaged.csv:line {line}: column {column}:" in outcome.output
    assert f"incidents created: {120 - len(DAMAGES)}" in outcome.output
    assert f"rows rejected: {len(DAMAGES)}" in outcome.output
    clean = acled_file(10, name="clean.csv", seed=99)
    outcome = runner.invoke(cli.main, ["import", "acled", str(clean)])
    assert outcome.exit_code == 0, outcome.output


def test_a_file_that_is_not_an_acled_export_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,age\nx,3\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"line 1: not an ACLED export: missing column\(s\) event_id_cnty"
    ):
        run_import("acled", path)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        run_import("acled", empty)
    outcome = CliRunner().invoke(cli.main, ["import", "acled", str(path)])
    assert outcome.exit_code == 1 and "not an ACLED export" in outcome.output
    assert Incident.objects.count() == 0


def test_quoted_newlines_keep_line_numbers_right(tmp_path, acled_file):
    clean = acled_file(40)
    rows = list(csv.DictReader(open(clean, encoding="utf-8", newline="")))
    rows[4]["notes"] = "first line\nsecond line\nthird"
    rows[6]["latitude"] = "95"
    path = tmp_path / "newlines.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    physical = 2 + sum(row["notes"].count("\n") + 1 for row in rows[:6])  # header is line 1
    result = run_import("acled", path)
    assert [(p.line, p.column) for p in result.problems] == [(physical, "latitude")]
