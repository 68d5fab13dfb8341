"""The Vigie reports CSV: many sources, one row each; reports with the same key form one incident."""

import pytest

from vigie.demo.loader import DEMO_REPORTS
from vigie.incidents.models import Incident
from vigie.interop.loader import run_import
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db

HEADER = (
    "report_id,source,source_kind,source_language,published,event_date,event_date_end,date_precision,"
    "location,admin3,admin2,admin1,country,latitude,longitude,geo_precision,perpetrator,target,event_type,"
    "sub_event_type,violation_types,event_label,killed,killed_low,killed_high,civilians_killed,"
    "combatants_killed,injured,abducted,url,text,incident\n"
)


def write(path, *rows):
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_demo_file_imports_with_figures_that_disagree():
    result = run_import("reports", DEMO_REPORTS, visibility="public")
    assert result.rejected_rows == 0
    assert result.created == len(set(Report.objects.values_list("incident_id", flat=True)))
    assert Incident.objects.count() >= 8
    for incident in Incident.objects.all():
        reports = incident.reports.filter(is_current=True).select_related("source")

        def best(report):  # "at least N": N is the report's best figure
            return report.killed if report.killed is not None else report.killed_low

        figures = sorted(best(r) for r in reports if best(r) is not None)
        independent = sorted(
            best(r) for r in reports if best(r) is not None and r.source.kind != "official"
        )
        assert reports.count() >= 3
        if len(figures) >= 2:
            # Never the sum of the reports: a range from the lowest to the highest, the median of the
            # independent reports as best (official statements only in the range).
            best_of = independent or figures
            assert incident.killed_best == best_of[(len(best_of) - 1) // 2]
            assert incident.killed_low <= incident.killed_best <= incident.killed_high
            assert incident.killed_high < sum(figures)
            assert incident.estimate_rule.startswith("median of")
            assert incident.killed_low == figures[0]
    assert (
        Source.objects.filter(kind="un").exists()
        and Source.objects.filter(kind="official").exists()
    )


def test_reports_with_the_same_key_join_one_incident_across_files(tmp_path):
    first = write(
        tmp_path / "a.csv",
        "r1,Radio Daande,media,fr,2019-03-24,2019-03-23,,day,Ogossagou,,Bankass,Mopti,Mali,,,exact,"
        "chasseurs dozos,villageois peuls,Violence against civilians,Attack,killing,attaque,134,,,134,,,,,,ogo",
    )
    run_import("reports", first)
    incident = Incident.objects.get()
    assert incident.killed_best == 134
    second = write(
        tmp_path / "b.csv",
        "r2,MINUSMA,un,en,2019-05-02,2019-03-23,,day,Ogossagou,,Bankass,Mopti,Mali,,,exact,"
        "Dogon militia,Fulani civilians,Violence against civilians,Attack,killing;destruction_looting,"
        "attack,157,,,157,,,,,,ogo",
    )
    result = run_import("reports", second)
    assert (result.created, result.updated) == (0, 1)
    incident.refresh_from_db()
    assert incident.reports.count() == 2
    assert (incident.killed_low, incident.killed_best, incident.killed_high) == (134, 134, 157)
    assert set(incident.violations.values_list("violation", flat=True)) == {
        "killing",
        "destruction_looting",
    }
    assert incident.admin2.name == "Bankass" and incident.place.name == "Ogossagou"
    # The target is civilians, not a militia, even when named after a community.
    categories = dict(
        incident.actor_links.filter(side=2).values_list("actor__name", "actor__category")
    )
    assert set(categories.values()) == {"civilians"}


def test_reports_file_bad_rows(tmp_path):
    path = write(
        tmp_path / "bad.csv",
        "r1,Radio,media,fr,2019-03-24,2019-03-23,,day,X,,Bankass,Mopti,Mali,,,,,,,,,,3,,,,,,,,,",
        "r2,Radio,media,fr,2019-03-24,2019-02-30,,day,X,,Bankass,Mopti,Mali,,,,,,,,,,3,,,,,,,,,",
        "r3,Radio,gossip,fr,2019-03-24,2019-03-20,,day,X,,Bankass,Mopti,Mali,,,,,,,,,,3,,,,,,,,,",
        "r4,Radio,media,fr,2019-03-24,2019-03-20,,day,X,,Bankass,Mopti,Mali,14.1,,,,,,,,,3,,,,,,,,,",
        "r5,Radio,media,fr,2019-03-24,2019-03-20,,day,X,,Bankass,Mopti,Mali,,,,,,,,torture;magic,,3,,,,,,,,,",
    )
    result = run_import("reports", path)
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "event_date"),
        (4, "source_kind"),
        (5, "longitude"),
        (6, "violation_types"),
    ]
    assert result.created == 1


def test_official_statements_are_in_the_range_not_the_best_estimate(tmp_path):
    path = write(
        tmp_path / "moura.csv",
        "a,FAMa,official,fr,2022-04-01,2022-03-23,2022-03-31,,Moura,,Djenné,Mopti,Mali,,,,FAMa,terroristes,"
        "Battles,Armed clash,,opération,203,,,,203,,,,,moura",
        "b,Human Rights Watch,ngo,en,2022-04-05,2022-03-27,2022-03-31,,Moura,,Djenné,Mopti,Mali,,,,FAMa,"
        "civilians,Violence against civilians,Attack,killing,massacre,300,,,300,,,,,,moura",
        "c,OHCHR,un,en,2023-05-12,2022-03-27,2022-03-31,,Moura,,Djenné,Mopti,Mali,,,,FAMa,civilians,"
        "Violence against civilians,Attack,killing,events,500,500,,,,,,,,moura",
        "d,Government of Mali,official,fr,2023-05-13,2022-03-23,2022-03-31,,Moura,,Djenné,Mopti,Mali,,,,FAMa,"
        ",Battles,Armed clash,,opération,,,,0,,,,,,moura",
    )
    run_import("reports", path)
    incident = Incident.objects.get(key="moura")
    assert (incident.killed_low, incident.killed_best, incident.killed_high) == (203, 300, 500)
    assert (incident.killed_civilian_low, incident.killed_civilian_best) == (0, 300)
    assert "party statements in the range only" in incident.estimate_rule
