"""`vigie link-file`: the engine on a CSV, as a researcher runs it."""

import csv

import pytest
from click.testing import CliRunner

from vigie import cli
from vigie.linkage.evaluation import exact_key_baseline, pairwise_scores
from vigie_testing.linkage_reports import generate, write_csv

pytestmark = pytest.mark.engine  # plain Python, no database: runs once, in the SQLite pass


def test_link_file_beats_the_exact_key_and_explains_its_pairs(tmp_path):
    reports, truth = generate(400, seed=5)
    source = tmp_path / "reports.csv"
    write_csv(source, reports)
    links, pairs = tmp_path / "links.csv", tmp_path / "pairs.csv"
    outcome = CliRunner().invoke(
        cli.main, ["link-file", str(source), "--output", str(links), "--pairs", str(pairs)]
    )
    assert outcome.exit_code == 0, outcome.output
    assert f"{len(reports)} reports linked into" in outcome.output
    predicted = {
        row["report_id"]: row["incident"] for row in csv.DictReader(open(links, encoding="utf-8"))
    }
    assert set(predicted) == set(truth)
    vigie = pairwise_scores(truth, predicted)
    baseline = pairwise_scores(truth, exact_key_baseline(reports))
    assert vigie.f1 > baseline.f1 + 0.3
    explained = list(csv.DictReader(open(pairs, encoding="utf-8")))
    assert explained
    fields = ["date", "distance", "place_name", "actor", "type", "casualties", "same_source"]
    for row in explained[:50]:
        assert abs(sum(float(row[f]) for f in fields) - float(row["score"])) < 0.01


def test_link_file_names_bad_rows(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(
        "report_id,source,published,event_date,location,admin1,admin2,latitude,longitude,perpetrator,target,event_label,killed\n"
        "r1,Radio,2019-03-24,2019-03-23,Ogossagou,Mopti,Bankass,,,Dozo,civils,massacre,134\n"
        "r2,MINUSMA,2019-05-02,2019-03-23,Ogossagou,Mopti,Bankass,,,Dan Na Ambassagou,Peuls,attack,157\n"
        "r3,AFP,2019-03-24,2019-31-03,Ogossagou,Mopti,Bankass,,,,,attack,160\n"
        "r1,AFP,2019-03-24,2019-03-23,Ogossagou,Mopti,Bankass,,,,,attack,160\n",
        encoding="utf-8",
    )
    links = tmp_path / "links.csv"
    outcome = CliRunner().invoke(cli.main, ["link-file", str(source), "--output", str(links)])
    assert outcome.exit_code == 2
    assert "bad.csv:line 4: column event_date:" in outcome.output
    assert "bad.csv:line 5: column report_id: already used on line 2" in outcome.output
    rows = list(csv.DictReader(open(links, encoding="utf-8")))
    assert {row["report_id"] for row in rows} == {"r1", "r2"}
    assert rows[0]["incident"] == rows[1]["incident"]  # the same massacre, two sources
