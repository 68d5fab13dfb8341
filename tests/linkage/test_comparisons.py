"""Comparisons that do not trust what they do not know: unknown labels and actor names are no
evidence; kinds of event and perpetrators that one incident cannot be count strongly against; the
event-label vocabulary reads French, English and typos, and learns words from the data."""

import datetime

import pytest

from vigie.linkage.comparisons import (
    ACTOR_INCOMPATIBLE,
    ACTOR_SAME,
    ACTOR_SWAPPED,
    TYPE_INCOMPATIBLE,
    TYPE_RELATED,
    TYPE_SAME,
    LabelVocabulary,
    event_kind,
    resolve_actors,
)
from vigie.linkage.engine import Linker, LinkReport, link, score_pair

pytestmark = pytest.mark.engine  # plain Python, no database

DAY = datetime.date(2019, 3, 23)


def report(report_id: str, source: str, **fields) -> LinkReport:
    fields.setdefault("location", "Ogossagou")
    return LinkReport(report_id, source, fields.pop("day", DAY), **fields)


def together(result, *ids: str) -> bool:
    return len({result.incident_of[i] for i in ids}) == 1


# -- kinds of event


@pytest.mark.parametrize(
    "label, kind",
    [
        ("manifestation pacifique", "protest"),
        ("marche de protestation", "protest"),
        ("Protest march", "protest"),
        ("demonstration", "protest"),
        ("émeutes", "protest"),
        ("pillage de village", "looting"),
        ("vol de bétail", "looting"),
        ("cattle theft", "looting"),
        ("Looting/property destruction", "looting"),
        ("affrontements", "clash"),
        ("firefight", "clash"),
        ("échanges de tirs", "clash"),
        ("frappe de drone", "airstrike"),
        ("raid aérien", "airstrike"),
        ("raid on village", "attack"),
        ("tuerie", "massacre"),
        ("summary executions", "massacre"),
    ],
)
def test_french_and_english_labels_are_read_as_kinds(label, kind):
    assert event_kind(label) == (kind, 1.0)


@pytest.mark.parametrize(
    "label, kind",
    [
        ("masacre de civils", "massacre"),
        ("attaqeu de village", "attack"),
        ("embucade", "ambush"),
        ("enlevment", "abduction"),
        ("bombardemnt", "airstrike"),
        ("manifestaton", "protest"),
    ],
)
def test_labels_with_typos_are_read_with_less_confidence(label, kind):
    found, confidence = event_kind(label)
    assert found == kind
    assert 0.8 <= confidence < 1.0


def test_a_word_within_a_typo_of_another_word_of_another_initial_is_not_corrected():
    # 'village' is one letter from 'pillage' (looting): the initial must agree
    assert event_kind("attaque de village") == ("attack", 1.0)
    assert event_kind("village") == ("", 0.0)


def test_unknown_labels_are_unknown_and_neutral():
    assert event_kind("incident sécuritaire") == ("", 0.0)
    a = report("a", "X", event_label="incident sécuritaire", perpetrator="JNIM")
    b = report("b", "Y", event_label="incident sécuritaire", perpetrator="JNIM")
    c = report("c", "Z", event_label="massacre", perpetrator="JNIM")
    # the same unknown words on both sides are no evidence of one incident, nor against it
    assert score_pair(a, b).weights["type"] == 0.0
    assert score_pair(a, c).weights["type"] == 0.0


def test_the_vocabulary_learns_words_from_the_labels_it_reads():
    vocabulary = LabelVocabulary()
    assert vocabulary.kind("zorglub") == ("", 0.0)
    vocabulary.learn(["tuerie zorglub"] * 4 + ["massacre zorglub"] + ["attaque de village"] * 6)
    kind, confidence = vocabulary.kind("zorglub à Ogossagou")
    assert kind == "massacre" and 0.8 <= confidence < 1.0
    # a word seen with several kinds teaches nothing ('village' with attacks and lootings)
    vocabulary.learn(["pillage de village"] * 6)
    assert vocabulary.kind("village")[0] == ""
    # too few labels teach nothing either
    few = LabelVocabulary()
    few.learn(["tuerie zorglub"] * 2)
    assert few.kind("zorglub") == ("", 0.0)


def test_a_linker_learns_its_labels_from_the_reports():
    labels = ["tuerie zorglub"] * 5
    reports = [
        report(f"r{i}", f"S{i}", event_label=label, day=DAY + datetime.timedelta(days=10 * i))
        for i, label in enumerate(labels)
    ]
    linker = Linker()
    linker.add(reports)
    assert linker.vocabulary.kind("zorglub") == ("massacre", 0.9)


# -- incompatible kinds count strongly against


def test_a_protest_and_a_killing_the_same_day_at_the_same_place_are_not_joined():
    protest = report("p", "Radio", event_label="manifestation", perpetrator="manifestants")
    killing = report("k", "ONG", event_label="massacre", perpetrator="hommes armés", killed=12)
    killing2 = report("k2", "Presse", event_label="tuerie", killed=14)
    pair = score_pair(protest, killing)
    assert pair.weights["type"] == TYPE_INCOMPATIBLE
    assert pair.weights["date"] > 0 and pair.weights["place_name"] > 0
    result = link([protest, killing, killing2])
    assert not together(result, "p", "k") and not together(result, "p", "k2")
    assert together(result, "k", "k2")


@pytest.mark.parametrize(
    "first, second",
    [
        ("affrontements", "pillage"),
        ("battle", "looting"),
        ("protest", "armed clash"),
        ("manifestation", "frappe aérienne"),
        ("frappe de drone", "embuscade"),
    ],
)
def test_kinds_one_incident_cannot_be_count_strongly_against(first, second):
    a = report("a", "X", event_label=first)
    b = report("b", "Y", event_label=second)
    assert score_pair(a, b).weights["type"] == TYPE_INCOMPATIBLE


def test_an_airstrike_and_a_massacre_by_gunmen_are_not_one_incident():
    strike = report("s", "X", event_label="frappe aérienne", perpetrator="FAMa", killed=10)
    gunmen = report("g", "Y", event_label="massacre", perpetrator="hommes armés", killed=10)
    jihadists = report("j", "Z", event_label="massacre", perpetrator="AQIM", killed=10)
    by_army = report("a", "W", event_label="massacre", perpetrator="armée malienne", killed=10)
    assert score_pair(strike, gunmen).weights["type"] == TYPE_INCOMPATIBLE
    assert score_pair(strike, jihadists).weights["type"] == TYPE_INCOMPATIBLE
    # a strike that killed civilians is another source's massacre
    assert score_pair(strike, by_army).weights["type"] == TYPE_RELATED
    result = link([strike, gunmen])
    assert not together(result, "s", "g")


def test_kinds_read_through_a_typo_do_not_count_strongly_against():
    a = report("a", "X", event_label="manifestation")
    b = report("b", "Y", event_label="msacre")  # read at 0.86: a disagreement, not a contradiction
    weight = score_pair(a, b).weights["type"]
    assert TYPE_INCOMPATIBLE < weight < 0


def test_french_english_and_typo_labels_of_one_incident_agree():
    a = report("a", "X", event_label="massacre de civils", perpetrator="Dan Na Ambassagou")
    b = report("b", "Y", event_label="mass killing", perpetrator="Dan Na Ambassagou")
    c = report("c", "Z", event_label="masacre", perpetrator="Dan Na Ambassagou")
    assert score_pair(a, b).weights["type"] == TYPE_SAME
    assert score_pair(a, c).weights["type"] == TYPE_SAME
    assert len(set(link([a, b, c]).incident_of.values())) == 1


# -- perpetrators


def test_state_forces_and_jnim_at_the_same_place_and_day_are_not_joined():
    army = report("army", "X", perpetrator="militaires", event_label="attaque", killed=7)
    jnim = report("jnim", "Y", perpetrator="JNIM", event_label="attaque", killed=7)
    crowd = report("crowd", "Z", perpetrator="jeunes manifestants", event_label="attaque")
    assert score_pair(army, jnim).weights["actor"] == ACTOR_INCOMPATIBLE
    assert score_pair(crowd, jnim).weights["actor"] == ACTOR_INCOMPATIBLE
    assert score_pair(crowd, army).weights["actor"] == ACTOR_INCOMPATIBLE
    result = link([army, jnim])
    assert not together(result, "army", "jnim")


def test_protesters_are_recognised_in_french_and_english():
    for text in ("manifestants", "jeunes manifestants", "demonstrators", "habitants en colère"):
        assert {category for _, category in resolve_actors(text)} == {"protesters"}, text


def test_unknown_actor_names_are_neutral():
    a = report("a", "X", perpetrator="Groupe Zorglub", event_label="attaque")
    b = report("b", "Y", perpetrator="Groupe Zorglub", event_label="attaque")
    c = report("c", "Z", perpetrator="JNIM", event_label="attaque")
    assert resolve_actors("Groupe Zorglub") == frozenset()
    assert score_pair(a, b).weights["actor"] == 0.0
    assert score_pair(a, c).weights["actor"] == 0.0


def test_the_army_and_the_foreign_forces_beside_it_are_not_incompatible():
    soldiers = report("a", "X", perpetrator="soldats", event_label="opération")
    barkhane = report("b", "Y", perpetrator="Barkhane", event_label="opération")
    assert score_pair(soldiers, barkhane).weights["actor"] > ACTOR_INCOMPATIBLE


def test_a_battle_told_from_each_side_agrees_on_the_sides():
    army = report("a", "X", perpetrator="FAMa", target="JNIM", event_label="affrontements")
    other = report("b", "Y", perpetrator="JNIM", target="FAMa", event_label="combats")
    one_side = report("c", "Z", perpetrator="JNIM", event_label="combats")
    assert score_pair(army, other).weights["actor"] == ACTOR_SWAPPED
    assert score_pair(army, one_side).weights["actor"] == 0.0  # neither for nor against
    # without the target, two sides of a battle are still two perpetrators
    bare = report("d", "W", perpetrator="FAMa", event_label="affrontements")
    assert score_pair(bare, one_side).weights["actor"] == ACTOR_INCOMPATIBLE
    assert score_pair(army, bare).weights["actor"] == ACTOR_SAME


# -- learning


def test_learning_keeps_unknown_neutral_and_contradictions_strong():
    import random

    from vigie.linkage.training import estimate

    rng = random.Random(4)
    rows = []
    for _ in range(600):
        match = rng.random() < 0.3
        rows.append(
            {
                "date": 3.0 if match else rng.choice([0.0, 1.0, 2.0, 3.0]),
                "distance": 2.0 if match else rng.choice([-3.0, 0.0, 1.0]),
                "place_name": 2.5 if match else rng.choice([-3.0, 0.0]),
                # contradictions among pairs that agree on the rest: EM alone would weaken them
                "actor": rng.choice([ACTOR_SAME, ACTOR_INCOMPATIBLE, None])
                if match
                else rng.choice([ACTOR_INCOMPATIBLE, None, -3.0]),
                "type": rng.choice([TYPE_SAME, TYPE_INCOMPATIBLE, None])
                if match
                else rng.choice([TYPE_SAME, None, -1.5]),
                "casualties": None if rng.random() < 0.5 else (1.5 if match else -2.0),
                "same_source": 0.0,
            }
        )
    model = estimate(rows)
    assert model.pairs == 600
    assert model.weights["actor"][ACTOR_INCOMPATIBLE] == ACTOR_INCOMPATIBLE
    assert model.weights["type"][TYPE_INCOMPATIBLE] == TYPE_INCOMPATIBLE
    for name in ("actor", "type", "casualties"):
        assert None not in model.weights[name]
        assert model.weight(name, None) == 0.0
    assert model.weights["date"][3.0] > 0  # the other levels are learned
    # the model's JSON (kept with each run) has no null level and reads back the same
    from vigie.linkage.training import Model

    assert Model.from_json(model.as_json()).weights == model.weights


def test_actor_names_with_typos_name_the_actor_but_not_a_guess():
    assert {key for key, _ in resolve_actors("Kattiba Macina")} == {"katiba_macina"}
    assert {key for key, _ in resolve_actors("Dan Na Ambassaou")} == {"dan_na_ambassagou"}
    assert resolve_actors("Groupe Zorglub") == frozenset()  # far from every alias
    assert resolve_actors("JNMI") == frozenset()  # too short to correct
