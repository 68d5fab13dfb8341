"""An actor's category in an event depends on the event's country, not on the order of the rows: a state's
forces are state forces at home and foreign forces elsewhere. Fields that list several actors are split."""

import csv

import pytest

from vigie.actors.models import Actor
from vigie.incidents.models import Incident, IncidentActor
from vigie.interop.loader import run_import
from vigie.interop.models import ImportRun
from vigie.reports.models import Report
from vigie_testing import acled_ucdp as synthetic

pytestmark = pytest.mark.django_db

ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "timestamp",
]
ACLED_ROWS = [
    [
        "RUS1",
        "2022-03-01",
        "Battles",
        "Armed clash",
        "Military Forces of Russia (2000-)",
        "",
        "1",
        "Rebel Group (Russia)",
        "",
        "2",
        "12",
        "Russia",
        "Belgorod",
        "Belgorod",
        "50.6",
        "36.6",
        "2",
        "1700000000",
    ],
    [
        "LBN1",
        "2023-11-01",
        "Explosions/Remote violence",
        "Air/drone strike",
        "Military Forces of Israel (2022-)",
        "",
        "8",
        "Hezbollah",
        "",
        "2",
        "28",
        "Lebanon",
        "South",
        "Aitaroun",
        "33.1",
        "35.4",
        "3",
        "1700000000",
    ],
    [
        "LBN2",
        "2023-11-02",
        "Battles",
        "Armed clash",
        "Hezbollah",
        "",
        "3",
        "Military Forces of Israel (2022-)",
        "",
        "8",
        "38",
        "Lebanon",
        "South",
        "Aitaroun",
        "33.1",
        "35.4",
        "1",
        "1700000000",
    ],
    [
        "ISR1",
        "2023-10-20",
        "Battles",
        "Armed clash",
        "Military Forces of Israel (2022-)",
        "",
        "1",
        "Hamas",
        "",
        "2",
        "12",
        "Israel",
        "Southern",
        "Sderot",
        "31.5",
        "34.6",
        "5",
        "1700000000",
    ],
    [
        "BGD1",
        "2024-01-05",
        "Riots",
        "Violent demonstration",
        "Supporters of Jamaat-e-Islami",
        "",
        "3",
        "Police Forces of Bangladesh (2009-)",
        "",
        "1",
        "13",
        "Bangladesh",
        "Dhaka",
        "Dhaka",
        "23.8",
        "90.4",
        "0",
        "1700000000",
    ],
    [
        "MLI1",
        "2019-03-23",
        "Battles",
        "Armed clash",
        "GATIA",
        "MSA, Military Forces of Mali (2021-)",
        "3",
        "Islamic State (Greater Sahara)",
        "",
        "2",
        "23",
        "Mali",
        "Menaka",
        "Menaka",
        "15.9",
        "2.4",
        "4",
        "1700000000",
    ],
]

UCDP_ROWS = [  # id, side_a, side_b, country, type_of_violence
    ("900001", "Government of Russia (Soviet Union)", "IS", "Russia", "1"),
    ("900002", "Government of Israel", "Hezbollah", "Lebanon", "1"),
    ("900003", "Government of Israel", "Hamas", "Israel", "1"),
    ("900004", "GATIA, MSA", "IS", "Mali", "2"),
    ("900005", "Government of Mali", "Civilians", "Mali", "3"),
]


def write_acled(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_HEADER)
        writer.writerows(rows)
    return path


def write_ucdp(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=synthetic.UCDP_GED_COLUMNS, restval="")
        writer.writeheader()
        for event_id, side_a, side_b, country, violence in rows:
            writer.writerow(
                {
                    "id": event_id,
                    "side_a": side_a,
                    "side_b": side_b,
                    "country": country,
                    "type_of_violence": violence,
                    "date_start": "2023-06-01",
                    "date_end": "2023-06-01",
                    "best": "3",
                    "low": "2",
                    "high": "4",
                    "date_prec": "1",
                    "where_prec": "6",
                }
            )
    return path


def categories_by_event():
    """(event id, actor name) -> the actor's category in that event; actor name -> its own category."""
    links = IncidentActor.objects.select_related("actor").prefetch_related("incident__reports")
    in_event = {}
    for link in links:
        event = link.incident.reports.get().external_id
        in_event[(event, link.actor.name)] = link.category or link.actor.category
    return in_event, dict(
        Actor.objects.filter(incident_links__isnull=False).values_list("name", "category")
    )


@pytest.mark.parametrize("format_name", ["acled", "ucdp"])
def test_the_same_rows_in_two_orders_give_the_same_categories(format_name, tmp_path):
    write = write_acled if format_name == "acled" else write_ucdp
    rows = ACLED_ROWS if format_name == "acled" else UCDP_ROWS
    outcomes = []
    for name, ordered in (("forward.csv", rows), ("backward.csv", rows[::-1])):
        result = run_import(format_name, write(tmp_path / name, ordered))
        assert result.rejected_rows == 0, result.problems
        outcomes.append(categories_by_event())
        Report.objects.all().delete()
        ImportRun.objects.all().delete()
        Incident.objects.all().delete()
        Actor.objects.filter(needs_review=True).delete()
    assert outcomes[0] == outcomes[1]
    in_event, own = outcomes[0]
    if format_name == "acled":
        assert (
            in_event[("RUS1", "Military Forces of Russia")] == "state_forces"
        )  # the dictionary's actor
        assert in_event[("LBN1", "Military Forces of Israel (2022-)")] == "foreign_forces"
        assert in_event[("ISR1", "Military Forces of Israel (2022-)")] == "state_forces"
        assert own["Military Forces of Israel (2022-)"] == "state_forces"
        # Hezbollah is a rebel group (inter 2) in one event and a political militia (3) in the other:
        # in each event, its category there; its own, the same whatever the order.
        assert (in_event[("LBN1", "Hezbollah")], in_event[("LBN2", "Hezbollah")]) == (
            "separatist_group",
            "political_militia",
        )
        assert own["Hezbollah"] == "political_militia"
        assert in_event[("BGD1", "Supporters of Jamaat-e-Islami")] == "political_militia"
        # "MSA, Military Forces of Mali (2021-)" is two associated actors: MSA and FAMa (the dictionary's names)
        mali = sorted(name.split(" (")[0] for event, name in in_event if event == "MLI1")
        assert mali == ["FAMa", "GATIA", "Islamic State Sahel Province", "MSA"]
    else:
        assert in_event[("900002", "Government of Israel")] == "foreign_forces"
        assert in_event[("900003", "Government of Israel")] == "state_forces"
        assert own["Government of Israel"] == "state_forces"
        assert in_event[("900001", "Military Forces of Russia")] == "state_forces"
        assert sorted(name.split(" (")[0] for event, name in in_event if event == "900004") == [
            "GATIA",
            "Islamic State",
            "MSA",
        ]


def test_the_category_filter_reads_the_category_in_the_event(tmp_path):
    from vigie.incidents.filtersets import IncidentFilterSet

    run_import("ucdp", write_ucdp(tmp_path / "ged.csv", UCDP_ROWS))
    foreign = IncidentFilterSet(
        {"actor_category": ["foreign_forces"]}, queryset=Incident.objects.all()
    ).qs
    ids = set(foreign.values_list("reports__external_id", flat=True))
    assert "900002" in ids and "900003" not in ids


def test_a_new_states_forces_are_state_forces_of_their_country(tmp_path):
    """A state's forces the dictionary does not know: state forces with their country's code, whichever
    row comes first; foreign forces in the incidents of another country, as the export says too."""
    from vigie.interop.exports import incident_rows

    rows = [
        ("910001", "Government of Guinea", "JNIM", "Mali", "1"),
        ("910002", "Government of Guinea", "Civilians", "Guinea", "3"),
    ]
    for order in (rows, rows[::-1]):
        run_import("ucdp", write_ucdp(tmp_path / "guinea.csv", order))
        actor = Actor.objects.get(name="Government of Guinea")
        assert (actor.category, actor.country, actor.needs_review) == ("state_forces", "GIN", True)
        links = dict(
            IncidentActor.objects.filter(actor=actor).values_list(
                "incident__reports__external_id", "category"
            )
        )
        assert links == {"910001": "foreign_forces", "910002": "state_forces"}
        exported = {row["source_ids"]: row["actor1_category"] for row in incident_rows()}
        assert exported == {"ucdp-ged:910001": "foreign_forces", "ucdp-ged:910002": "state_forces"}
        Report.objects.all().delete()
        ImportRun.objects.all().delete()
        Incident.objects.all().delete()
        Actor.objects.filter(needs_review=True).delete()
