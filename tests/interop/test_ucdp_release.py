"""A UCDP GED release imports whole: rows published with low, best and high out of order are kept as
published (and marked), and the totals of the import are UCDP's own, computed apart with pandas."""

import csv

import pandas as pd
import pytest
from django.db.models import Sum

from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.reports.models import Report
from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(tmp_path):
    path = tmp_path / "ged_release.csv"
    synthetic.write_ucdp_ged(path, 600, seed=7, out_of_order=0.03)
    return path


def test_out_of_order_rows_are_kept_as_published_and_marked(release):
    frame = pd.read_csv(release, dtype={"id": str})
    disordered = frame[(frame["low"] > frame["best"]) | (frame["best"] > frame["high"])]
    assert len(disordered) >= 10  # the file has such rows, as real releases do

    result = run_import("ucdp", release, strict=True)
    assert not result.strict_rejected and result.rejected_rows == 0
    assert result.created == len(frame)
    flagged = [w for w in result.warnings if "out of order" in w.reason]
    assert sorted(int(w.value) for w in flagged) == sorted(disordered["best"].tolist())
    assert all(not w.fatal and w.line >= 2 for w in flagged)

    with open(release, encoding="utf-8", newline="") as handle:
        published = {row[0]: row for row in csv.reader(handle)}
    for report in Report.objects.select_related("incident"):
        row = frame.loc[frame["id"] == report.external_id].iloc[0]
        assert report.raw == [published[report.external_id]]  # the row as UCDP published it
        out_of_order = not row["low"] <= row["best"] <= row["high"]
        assert report.flags == (["figures_out_of_order"] if out_of_order else [])
        figures = (row["low"], row["best"], row["high"])
        incident = report.incident
        assert (incident.killed_low, incident.killed_best, incident.killed_high) == (
            min(figures),
            row["best"],
            max(figures),
        )
        assert incident.killed_low <= incident.killed_best <= incident.killed_high


def test_totals_of_an_imported_release_are_ucdps_own(release):
    frame = pd.read_csv(release)
    for column in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"):
        assert frame[column].sum() > 0  # deaths in every column
    result = run_import("ucdp", release)
    assert result.rejected_rows == 0

    totals = Incident.objects.aggregate(
        low=Sum("killed_low"),
        best=Sum("killed_best"),
        high=Sum("killed_high"),
        civilians=Sum("killed_civilian_best"),
    )
    figures = frame[["low", "best", "high"]]
    assert totals["best"] == frame["best"].sum()
    assert totals["low"] == figures.min(axis=1).sum()
    assert totals["high"] == figures.max(axis=1).sum()
    assert totals["civilians"] == frame["deaths_civilians"].sum()
    splits = list(Incident.objects.values_list("casualty_split", flat=True))
    assert (
        sum(s.get("killed_combatant_best", 0) for s in splits)
        == (frame["deaths_a"] + frame["deaths_b"]).sum()
    )
    assert sum(s.get("killed_unknown_best", 0) for s in splits) == frame["deaths_unknown"].sum()
    reports = Report.objects.aggregate(killed=Sum("killed"), civilians=Sum("civilians_killed"))
    assert reports == {"killed": frame["best"].sum(), "civilians": frame["deaths_civilians"].sum()}


def test_the_summary_counts_the_warnings(release):
    result = run_import("ucdp", release)
    assert f"warnings: {len(result.warnings)}" in result.summary_lines()
