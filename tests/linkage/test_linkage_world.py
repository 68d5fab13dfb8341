"""The linkage benchmark's world: real places, split vocabularies, distinct families (no database)."""

import csv
import math
from collections import Counter

import pytest

from vigie.core.text import normalize_name
from vigie_testing.linkage_world import (
    COLUMNS,
    FAMILIES,
    HELDOUT_FAMILIES,
    PLACES_TSV,
    TUNING_FAMILIES,
    VOCABULARIES,
    generate,
    incidents,
    places,
    vocabulary,
)

pytestmark = pytest.mark.engine  # plain Python, no database: runs once, in the SQLite pass

N = 150


def tsv_rows() -> list[dict[str, str]]:
    with PLACES_TSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def texts(entry: dict, half: str) -> set[str]:
    """Every string of one half of a vocabulary entry ({half: {lang: [...]}}), normalised."""
    return {normalize_name(text) for words in entry[half].values() for text in words}


def half_texts(half: str) -> set[str]:
    vocab = vocabulary()
    found: set[str] = set()
    for section in ("kinds", "actors", "targets"):
        for entry in vocab[section].values():
            found |= texts(entry, half)
    for key, entry in vocab["generic"].items():
        if key != "about":
            found |= texts(entry, half)
    return found


def test_same_seed_same_file_other_seed_other_file():
    for family in FAMILIES:
        first = generate(N, seed=3, family=family, vocabulary_half="heldout")
        assert generate(N, seed=3, family=family, vocabulary_half="heldout") == first
        assert generate(N, seed=4, family=family, vocabulary_half="heldout") != first
        rows, truth = first
        assert set(truth) == {row["report_id"] for row in rows}
        assert all(tuple(row) == COLUMNS for row in rows)


def test_families_and_halves_of_a_seed_report_the_same_incidents():
    made = incidents(N, seed=5)
    assert len(made) == N and made == incidents(N, seed=5)
    ids = {incident.id for incident in made}
    for family in FAMILIES:
        for half in VOCABULARIES:
            rows, truth = generate(N, seed=5, family=family, vocabulary_half=half)
            # 1 to 6 sources each: every incident reported, never more than 6 times
            counts = Counter(truth.values())
            assert set(counts) == ids and max(counts.values()) <= 6
            sources = Counter((truth[r["report_id"]], r["source"]) for r in rows)
            assert max(sources.values()) == 1  # one report per source and incident


def test_every_place_is_a_place_of_the_shared_gazetteer():
    by_id = {row["geonameid"]: row for row in tsv_rows()}
    assert len(by_id) > 14_000
    world = places()
    assert len(world) > 4_000
    for place in world:
        row = by_id[place.geonameid]
        assert (place.name, place.latitude, place.longitude) == (
            row["name"],
            float(row["latitude"]),
            float(row["longitude"]),
        )
        assert (place.commune.name, place.cercle, place.region) == (
            row["commune"],
            row["cercle"],
            row["region"],
        )
        assert place.region in ("Mopti", "Segou")
        assert set(place.alternatenames) <= set(row["alternatenames"].split(","))
    made = incidents(2_000, seed=0)
    assert {incident.place.geonameid for incident in made} <= set(by_id)
    # Dense as central Mali was: several incidents a day, many in the same cercle.
    days = (max(i.day for i in made) - min(i.day for i in made)).days + 1
    assert 2 <= len(made) / days <= 4
    same_day_and_cercle = Counter((i.day, i.place.cercle) for i in made)
    assert sum(n for n in same_day_and_cercle.values() if n > 1) > 0.3 * len(made)


def test_reported_places_are_spellings_of_real_places():
    rows = tsv_rows()
    names = {normalize_name(r["commune"]) for r in rows}
    for r in rows:
        names.add(normalize_name(r["name"]))
        names |= {normalize_name(a) for a in r["alternatenames"].split(",") if a}
    regions = vocabulary()["regions"]
    names |= {
        normalize_name(n) for key, spellings in regions.items() if key != "about" for n in spellings
    }
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for r in rows:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        grid.setdefault((round(lat * 100), round(lon * 100)), []).append((lat, lon))
    reports, _ = generate(N, seed=1, family="coded", vocabulary_half="build")  # coded: no typos
    for report in reports:
        assert normalize_name(report["location"]) in names, report["location"]
        if report["geo_precision"] == "point":  # off by at most 0.3 km from a real place
            lat, lon = float(report["latitude"]), float(report["longitude"])
            cell = (round(lat * 100), round(lon * 100))
            near = [
                p
                for i in (-1, 0, 1)
                for j in (-1, 0, 1)
                for p in grid.get((cell[0] + i, cell[1] + j), ())
            ]
            nearest = min(
                math.hypot(lat - a, (lon - b) * math.cos(math.radians(lat))) for a, b in near
            )
            assert nearest * 111.32 <= 0.31


def test_build_and_heldout_vocabularies_are_disjoint():
    build, heldout = half_texts("build"), half_texts("heldout")
    assert len(build) > 100 and len(heldout) > 100
    assert not build & heldout
    vocab = vocabulary()
    for section in ("kinds", "actors"):
        for entry in vocab[section].values():
            for half in VOCABULARIES:
                assert entry[half]["fr"] and entry[half]["en"]


def test_a_heldout_file_uses_only_heldout_words():
    build, heldout = half_texts("build"), half_texts("heldout")
    for half, own, other in (("heldout", heldout, build), ("build", build, heldout)):
        reports, _ = generate(N, seed=2, family="coded", vocabulary_half=half)  # no typos
        for report in reports:
            for column in ("event_label", "perpetrator", "target"):
                word = normalize_name(report[column])
                if word:
                    assert word in own and word not in other, (column, report[column])


def test_families_differ_in_their_noise():
    def stats(family: str) -> dict[str, float]:
        reports, _ = generate(400, seed=0, family=family, vocabulary_half="build")
        known = half_texts("build")
        n = len(reports)
        return {
            "coordinates": sum(bool(r["latitude"]) for r in reports) / n,
            "no cercle": sum(not r["admin2"] for r in reports) / n,
            "no actor": sum(not r["perpetrator"] for r in reports) / n,
            "no toll": sum(not r["killed"] for r in reports) / n,
            "label typos": sum(
                bool(r["event_label"]) and normalize_name(r["event_label"]) not in known
                for r in reports
            )
            / n,
            "vague dates": sum(r["date_precision"] != "day" for r in reports) / n,
        }

    wire, local, social, coded = (stats(f) for f in ("wire", "local", "social", "coded"))
    assert coded["coordinates"] > local["coordinates"] > wire["coordinates"] > social["coordinates"]
    assert (
        social["no cercle"] > max(wire["no cercle"], local["no cercle"]) and not coded["no cercle"]
    )
    assert social["no actor"] > 2 * max(wire["no actor"], local["no actor"], coded["no actor"])
    assert social["no toll"] > local["no toll"] > coded["no toll"]
    assert social["label typos"] > local["label typos"] > coded["label typos"] == 0
    assert coded["vague dates"] > local["vague dates"] > wire["vague dates"] == 0
    assert set(TUNING_FAMILIES) | set(HELDOUT_FAMILIES) == set(FAMILIES)
    assert not set(TUNING_FAMILIES) & set(HELDOUT_FAMILIES)
