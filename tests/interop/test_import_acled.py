"""ACLED imports: one incident per event, whatever the export's form, columns or vocabulary."""

import csv
from collections import Counter

import pytest

from vigie.actors.classify import category_from_acled_inter
from vigie.actors.directory import ActorDirectory
from vigie.actors.models import Actor
from vigie.core.models import ChangeLogEntry
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.interop.loader import run_import
from vigie.interop.models import ImportRun
from vigie.reports.models import Report
from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.django_db


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def incidents_by_event() -> dict[str, dict]:
    """event id -> what a user sees of the incident: figures, actors with category, violations."""
    found = {}
    reports = Report.objects.filter(source__slug="acled", is_current=True).select_related(
        "incident"
    )
    for report in reports:
        incident = report.incident
        actors = Counter(
            (link.actor.name, link.actor.category, link.primary)
            for link in IncidentActor.objects.filter(incident=incident).select_related("actor")
        )
        found[report.external_id] = {
            "killed": (incident.killed_low, incident.killed_best, incident.killed_high),
            "civilians": incident.killed_civilian_best,
            "actors": actors,
            "violations": set(incident.violations.values_list("violation", flat=True)),
            "type": (incident.event_type, incident.sub_event_type),
            "date": incident.date_start,
            "admin1": incident.admin1.name if incident.admin1 else None,
        }
    return found


def test_dyadic_export_gives_one_incident_per_event_with_exact_fatalities(acled_file):
    path = acled_file(300)
    rows = read_rows(path)
    result = run_import("acled", path)
    assert result.rows_read == 300 and result.created == 300 and result.rejected_rows == 0
    assert Incident.objects.count() == 300
    assert Report.objects.filter(source__slug="acled").count() == 300
    total = sum(int(row["fatalities"]) for row in rows)
    assert sum(Incident.objects.values_list("killed_best", flat=True)) == total
    run = ImportRun.objects.get(pk=result.run_id)
    assert (run.rows_read, run.incidents_created, run.rows_rejected) == (300, 300, 0)


@pytest.mark.parametrize(
    "columns,inter_as", [("legacy", "numbers"), ("current", "words"), ("legacy", "words")]
)
def test_monadic_export_equals_the_dyadic_one(acled_file, django_db_blocker, columns, inter_as):
    events = list(synthetic.acled_events(250, seed=7))
    dyadic = acled_file(name="dyadic.csv")
    synthetic.write_acled(dyadic, events, form="dyadic", columns=columns, inter_as=inter_as, seed=7)
    monadic = dyadic.with_name("monadic.csv")
    rows_written = synthetic.write_acled(
        monadic, events, form="monadic", columns=columns, inter_as=inter_as, seed=7
    )
    assert rows_written > 250  # two rows for the two-actor events

    result = run_import("acled", monadic)
    assert result.created == 250 and result.rejected_rows == 0
    assert not [w for w in result.warnings if "only one of its rows" in w.reason]
    from_monadic = incidents_by_event()
    # Fatalities appear on both rows of an event: they must be counted once.
    monadic_rows = read_rows(monadic)
    per_event = {row["event_id_cnty"]: int(row["fatalities"]) for row in monadic_rows}
    assert sum(Incident.objects.values_list("killed_best", flat=True)) == sum(per_event.values())

    Incident.objects.all().delete()
    Report.objects.all().delete()
    result = run_import("acled", dyadic)
    assert result.created == 250
    from_dyadic = incidents_by_event()
    assert from_monadic == from_dyadic


def test_monadic_rows_without_actor2_on_any_row(acled_file, tmp_path):
    """Some monadic exports leave actor2 empty on every row: the interaction still pairs them."""
    events = list(synthetic.acled_events(120, seed=3))
    dyadic = tmp_path / "dyadic.csv"
    synthetic.write_acled(dyadic, events, form="dyadic", seed=3)
    monadic = tmp_path / "monadic.csv"
    synthetic.write_acled(monadic, events, form="monadic", seed=3)
    rows = read_rows(monadic)
    for row in rows:
        row["actor2"] = row["assoc_actor_2"] = ""
        row["inter2"] = "0"
    blanked = tmp_path / "blanked.csv"
    with open(blanked, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run_import("acled", blanked)
    from_monadic = incidents_by_event()
    Incident.objects.all().delete()
    Report.objects.all().delete()
    run_import("acled", dyadic)
    assert from_monadic == incidents_by_event()


def test_running_the_same_import_twice_changes_nothing(acled_file):
    path = acled_file(200, form="monadic", columns="legacy")
    run_import("acled", path)
    counts = (
        Incident.objects.count(),
        Report.objects.count(),
        IncidentActor.objects.count(),
        IncidentViolation.objects.count(),
        ChangeLogEntry.objects.count(),
    )
    figures = list(Incident.objects.order_by("pk").values_list("pk", "killed_best", "updated"))
    again = run_import("acled", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 200)
    assert counts == (
        Incident.objects.count(),
        Report.objects.count(),
        IncidentActor.objects.count(),
        IncidentViolation.objects.count(),
        ChangeLogEntry.objects.count(),
    )
    assert figures == list(
        Incident.objects.order_by("pk").values_list("pk", "killed_best", "updated")
    )


def test_the_same_events_in_another_layout_are_unchanged(acled_file, tmp_path):
    events = list(synthetic.acled_events(150, seed=11))
    first = tmp_path / "numbers.csv"
    synthetic.write_acled(first, events, seed=11)
    second = tmp_path / "words-shuffled.csv"
    synthetic.write_acled(
        second, events, inter_as="words", shuffle_columns=True, upper_case_header=True, seed=11
    )
    run_import("acled", first)
    result = run_import("acled", second)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 150)


def _rewrite(path, out, change):
    rows = read_rows(path)
    change(rows)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_a_newer_timestamp_updates_the_incident_and_keeps_the_history(acled_file, tmp_path):
    path = acled_file(50)
    run_import("acled", path)
    rows = read_rows(path)
    target = rows[10]["event_id_cnty"]
    old_report = Report.objects.get(external_id=target, is_current=True)
    incident = old_report.incident

    def revise(rows):
        rows[10]["fatalities"] = str(int(rows[10]["fatalities"]) + 12)
        rows[10]["timestamp"] = str(int(rows[10]["timestamp"]) + 86400)
        rows[20]["fatalities"] = str(int(rows[20]["fatalities"]) + 5)
        rows[20]["timestamp"] = str(int(rows[20]["timestamp"]) - 86400)  # an older version: ignored

    revised = _rewrite(path, tmp_path / "revised.csv", revise)
    result = run_import("acled", tmp_path / "revised.csv")
    assert (result.created, result.updated, result.unchanged, result.older) == (0, 1, 49, 1)
    incident.refresh_from_db()
    assert incident.killed_best == int(revised[10]["fatalities"])
    versions = Report.objects.filter(external_id=target).order_by("pk")
    assert [v.is_current for v in versions] == [False, True]
    assert versions[1].supersedes_id == old_report.pk and versions[1].incident_id == incident.pk
    entry = ChangeLogEntry.objects.filter(
        content_type__model="incident", object_id=incident.pk, action="update"
    ).get()
    assert entry.prechange["killed_best"] == int(rows[10]["fatalities"])
    assert entry.postchange["killed_best"] == int(revised[10]["fatalities"])
    other = Report.objects.get(external_id=rows[20]["event_id_cnty"], is_current=True).incident
    assert other.killed_best == int(rows[20]["fatalities"])


def test_actor_categories_follow_the_documented_mapping(acled_file):
    run_import("acled", acled_file(400))
    category = dict(Actor.objects.values_list("name", "category"))
    linked = set(IncidentActor.objects.values_list("actor__key", flat=True))
    expectations = {
        "Military Forces of Mali (2021-)": "state_forces",
        "Civilians (Mali)": "civilians",
        "Unidentified Armed Group (Mali)": "unidentified_armed_group",
        "Protesters (Mali)": "protesters",
    }
    directory = ActorDirectory.load()
    checked = 0
    for name, expected in expectations.items():
        actor_id = directory.find(name)
        if actor_id is not None and Actor.objects.get(pk=actor_id).incident_links.exists():
            assert directory.category(actor_id) == expected, name
            checked += 1
    assert checked >= 3
    assert linked  # every event has at least one actor
    # Rules for names the dictionary does not know (docs/formats.md):
    assert (
        category_from_acled_inter("Military Forces of Burkina Faso (2022-)", 1, "Mali")
        == "foreign_forces"
    )
    assert category_from_acled_inter("Military Forces of Mali (2021-)", 1, "Mali") == "state_forces"
    assert category_from_acled_inter("Some New Group", 2, "Mali") == "separatist_group"
    assert category_from_acled_inter("Islamic State Something", 2, "Mali") == "jihadist_group"
    assert (
        category_from_acled_inter("Unidentified Armed Group (Niger)", 3, "Mali")
        == "unidentified_armed_group"
    )
    assert (
        category_from_acled_inter("Somebody Ethnic Militia (Mali)", 4, "Mali")
        == "community_militia"
    )
    assert category_from_acled_inter("United Nations Somewhere", 8, "Mali") == "un_mission"
    assert category_from_acled_inter("Private Security Forces", 8, "Mali") == "foreign_forces"
    # Every actor in the file resolved to one category of the documented list.
    assert set(category.values()) <= {
        "state_forces",
        "foreign_forces",
        "un_mission",
        "jihadist_group",
        "separatist_group",
        "pro_government_militia",
        "community_militia",
        "political_militia",
        "criminal_group",
        "unidentified_armed_group",
        "civilians",
        "protesters",
        "rioters",
        "other",
    }


def test_regime_period_names_resolve_to_one_actor(acled_file):
    run_import("acled", acled_file(400))
    fama_names = {name for name in IncidentActor.objects.values_list("actor__name", flat=True)}
    state_actors = Actor.objects.filter(
        incident_links__isnull=False, category="state_forces"
    ).distinct()
    # "Military Forces of Mali (2013-2020)" and "(2021-)" are one actor of the dictionary, not two new ones.
    assert not Actor.objects.filter(
        needs_review=True, name__startswith="Military Forces of Mali"
    ).exists()
    assert state_actors.exists() and fama_names


def test_place_names_resolve_to_the_gazetteer_and_unknown_ones_are_flagged(acled_file):
    from vigie.places.models import Place

    run_import("acled", acled_file(300))
    regions = set(Incident.objects.values_list("admin1__name", flat=True))
    # ACLED spells Tombouctou "Timbuktu" and Ségou "Segou": both resolve to the shipped regions.
    assert regions <= set(
        Place.objects.filter(kind="region", needs_review=False).values_list("name", flat=True)
    )
    created = Place.objects.filter(needs_review=True)
    assert created.exists()  # generated village names are not in the gazetteer
    assert all(place.parent_id for place in created)
    assert not Incident.objects.filter(place__isnull=True).exists()


def test_csv_quirks_bom_cp1252_quoted_newlines_crlf(tmp_path):
    events = list(synthetic.acled_events(120, seed=5))
    for name, options in [
        ("bom.csv", {"bom": True}),
        ("cp1252.csv", {"encoding": "cp1252"}),
        ("utf16.csv", {"encoding": "utf-16"}),
        ("crlf.csv", {"line_terminator": "\r\n"}),
    ]:
        path = tmp_path / name
        synthetic.write_acled(path, events, seed=5, **options)
        result = run_import("acled", path)
        assert result.rejected_rows == 0, (name, result.problems[:3])
    assert Incident.objects.count() == 120
    with_newline = {event.event_id_cnty for event in events if "\n" in event.notes}
    stored = {r.external_id for r in Report.objects.filter(is_current=True) if "\n" in r.text}
    assert with_newline == stored
    assert Report.objects.filter(is_current=True).count() == 120


@pytest.mark.slow  # starts a worker process
def test_parsing_in_a_worker_process_gives_the_same_result(acled_file):
    path = acled_file(200, form="monadic")
    inline = run_import("acled", path, parallel=False)
    snapshot = incidents_by_event()
    Incident.objects.all().delete()
    Report.objects.all().delete()
    worker = run_import("acled", path, parallel=True)
    assert (inline.rows_read, inline.created) == (worker.rows_read, worker.created)
    assert incidents_by_event() == snapshot


def test_bulk_mode_rebuilds_every_index(acled_file, monkeypatch):
    from django.db import connection

    from vigie.interop import loader

    def definitions():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                )
                indexes = {row[0] for row in cursor.fetchall()}
                cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'f'")
                return indexes | {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            return {row[0] for row in cursor.fetchall()}

    before = definitions()
    monkeypatch.setattr(loader, "BULK_MODE_ROWS", 1)
    result = run_import("acled", acled_file(300), batch_size=50)
    assert result.created == 300
    assert definitions() == before
    assert (
        Incident.objects.count() == 300
        and IncidentActor.objects.filter(incident__isnull=True).count() == 0
    )


def test_reports_keep_the_row_as_it_came(acled_file):
    path = acled_file(20, columns="legacy")
    run_import("acled", path)
    rows = {row["event_id_cnty"]: row for row in read_rows(path)}
    for report in Report.objects.all():
        row = rows[report.external_id]
        assert report.text == row["notes"]
        assert report.raw_rows() == [row]
        assert report.original_source == row["source"]


def test_import_is_logged(acled_file):
    result = run_import("acled", acled_file(30))
    entry = ChangeLogEntry.objects.get(
        action="create", content_type__model="importrun", object_id=result.run_id
    )
    assert entry.origin == "import" and entry.postchange["incidents_created"] == 30
    logged = {i for start, end in entry.postchange["incident_ids"] for i in range(start, end + 1)}
    assert logged == set(Incident.objects.values_list("pk", flat=True))
