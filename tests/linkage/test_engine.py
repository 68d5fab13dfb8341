"""The linkage engine: which reports describe the same incident (plain Python, no database)."""

import datetime
import random

import pytest

from vigie.linkage.engine import (
    ACTOR_INCOMPATIBLE,
    ACTOR_SAME,
    FIELDS,
    SAME_CERCLE,
    LinkReport,
    event_type,
    link,
    resolve_actors,
    score_pair,
)
from vigie.linkage.reference import default_reference

pytestmark = pytest.mark.engine  # plain Python, no database: runs once, in the SQLite pass

DAY = datetime.date(2019, 1, 1)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def together(result, *ids: str) -> bool:
    return len({result.incident_of[i] for i in ids}) == 1


def test_reference_loads_aliases_and_alt_names():
    ref = default_reference()
    assert ref.actor_by_alias["katiba massina"].key == "katiba_macina"
    assert ref.actor_by_alias["katiba massina"].parent == "jnim"
    assert ref.actor_by_alias["forces armees maliennes"].key == "fama"
    (place,) = ref.places_by_name["ogossogou"]  # an alt name
    assert place.code == "MLI.mopti.bankass.loc.ogossagou"
    assert place.kind == "locality" and place.parent_code == "MLI.mopti.bankass.bankass"
    assert place.latitude == pytest.approx(14.12)


def test_commune_and_village_two_days_apart_from_different_sources_join():
    reports = [
        LinkReport(
            "radio-1",
            "Radio Kledu",
            DAY,
            location="Koulogon Habbé",
            perpetrator="Dan Na Ambassagou",
            event_label="massacre",
            killed=37,
        ),
        LinkReport(
            "ocha-1",
            "OCHA",
            DAY + days(2),
            location="Koulogon-Peul",
            perpetrator="Dan Na Amassagou",
            event_label="attaque",
            killed=39,
        ),
    ]
    result = link(reports)
    assert together(result, "radio-1", "ocha-1")
    (pair,) = result.pairs
    assert (
        pair.weights["distance"] > 0
    )  # the village lies in the commune: compared at commune level
    assert pair.weights["actor"] == ACTOR_SAME


def test_two_incidents_same_day_same_cercle_different_perpetrators_stay_apart():
    reports = [
        LinkReport(
            "a",
            "Radio A",
            DAY,
            location="Ogossagou",
            admin2="Bankass",
            perpetrator="Dan Na Ambassagou",
            event_label="attaque",
            killed=20,
        ),
        LinkReport(
            "b",
            "Radio B",
            DAY,
            location="Diallassagou",
            admin2="Bankass",
            perpetrator="Katiba Macina",
            event_label="attack",
            killed=22,
        ),
    ]
    result = link(reports)
    assert result.comparisons == 1  # same cercle, same day: compared...
    assert not together(result, "a", "b")  # ...but not joined


def test_two_reports_from_the_same_source_never_join():
    same = dict(
        location="Ogossagou", perpetrator="Dan Na Ambassagou", event_label="massacre", killed=160
    )
    reports = [
        LinkReport("s1", "MINUSMA", DAY, **same),
        LinkReport("s2", "minusma ", DAY, **same),  # the same source, spelt differently
        LinkReport("o1", "HRW", DAY, **same),
    ]
    result = link(reports)
    assert not together(result, "s1", "s2")
    assert together(result, "s1", "o1") or together(result, "s2", "o1")
    same_source = next(p for p in result.pairs if {p.a, p.b} == {"s1", "s2"})
    assert same_source.weights["same_source"] < 0


def test_fama_and_jnim_at_the_same_place_and_day_are_not_joined():
    reports = [
        LinkReport(
            "army",
            "Communiqué FAMa",
            DAY,
            location="Ogossagou",
            perpetrator="JNIM",
            event_label="attaque",
            killed=12,
        ),
        LinkReport(
            "ngo",
            "Partner note",
            DAY,
            location="Ogossagou",
            perpetrator="FAMa",
            event_label="attack",
            killed=12,
        ),
    ]
    result = link(reports)
    assert not together(result, "army", "ngo")
    pair = score_pair(*reports)
    assert pair.weights["actor"] == ACTOR_INCOMPATIBLE
    assert pair.weights["date"] > 0 and pair.weights["place_name"] > 0  # everything else agrees


def test_child_actor_agrees_with_parent_and_unidentified_is_neutral():
    a = LinkReport(
        "a", "X", DAY, location="Ogossagou", perpetrator="jihadistes de la Katiba Macina"
    )
    b = LinkReport("b", "Y", DAY, location="Ogossagou", perpetrator="GSIM")
    c = LinkReport("c", "Z", DAY, location="Ogossagou", perpetrator="terroristes")
    assert score_pair(a, b).weights["actor"] == ACTOR_SAME
    assert score_pair(a, c).weights["actor"] == 0.0
    assert {key for key, _ in resolve_actors("FAMa et Wagner")} == {"fama", "wagner_group"}


def test_weights_are_explained_and_sum_to_the_score():
    reports = [
        LinkReport(
            "a", "X", DAY, location="Ogossagou", perpetrator="JNIM", event_label="attack", killed=5
        ),
        LinkReport(
            "b",
            "Y",
            DAY + days(1),
            location="Ogossogou",
            perpetrator="Katiba Macina",
            event_label="attaque",
            killed=6,
        ),
        LinkReport(
            "c",
            "X",
            DAY + days(1),
            location="Bankass",
            perpetrator="FAMa",
            event_label="frappe aérienne",
        ),
    ]
    result = link(reports)
    assert result.pairs
    for pair in result.pairs:
        assert set(pair.weights) == set(FIELDS)
        assert pair.score == pytest.approx(sum(pair.weights.values()))
    best = result.pairs[0]
    assert {best.a, best.b} == {"a", "b"} and best.weights["place_name"] == 2.5  # alt-name spelling


@pytest.mark.parametrize(
    "label, expected",
    [
        ("massacre", "massacre"),
        ("tuerie", "massacre"),
        ("attaque", "attack"),
        ("attack", "attack"),
        ("frappe aérienne", "airstrike"),
        ("air strike", "airstrike"),
        ("Air/drone strike", "airstrike"),
        ("enlèvement", "abduction"),
        ("abduction", "abduction"),
        ("embuscade", "ambush"),
        ("ambush", "ambush"),
        ("affrontement", "clash"),
        ("clash", "clash"),
        ("Armed clash", "clash"),
        ("attaque à l'engin explosif", "explosive"),
        ("", ""),
    ],
)
def test_french_and_english_event_labels(label, expected):
    assert event_type(label) == expected


def test_french_and_english_labels_of_one_incident_join_and_different_types_count_against():
    fr = LinkReport(
        "fr", "Studio Tamani", DAY, location="Bankass", event_label="frappe aérienne", killed=8
    )
    en = LinkReport("en", "ACLED", DAY, location="Bankass", event_label="air strike", killed=9)
    other = LinkReport("ab", "Radio", DAY, location="Bankass", event_label="enlèvement")
    assert together(link([fr, en]), "fr", "en")
    assert score_pair(fr, en).weights["type"] > 0
    assert score_pair(fr, other).weights["type"] < 0


def test_a_cercle_only_report_and_a_point_in_that_cercle_can_join():
    broad = LinkReport(
        "broad",
        "Gouvernement",
        DAY,
        admin2="Djenné",
        perpetrator="Forces armées maliennes",
        event_label="tuerie",
        killed=300,
    )
    point = LinkReport(
        "point",
        "HRW",
        DAY + days(1),
        latitude=14.05,
        longitude=-4.35,  # near Moura
        perpetrator="FAMa et Wagner",
        event_label="massacre",
        killed=350,
    )
    result = link([broad, point])
    assert result.comparisons == 1
    assert together(result, "broad", "point")
    # the broad report is compared at cercle level, not as a point at the cercle's chief town
    assert result.pairs[0].weights["distance"] == SAME_CERCLE


def test_far_apart_or_unplaced_reports_are_not_compared_but_are_labelled():
    reports = [
        LinkReport("mopti", "A", DAY, location="Ogossagou"),
        LinkReport("kidal", "B", DAY, location="Kidal"),
        LinkReport("later", "C", DAY + days(30), location="Ogossagou"),
        LinkReport("nowhere", "D", DAY),
    ]
    result = link(reports)
    assert result.comparisons == 0
    assert set(result.incident_of) == {"mopti", "kidal", "later", "nowhere"}
    assert len(set(result.incident_of.values())) == 4


def _synthetic(n: int, seed: int = 7, span_days: int = 730) -> list[LinkReport]:
    rng = random.Random(seed)
    cercles = ["Bankass", "Bandiagara", "Koro", "Djenné", "Mopti", "Douentza", "Ténenkou", "Ségou"]
    actors = [
        "JNIM",
        "FAMa",
        "Dan Na Ambassagou",
        "Islamic State Sahel Province",
        "hommes armés",
        "",
    ]
    labels = ["attaque", "attack", "massacre", "enlèvement", "embuscade", "frappe aérienne", ""]
    return [
        LinkReport(
            f"r{i:05d}",
            f"source-{rng.randrange(12)}",
            DAY + days(rng.randrange(span_days)),
            admin2=rng.choice(cercles),
            perpetrator=rng.choice(actors),
            event_label=rng.choice(labels),
            killed=rng.choice([None, 0, 1, 3, 10, 25]),
        )
        for i in range(n)
    ]


def test_blocking_keeps_comparisons_about_linear():
    reports = _synthetic(2000)
    result = link(reports)
    n = len(reports)
    assert result.comparisons < 20 * n
    assert result.comparisons < (n * n / 2) / 100
    assert len(result.incident_of) == n
    # twice the reports over twice the time (the same density): about twice the work, not four times
    doubled = link(_synthetic(2 * n, seed=8, span_days=2 * 730))
    assert doubled.comparisons < 2.5 * result.comparisons


def test_output_is_deterministic_and_labelled_by_earliest_report():
    reports = _synthetic(300, seed=3)
    first = link(reports)
    shuffled = list(reports)
    random.Random(1).shuffle(shuffled)
    second = link(shuffled)
    assert first.incident_of == second.incident_of
    assert [(p.a, p.b, p.score) for p in first.pairs] == [(p.a, p.b, p.score) for p in second.pairs]
    earliest = min(reports, key=lambda r: (r.event_date, r.report_id))
    assert first.incident_of[earliest.report_id] == "I000001"
    for incident, ids in first.incidents().items():  # no incident holds two reports of one source
        sources = [next(r.source for r in reports if r.report_id == i) for i in ids]
        assert len(sources) == len(set(sources)), incident


def test_duplicate_report_ids_are_refused():
    with pytest.raises(ValueError):
        link([LinkReport("x", "A", DAY), LinkReport("x", "B", DAY)])
