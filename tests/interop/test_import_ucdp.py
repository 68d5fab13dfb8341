"""UCDP GED imports: best/low/high and the deaths by side as ranges, precisions as Vigie's."""

import csv

import pytest

from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db


def test_ucdp_rows_become_incidents_with_ranges(ucdp_file):
    path = ucdp_file(150)
    rows = {row["id"]: row for row in csv.DictReader(open(path, encoding="utf-8", newline=""))}
    result = run_import("ucdp", path)
    assert (result.created, result.rejected_rows) == (150, 0)
    source = Source.objects.get(slug="ucdp-ged")
    assert "CC BY 4.0" in source.attribution
    precision = {"1": "day", "2": "range", "3": "week", "4": "month", "5": "year"}
    where = {
        "1": "exact",
        "2": "near",
        "3": "admin2",
        "4": "admin1",
        "5": "admin1",
        "6": "country",
        "7": "country",
    }
    for report in Report.objects.select_related("incident"):
        row = rows[report.external_id]
        incident = report.incident
        assert (incident.killed_low, incident.killed_best, incident.killed_high) == (
            int(row["low"]),
            int(row["best"]),
            int(row["high"]),
        )
        assert incident.killed_civilian_best == int(row["deaths_civilians"])
        split = incident.casualty_split
        assert split.get("killed_combatant_best") == int(row["deaths_a"]) + int(row["deaths_b"])
        assert split.get("killed_unknown_best") == int(row["deaths_unknown"])
        assert incident.geo_precision == where[row["where_prec"]]
        assert incident.date_start.isoformat() == row["date_start"][:10]
        assert incident.date_end.isoformat() == row["date_end"][:10]
        if row["date_start"][:10] != row["date_end"][:10]:
            assert incident.date_precision == precision[row["date_prec"]]
        if row["type_of_violence"] == "3":
            assert incident.event_type == "violence_against_civilians"
            roles = dict(incident.actor_links.values_list("side", "role"))
            assert roles == {1: "perpetrator", 2: "target"}


def test_ucdp_import_is_idempotent(ucdp_file):
    path = ucdp_file(80)
    run_import("ucdp", path)
    again = run_import("ucdp", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 80)
    assert Incident.objects.count() == 80


def test_ucdp_bad_rows(ucdp_file, tmp_path):
    from vigie_testing import acled_ucdp as synthetic

    out = tmp_path / "bad.csv"
    where = synthetic.damage_rows(
        ucdp_file(30), out, [(2, "bad_date"), (5, "missing_id"), (9, "negative_fatalities")]
    )
    result = run_import("ucdp", out)
    assert {(p.line, p.column) for p in result.problems} == {
        (line, column) for line, column, _ in where
    }
    assert result.created == 27
