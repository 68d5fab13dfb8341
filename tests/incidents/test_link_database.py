"""`vigie link`: the engine on the reports of the database, with the review queue."""

import pytest
from click.testing import CliRunner

from vigie.cli import main
from vigie.demo.loader import DEMO_REPORTS, write_without_keys
from vigie.incidents.choices import PairStatus
from vigie.incidents.models import Incident, LinkageRun, LinkPair
from vigie.incidents.services import link_database
from vigie.interop.loader import run_import
from vigie.linkage.evaluation import bcubed_scores, pairwise_scores
from vigie.reports.models import Report

pytestmark = pytest.mark.django_db


def import_without_keys(tmp_path):
    """The demo's real incidents, each report on its own: the file's incident keys are the truth."""
    path = tmp_path / "reports.csv"
    truth = write_without_keys(path)
    result = run_import("reports", path, visibility="public")
    assert result.rejected_rows == 0
    return truth


def predicted():
    return {
        external: str(incident)
        for external, incident in Report.objects.filter(is_current=True).values_list(
            "external_id", "incident_id"
        )
    }


def test_linking_the_demo_reports_recovers_the_real_incidents(tmp_path):
    truth = import_without_keys(tmp_path)
    assert Incident.objects.count() == len(truth)  # one incident per report before linking
    run = link_database()
    assert run.merges > 0 and run.reports == len(truth)
    found = predicted()
    assert pairwise_scores(truth, found).f1 >= 0.93, pairwise_scores(truth, found)
    assert bcubed_scores(truth, found).f1 >= 0.93
    live = Incident.objects.filter(merged_into__isnull=True)
    assert live.count() <= len(set(truth.values())) + 2
    for incident in live:
        assert incident.grade  # every incident graded
    # the pairs that joined them are kept, with each field's weight
    joined = LinkPair.objects.filter(status=PairStatus.LINKED).first()
    assert joined is not None and set(joined.weights) >= {"date", "distance", "actor"}
    assert joined.score == pytest.approx(sum(joined.weights.values()), abs=1e-3)


def test_linking_twice_changes_nothing_and_new_reports_attach(tmp_path):
    import_without_keys(tmp_path)
    link_database()
    first = predicted()
    pairs = LinkPair.objects.count()
    second_run = link_database()
    assert second_run.reports == 0 and predicted() == first and LinkPair.objects.count() == pairs
    # a new report of Ogossagou attaches to the existing incident
    path = tmp_path / "new.csv"
    with open(DEMO_REPORTS, encoding="utf-8", newline="") as handle:
        header = handle.readline()
    ogossagou = Report.objects.filter(
        location_text__icontains="Ogossagou", date_start__year=2019
    ).first()
    path.write_text(
        header
        + "new-1,Radio Guintan,media,fr,2019-03-25,2019-03-23,,day,Ogossagou,,Bankass,Mopti,Mali,"
        ",,exact,chasseurs dozos,Peuls,Violence against civilians,Attack,killing,massacre,160,,,,,,,,,\n",
        encoding="utf-8",
    )
    run_import("reports", path, visibility="public")
    run = link_database()
    assert run.reports == 1
    new = Report.objects.get(external_id="new-1")
    assert new.incident_id == ogossagou.incident_id


def test_review_pairs_and_the_link_command(tmp_path):
    import_without_keys(tmp_path)
    result = CliRunner().invoke(main, ["link"])
    assert result.exit_code == 0, result.output
    assert "reports linked" in result.output
    run = LinkageRun.objects.get()
    assert run.model  # the weights used are kept with the run
    for pair in LinkPair.objects.filter(status=PairStatus.REVIEW):
        a, b = Report.objects.get(pk=pair.report_a_id), Report.objects.get(pk=pair.report_b_id)
        assert a.incident_id != b.incident_id


def test_the_incident_page_shows_pairs_grade_and_rule(tmp_path, client):
    import_without_keys(tmp_path)
    link_database()
    incident = Incident.objects.filter(
        merged_into__isnull=True,
        reports__location_text__icontains="Ogossagou",
        date_start__year=2019,
    ).first()
    page = client.get(f"/en/incidents/{incident.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Why these reports were joined" in text and incident.get_grade_display() in text
    assert incident.grade_reason in text
    pair = LinkPair.objects.filter(status=PairStatus.LINKED, report_a__incident=incident).first()
    assert f"{pair.score:.1f}" in text
