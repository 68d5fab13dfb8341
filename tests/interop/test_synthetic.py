"""The synthetic ACLED / UCDP GED generator: formats, invariants, determinism (plain pytest, no Django)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import types
from collections import Counter, defaultdict

import pytest

from vigie_testing import acled_ucdp as syn

pytestmark = pytest.mark.engine  # plain Python, no database: runs once, in the SQLite pass

MALI_BBOX = (10.0, 25.1, -12.4, 4.4)
SUB_TO_TYPE = {sub: etype for etype, subs in syn.EVENT_TYPES.items() for sub in subs}


def acled_text(n: int = 500, seed: int = 1, **options) -> str:
    buffer = io.StringIO(newline="")
    syn.write_acled(buffer, syn.acled_events(n, seed=seed), seed=seed, **options)
    return buffer.getvalue()


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def header_of(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline="")))


# -- determinism and streaming ---------------------------------------------------------------------


def test_same_seed_gives_the_same_bytes(tmp_path):
    for options in (
        {},
        {"form": "monadic"},
        {"columns": "legacy", "inter_as": "words"},
        {"shuffle_columns": True, "date_format": "long"},
    ):
        first, second = tmp_path / "a.csv", tmp_path / "b.csv"
        syn.write_acled(first, syn.acled_events(800, seed=7), seed=7, **options)
        syn.write_acled(second, syn.acled_events(800, seed=7), seed=7, **options)
        assert first.read_bytes() == second.read_bytes(), options
    other = tmp_path / "c.csv"
    syn.write_acled(other, syn.acled_events(800, seed=8), seed=8)
    syn.write_acled(first, syn.acled_events(800, seed=7), seed=7)
    assert other.read_bytes() != first.read_bytes()

    syn.write_ucdp_ged(first, 300, seed=5)
    syn.write_ucdp_ged(second, 300, seed=5)
    assert first.read_bytes() == second.read_bytes()


def test_events_are_streamed_in_date_order():
    events = syn.acled_events(2000, seed=2, start_year=2018, end_year=2020)
    assert isinstance(events, types.GeneratorType)
    events = list(events)
    assert len(events) == 2000
    dates = [e.event_date for e in events]
    assert dates == sorted(dates)
    assert {d.year for d in dates} == {2018, 2019, 2020}
    assert all(e.year == e.event_date.year for e in events)


def test_write_returns_rows_written():
    buffer = io.StringIO(newline="")
    assert syn.write_acled(buffer, syn.acled_events(300, seed=3)) == 300
    assert len(parse(buffer.getvalue())) == 300


def test_fast_writer_writes_what_the_csv_module_would():
    events = list(syn.acled_events(3000, seed=4))
    # Awkward values anywhere, not only in notes.
    events[0].actor1 = 'Group "X"'
    events[1].location = "Upper\nLower"
    events[2].source = "AFP, Reuters"
    events[3].notes = "no comma here"
    events[5].tags = '"quoted"'
    events[6].notes = ""
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(syn.ACLED_COLUMNS_CURRENT)
    for e in events:
        writer.writerow(
            [
                e.event_id_cnty,
                e.event_date.isoformat(),
                e.year,
                e.time_precision,
                e.disorder_type,
                e.event_type,
                e.sub_event_type,
                e.actor1,
                e.assoc_actor_1,
                e.inter1,
                e.actor2,
                e.assoc_actor_2,
                e.inter2,
                e.interaction,
                e.civilian_targeting,
                e.iso,
                e.region,
                e.country,
                e.admin1,
                e.admin2,
                e.admin3,
                e.location,
                f"{e.latitude:.4f}",
                f"{e.longitude:.4f}",
                e.geo_precision,
                e.source,
                e.source_scale,
                e.notes,
                e.fatalities,
                e.tags,
                e.timestamp,
            ]
        )
    written = io.StringIO(newline="")
    syn.write_acled(written, events)
    assert written.getvalue() == expected.getvalue()

    # A bare carriage return is quoted too (csv.writer would not, with "\n" line ends), so it reads back.
    events[4].admin3 = "carriage\rreturn"
    written = io.StringIO(newline="")
    syn.write_acled(written, events[:10])
    assert parse(written.getvalue())[4]["admin3"] == "carriage\rreturn"


# -- column sets and spellings ---------------------------------------------------------------------


def test_current_and_legacy_headers():
    assert header_of(acled_text(10)) == syn.ACLED_COLUMNS_CURRENT
    assert header_of(acled_text(10, columns="legacy")) == syn.ACLED_COLUMNS_LEGACY
    assert len(syn.ACLED_COLUMNS_CURRENT) == len(set(syn.ACLED_COLUMNS_CURRENT)) == 31
    assert len(syn.ACLED_COLUMNS_LEGACY) == len(set(syn.ACLED_COLUMNS_LEGACY)) == 31
    assert {"disorder_type", "civilian_targeting", "tags"} <= set(syn.ACLED_COLUMNS_CURRENT)
    assert not {"disorder_type", "civilian_targeting", "tags"} & set(syn.ACLED_COLUMNS_LEGACY)
    assert {"data_id", "event_id_no_cnty", "iso3"} <= set(syn.ACLED_COLUMNS_LEGACY)
    assert header_of(acled_text(10, upper_case_header=True)) == [
        c.upper() for c in syn.ACLED_COLUMNS_CURRENT
    ]


def test_shuffled_columns_hold_the_same_values():
    plain = parse(acled_text(300, seed=5))
    shuffled_text = acled_text(300, seed=5, shuffle_columns=True)
    header = header_of(shuffled_text)
    assert header != syn.ACLED_COLUMNS_CURRENT and sorted(header) == sorted(
        syn.ACLED_COLUMNS_CURRENT
    )
    assert parse(shuffled_text) == plain


def test_legacy_rows_carry_ids_and_iso3():
    rows = parse(acled_text(400, seed=6, columns="legacy"))
    assert len({r["data_id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["event_id_cnty"] == f"MLI{row['event_id_no_cnty']}"
        assert row["iso3"] == "MLI" and row["iso"] == "466"


def test_inter_codes_as_words_or_numbers():
    numbers = parse(acled_text(2000, seed=9))
    words = parse(acled_text(2000, seed=9, inter_as="words"))
    assert len(numbers) == len(words)
    seen_only = False
    for n_row, w_row in zip(numbers, words, strict=True):
        inter1, inter2, code = int(n_row["inter1"]), int(n_row["inter2"]), int(n_row["interaction"])
        assert w_row["inter1"] == syn.INTER_WORDS[inter1]
        if n_row["actor2"]:
            assert inter2 and w_row["inter2"] == syn.INTER_WORDS[inter2]
            assert code == min(inter1, inter2) * 10 + max(inter1, inter2)
            low, high = sorted((inter1, inter2))
            assert w_row["interaction"] == f"{syn.INTER_WORDS[low]}-{syn.INTER_WORDS[high]}"
        else:
            assert inter2 == 0 and w_row["inter2"] == ""
            assert code == inter1 * 10
            assert w_row["interaction"] == f"{syn.INTER_WORDS[inter1]} only"
            seen_only = True
    assert seen_only
    assert syn.interaction_words(17) == "State forces-Civilians"
    assert syn.interaction_words(10) == "State forces only"
    assert syn.interaction_code(7, 1) == 17 and syn.interaction_code(4, 0) == 40


def test_long_dates():
    events = list(syn.acled_events(300, seed=10))
    rows = parse(acled_text(300, seed=10, date_format="long"))
    for event, row in zip(events, rows, strict=True):
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", row["event_date"])
        assert datetime.datetime.strptime(row["event_date"], "%d %B %Y").date() == event.event_date


def test_bom_and_encoding(tmp_path):
    path = tmp_path / "bom.csv"
    syn.write_acled(path, syn.acled_events(50, seed=1), bom=True)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfevent_id_cnty,")
    assert data.count(b"\xef\xbb\xbf") == 1

    latin = tmp_path / "latin.csv"
    syn.write_acled(latin, syn.acled_events(3000, seed=1), encoding="latin-1")
    raw = latin.read_bytes()
    assert "Républicain".encode("latin-1") in raw or "Indépendant".encode("latin-1") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert header_of(raw.decode("latin-1")) == syn.ACLED_COLUMNS_CURRENT

    crlf = io.StringIO(newline="")
    syn.write_acled(crlf, syn.acled_events(20, seed=1), line_terminator="\r\n")
    assert crlf.getvalue().count("\r\n") >= 21


# -- monadic form ----------------------------------------------------------------------------------


def test_monadic_rows_share_the_event_id_and_fatalities():
    events = list(syn.acled_events(3000, seed=11))
    truth = {e.event_id_cnty: e for e in events}
    buffer = io.StringIO(newline="")
    written = syn.write_acled(buffer, events, form="monadic")
    rows = parse(buffer.getvalue())
    assert written == len(rows) == len(events) + sum(1 for e in events if e.actor2)

    by_id: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for position, row in enumerate(rows):
        by_id[row["event_id_cnty"]].append((position, row))
    assert set(by_id) == set(truth)

    gaps = Counter()
    for event_id, group in by_id.items():
        event = truth[event_id]
        if not event.actor2:
            assert len(group) == 1
            continue
        assert len(group) == 2
        (p1, first), (p2, second) = group
        gaps[p2 - p1] += 1
        assert first["fatalities"] == second["fatalities"] == str(event.fatalities)
        assert first["interaction"] == second["interaction"] == str(event.interaction)
        assert (first["actor1"], first["actor2"]) == (event.actor1, event.actor2)
        assert second["actor1"] == event.actor2
        assert second["assoc_actor_1"] == event.assoc_actor_2
        assert second["inter1"] == str(event.inter2)
        assert second["actor2"] == second["assoc_actor_2"] == second["inter2"] == ""
    assert gaps[1] > 0, "some pairs are adjacent"
    assert sum(count for gap, count in gaps.items() if gap > 1) > 0, "some pairs are not adjacent"

    dyadic_total = sum(int(r["fatalities"]) for r in parse(acled_text(3000, seed=11)))
    monadic_total = sum(int(group[0][1]["fatalities"]) for group in by_id.values())
    assert monadic_total == dyadic_total == sum(e.fatalities for e in events)
    assert sum(int(r["fatalities"]) for r in rows) > dyadic_total  # naive summing double-counts


def test_legacy_monadic_rows_have_their_own_data_id():
    rows = parse(acled_text(1000, seed=12, form="monadic", columns="legacy"))
    assert len({r["data_id"] for r in rows}) == len(rows)
    counts = Counter(r["event_id_cnty"] for r in rows)
    assert max(counts.values()) == 2 and len(counts) == 1000


# -- CSV quoting -----------------------------------------------------------------------------------


def test_quoted_newlines_parse_back_to_one_record_per_event():
    events = list(syn.acled_events(6000, seed=13))
    multiline = [e for e in events if "\n" in e.notes]
    assert multiline, "the seed should give a few multi-line notes"
    assert any('"' in e.notes for e in events)
    assert any("," in e.actor1 + e.actor2 for e in events)  # CSP-PSD: ..., Security and Development
    buffer = io.StringIO(newline="")
    syn.write_acled(buffer, events)
    text = buffer.getvalue()
    assert text.count("\n") == len(events) + 1 + sum(e.notes.count("\n") for e in events)
    rows = parse(text)
    assert len(rows) == len(events)
    assert [r["notes"] for r in rows] == [e.notes for e in events]
    assert [r["actor1"] for r in rows] == [e.actor1 for e in events]


# -- realism ---------------------------------------------------------------------------------------


def test_acled_vocabulary_and_invariants():
    events = list(syn.acled_events(40000, seed=14))
    assert len({e.event_id_cnty for e in events}) == len(events)
    assert {e.event_type for e in events} == set(syn.EVENT_TYPES)
    assert {e.sub_event_type for e in events} == set(SUB_TO_TYPE), "all 25 sub-event types"
    assert len(SUB_TO_TYPE) == 25
    disorder = {
        "Political violence",
        "Demonstrations",
        "Political violence; Demonstrations",
        "Strategic developments",
    }
    for e in events:
        assert (
            re.fullmatch(r"MLI\d+", e.event_id_cnty)
            and int(e.event_id_cnty[3:]) == e.event_id_no_cnty
        )
        assert SUB_TO_TYPE[e.sub_event_type] == e.event_type
        assert e.disorder_type in disorder
        assert e.iso == 466 and e.region == "Western Africa" and e.country == "Mali"
        assert e.time_precision in (1, 2, 3) and e.geo_precision in (1, 2, 3)
        assert (
            MALI_BBOX[0] <= e.latitude <= MALI_BBOX[1]
            and MALI_BBOX[2] <= e.longitude <= MALI_BBOX[3]
        )
        assert 0 <= e.fatalities <= 160
        assert e.inter1 in syn.INTER_WORDS and (e.inter2 in syn.INTER_WORDS) == bool(e.actor2)
        assert e.interaction == syn.interaction_code(e.inter1, e.inter2)
        assert e.actor1 != e.actor2
        assert e.civilian_targeting in ("", "Civilian targeting")
        event_day = (e.event_date - datetime.date(1970, 1, 1)).days * 86400
        assert e.timestamp >= event_day and 1546300800 <= e.timestamp < 1767225600  # 2019 to 2025
        assert e.admin1 and e.admin2 and e.admin3 and e.location and e.notes.startswith("On ")
        if e.event_type == "Violence against civilians":
            assert e.actor2 == "Civilians (Mali)" and e.inter2 == 7
            assert e.civilian_targeting == "Civilian targeting"
        if e.event_type == "Protests":
            assert e.actor1 == "Protesters (Mali)" and e.inter1 == 6
            if e.sub_event_type != "Excessive force against protesters":
                assert e.fatalities == 0
        if e.sub_event_type == "Peaceful protest":
            assert not e.actor2 and e.interaction == 60
        if e.event_type == "Strategic developments":
            assert e.fatalities == 0
        if e.year >= 2021:
            assert "(2013-2020)" not in e.actor1 + e.actor2
    fatalities = [e.fatalities for e in events]
    assert sum(f <= 5 for f in fatalities) / len(fatalities) > 0.9
    assert max(fatalities) >= 50
    assert 1 <= sum(e.tags.startswith("women targeted") for e in events) < len(events) / 50
    assert sum(e.tags.startswith("crowd size=") for e in events) > 0
    admin1 = {e.admin1 for e in events}
    assert {"Mopti", "Segou", "Gao", "Timbuktu", "Kidal", "Menaka", "Bamako"} <= admin1
    assert Counter(e.admin1 for e in events).most_common(1)[0][0] == "Mopti"
    assert len({(e.admin1, e.admin2, e.location) for e in events}) > 2000
    actors = {e.actor1 for e in events} | {e.actor2 for e in events}
    for name in (
        "Military Forces of Mali (2013-2020)",
        "Military Forces of Mali (2021-)",
        "JNIM: Group for Support of Islam and Muslims",
        "Islamic State (Sahel)",
        "Dan Na Ambassagou",
        "Dozo Communal Militia (Mali)",
        "Wagner Group",
        "Military Forces of France",
        "Unidentified Armed Group (Mali)",
        "Rioters (Mali)",
        "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)",
    ):
        assert name in actors, name


def test_other_sahel_countries():
    events = list(syn.acled_events(300, seed=1, country="Burkina Faso"))
    assert all(e.event_id_cnty.startswith("BFA") and e.iso == 854 for e in events)
    assert all("(Mali)" not in e.actor1 + e.actor2 for e in events)
    with pytest.raises(ValueError):
        next(syn.acled_events(10, country="Atlantis"))


# -- UCDP GED --------------------------------------------------------------------------------------


def test_ucdp_ged_invariants():
    buffer = io.StringIO(newline="")
    assert syn.write_ucdp_ged(buffer, 4000, seed=15) == 4000
    text = buffer.getvalue()
    assert header_of(text) == syn.UCDP_GED_COLUMNS
    rows = parse(text)
    assert len(rows) == 4000
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["relid"] for r in rows}) == len(rows)
    stamp = re.compile(r"\d{4}-\d\d-\d\d 00:00:00\.000")
    for r in rows:
        deaths = [int(r[c]) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
        best, low, high = int(r["best"]), int(r["low"]), int(r["high"])
        assert min(deaths) >= 0 and sum(deaths) == best
        assert 0 <= low <= best <= high
        assert stamp.fullmatch(r["date_start"]) and stamp.fullmatch(r["date_end"])
        assert r["date_end"] >= r["date_start"] and r["date_start"][:4] == r["year"]
        assert r["country"] == "Mali" and r["country_id"] == "432" and r["region"] == "Africa"
        assert r["type_of_violence"] in ("1", "2", "3")
        assert 1 <= int(r["where_prec"]) <= 7 and 1 <= int(r["date_prec"]) <= 5
        assert r["dyad_name"] == f"{r['side_a']} - {r['side_b']}"
        assert r["relid"].startswith(f"MLI-{r['year']}-{r['type_of_violence']}-")
        assert r["geom_wkt"] == f"POINT ({r['longitude']} {r['latitude']})"
        lat, lon = float(r["latitude"]), float(r["longitude"])
        assert MALI_BBOX[0] <= lat <= MALI_BBOX[1] and MALI_BBOX[2] <= lon <= MALI_BBOX[3]
        assert int(r["priogrid_gid"]) == int((lat + 90) * 2) * 720 + int((lon + 180) * 2) + 1
        if r["type_of_violence"] == "3":
            assert r["side_b"] == "Civilians"
        if r["side_a"] == "Government of Mali":
            assert r["gwnoa"] == "432"
        if r["adm_1"]:
            assert r["adm_1"].endswith(" region")
        if r["adm_2"]:
            assert r["adm_2"].endswith(" cercle")
    assert {r["where_prec"] for r in rows} == {str(i) for i in range(1, 8)}
    assert {r["date_prec"] for r in rows} == {str(i) for i in range(1, 6)}
    assert "Government of Mali - JNIM" in {r["dyad_name"] for r in rows}


# -- damaged rows ----------------------------------------------------------------------------------


def first_physical_line(record: list[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerow(record)
    return out.getvalue().split("\n")[0]


def test_damage_rows_reports_physical_lines(tmp_path):
    events = list(syn.acled_events(6000, seed=13))
    multiline = [i for i, e in enumerate(events, start=1) if "\n" in e.notes]
    assert multiline
    after = multiline[0] + 1  # rows after a multi-line record start lower in the file
    clean = tmp_path / "clean.csv"
    damaged = tmp_path / "damaged.csv"
    syn.write_acled(clean, events, date_format="long")
    wanted = [
        (1, "missing_id"),
        (after, "bad_date"),
        (after + 1, "lat_out_of_range"),
        (after + 2, "lon_not_number"),
        (after + 3, "negative_fatalities"),
        (after + 4, "fatalities_not_int"),
        (after + 5, "fatalities_not_int"),
        (multiline[0], "unknown_event_type"),
        (after, "missing_id"),
        (6000, "bad_date"),
    ]
    produced = syn.damage_rows(clean, damaged, wanted)
    assert [damage for _, _, damage in produced] == [
        damage for _, damage in sorted(wanted, key=lambda w: w[0])
    ]

    text = damaged.read_text(encoding="utf-8")
    lines = text.split("\n")
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, data = records[0], records[1:]
    assert len(data) == 6000
    position = {name: i for i, name in enumerate(header)}
    by_line = {}
    for (index, damage), (line, column, reported) in zip(
        sorted(wanted, key=lambda w: w[0]), produced, strict=True
    ):
        assert reported == damage and column in position
        record = data[index - 1]
        assert lines[line - 1] == first_physical_line(record)
        by_line[line] = index
        value = record[position[column]]
        if damage == "bad_date":
            assert value.startswith("31 February ")
        elif damage == "lat_out_of_range":
            assert float(value) > 90
        elif damage == "lon_not_number":
            with pytest.raises(ValueError):
                float(value.replace(",", "."))
        elif damage == "missing_id":
            assert value == "" and column == "event_id_cnty"
        elif damage == "negative_fatalities":
            assert int(value) < 0
        elif damage == "fatalities_not_int":
            with pytest.raises(ValueError):
                int(value)
        elif damage == "unknown_event_type":
            assert value not in syn.EVENT_TYPES
    assert by_line[2] == 1  # the first data row starts on line 2
    shifted = [line for line, index in by_line.items() if index >= after]
    assert shifted and all(line > by_line[line] + 1 for line in shifted)
    assert {line for line, _, _ in produced if line > 1} <= set(range(2, len(lines) + 1))

    # Rows not named are unchanged.
    original = parse(clean.read_text(encoding="utf-8"))
    touched = {index for index, _ in wanted}
    for index, (old, new) in enumerate(zip(original, parse(text), strict=True), start=1):
        if index not in touched:
            assert old == new


def test_damage_rows_on_ucdp_and_iso_dates(tmp_path):
    ged, out = tmp_path / "ged.csv", tmp_path / "out.csv"
    syn.write_ucdp_ged(ged, 50, seed=2)
    produced = syn.damage_rows(
        ged, out, [(3, "bad_date"), (4, "missing_id"), (5, "negative_fatalities")]
    )
    assert produced == [
        (4, "date_start", "bad_date"),
        (5, "id", "missing_id"),
        (6, "best", "negative_fatalities"),
    ]
    rows = parse(out.read_text(encoding="utf-8"))
    with pytest.raises(ValueError):
        datetime.date.fromisoformat(rows[2]["date_start"][:10])
    assert rows[3]["id"] == "" and rows[4]["best"] == "-3"

    acled, out2 = tmp_path / "acled.csv", tmp_path / "out2.csv"
    syn.write_acled(acled, syn.acled_events(20, seed=2), bom=True, line_terminator="\r\n")
    syn.damage_rows(acled, out2, [(1, "bad_date"), (2, "bad_date")])
    data = out2.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = parse(data.decode("utf-8-sig"))
    for row in rows[:2]:
        with pytest.raises(ValueError):
            datetime.date.fromisoformat(row["event_date"])
    with pytest.raises(ValueError):
        syn.damage_rows(acled, out2, [(21, "bad_date")])
    with pytest.raises(ValueError):
        syn.damage_rows(acled, out2, [(1, "no_such_damage")])


# -- command line ----------------------------------------------------------------------------------


def test_command_line(tmp_path, capsys):
    out = tmp_path / "acled.csv"
    assert (
        syn.main(
            [
                "acled",
                "60",
                str(out),
                "--form",
                "monadic",
                "--columns",
                "legacy",
                "--inter-as",
                "words",
                "--seed",
                "3",
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert header_of(text) == syn.ACLED_COLUMNS_LEGACY
    rows = parse(text)
    assert len({r["event_id_cnty"] for r in rows}) == 60 and len(rows) > 60
    assert "rows/s" in capsys.readouterr().err
    ged = tmp_path / "ged.csv"
    assert syn.main(["ucdp", "25", str(ged), "--seed", "2"]) == 0
    assert len(parse(ged.read_text(encoding="utf-8"))) == 25
