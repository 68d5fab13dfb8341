"""ACLED exports: dyadic or monadic, any year's column set, inter codes as numbers or words.

Plain Python: rows in, ReportRecords out. The mapping of ACLED's vocabulary to Vigie's is written
out here and documented in docs/formats.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigie.actors.classify import category_from_acled_inter, split_actor_names
from vigie.core.event_dates import date_bounds
from vigie.core.text import normalize_name

from .parsing import (
    MAX_ID,
    MAX_NAME,
    check_length,
    parse_coordinate,
    parse_count,
    parse_event_date,
    parse_int,
)
from .records import ActorClaim, Problem, ReportRecord, RowError
from .tables import Table, TableError, open_table

# ACLED event types (2019 codebook) and the pre-2019 names, to (event type, sub-event type).
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "battles": ("battles", ""),
    "explosions remote violence": ("explosions_remote_violence", ""),
    "violence against civilians": ("violence_against_civilians", ""),
    "protests": ("protests", ""),
    "riots": ("riots", ""),
    "strategic developments": ("strategic_developments", ""),
    # Before the 2019 recoding
    "battle no change of territory": ("battles", "armed_clash"),
    "battle government regains territory": ("battles", "government_regains_territory"),
    "battle non state actor overtakes territory": (
        "battles",
        "non_state_actor_overtakes_territory",
    ),
    "remote violence": ("explosions_remote_violence", ""),
    "riots protests": ("protests", ""),
    "strategic development": ("strategic_developments", ""),
    "non violent transfer of territory": (
        "strategic_developments",
        "non_violent_transfer_of_territory",
    ),
    "headquarters or base established": (
        "strategic_developments",
        "headquarters_or_base_established",
    ),
}

SUB_EVENT_TYPES: dict[str, str] = {
    normalize_name(label): code
    for label, code in [
        ("Armed clash", "armed_clash"),
        ("Government regains territory", "government_regains_territory"),
        ("Non-state actor overtakes territory", "non_state_actor_overtakes_territory"),
        ("Chemical weapon", "chemical_weapon"),
        ("Air/drone strike", "air_drone_strike"),
        ("Suicide bomb", "suicide_bomb"),
        ("Shelling/artillery/missile attack", "shelling_artillery_missile_attack"),
        ("Remote explosive/landmine/IED", "remote_explosive_landmine_ied"),
        ("Grenade", "grenade"),
        ("Sexual violence", "sexual_violence"),
        ("Attack", "attack"),
        ("Abduction/forced disappearance", "abduction_forced_disappearance"),
        ("Peaceful protest", "peaceful_protest"),
        ("Protest with intervention", "protest_with_intervention"),
        ("Excessive force against protesters", "excessive_force_against_protesters"),
        ("Violent demonstration", "violent_demonstration"),
        ("Mob violence", "mob_violence"),
        ("Agreement", "agreement"),
        ("Arrests", "arrests"),
        ("Change to group/activity", "change_to_group_activity"),
        ("Disrupted weapons use", "disrupted_weapons_use"),
        ("Headquarters or base established", "headquarters_or_base_established"),
        ("Looting/property destruction", "looting_property_destruction"),
        ("Non-violent transfer of territory", "non_violent_transfer_of_territory"),
        ("Other", "other"),
    ]
}

# inter1/inter2: numbers (to 2023) or words (from 2024).
INTER_WORDS: dict[str, int] = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external other forces": 8,
    "external other force": 8,
    "other forces": 8,
}

TIME_PRECISION = {1: "day", 2: "week", 3: "month"}
GEO_PRECISION = {1: "exact", 2: "near", 3: "admin2"}

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "fatalities")
CIVILIAN_INTER = 7


def parse_inter(value: str, column: str) -> int:
    text = value.strip()
    if not text:
        return 0
    if text.isdigit():
        number = int(text)
        if 0 <= number <= 8:
            return number
        raise RowError(column, "not an ACLED actor type (1 to 8)", value)
    named = INTER_WORDS.get(normalize_name(text))
    if named is None:
        raise RowError(column, "not an ACLED actor type", value)
    return named


def _actors_expected(interaction: str, has_actor2: bool) -> int:
    """How many rows a monadic export gives this event: 2 when the interaction names two actor types."""
    if has_actor2:
        return 1
    text = interaction.strip()
    if not text:
        return 1
    if text.isdigit():
        return 2 if len(text) == 2 and text[1] != "0" else 1
    lowered = text.lower()
    return 1 if "only" in lowered or "-" not in lowered else 2


def violations_of(
    event_type: str, sub_event_type: str, fatalities: int, civilian: bool
) -> tuple[str, ...]:
    """Human-rights violation categories that an ACLED event implies (docs/formats.md)."""
    found: list[str] = []
    if sub_event_type == "abduction_forced_disappearance":
        found.append("abduction_disappearance")
    if sub_event_type == "sexual_violence":
        found.append("sexual_violence")
    if sub_event_type == "looting_property_destruction":
        found.append("destruction_looting")
    if fatalities > 0 and (civilian or sub_event_type == "excessive_force_against_protesters"):
        found.append("killing")
    return tuple(found)


def fatality_figures(fatalities: int, civilian: bool) -> dict[str, int]:
    """ACLED's one fatality figure as incident figures: all civilians when the event targets civilians."""
    status = "civilian" if civilian else "unknown"
    return {
        "killed_low": fatalities,
        "killed_best": fatalities,
        "killed_high": fatalities,
        f"killed_{status}_low": fatalities,
        f"killed_{status}_best": fatalities,
        f"killed_{status}_high": fatalities,
    }


def fatality_claims(fatalities: int, civilian: bool) -> dict[str, int | None]:
    return {"killed": fatalities, "civilians_killed": fatalities if civilian else None}


class AcledReader:
    """Turns the rows of an ACLED export into ReportRecords, one per row (monadic rows are merged later)."""

    format = "acled"
    source_name = "ACLED"

    @staticmethod
    def merge_rows(first: ReportRecord, other: ReportRecord) -> list[Problem]:
        """The format's own step of the import pipeline: another row of ``first``'s event, folded in."""
        return merge_event_rows(first, other)

    def __init__(self, table: Table, form: str = "auto"):
        missing = [name for name in REQUIRED if name not in table.index]
        if "event_id_cnty" in missing and "event_id_no_cnty" in table.index:
            missing.remove("event_id_cnty")
        if missing:
            raise TableError(
                f"{table.path}: line 1: not an ACLED export: missing column(s) {', '.join(missing)} "
                f"(found: {', '.join(table.columns)})"
            )
        self.table = table
        self.columns = table.columns
        if form not in ("auto", "dyadic", "monadic"):
            raise ValueError(f"unknown ACLED form {form!r} (auto, dyadic or monadic)")
        self.monadic = form == "monadic" or (form == "auto" and self._looks_monadic())

    def _looks_monadic(self, sample: int = 50_000) -> bool:
        """A monadic export repeats an event's id on one row per actor; a dyadic one never does."""
        if "actor2" not in self.table.index:
            return True
        position = self.table.index.get("event_id_cnty")
        if position is None:  # __init__ made sure the file has one of the two
            position = self.table.index["event_id_no_cnty"]
        seen: set[str] = set()
        with open_table(self.table.path, encoding=self.table.encoding) as probe:
            for count, (_line, values) in enumerate(probe.rows()):
                if count >= sample:
                    break
                event_id = values[position]
                if event_id and event_id in seen:
                    return True
                seen.add(event_id)
        return False

    def records(self) -> Iterator[ReportRecord | Problem]:
        index = self.table.index
        columns = self.columns

        def col(name: str) -> int:
            return index.get(name, -1)

        i_id, i_id_no = col("event_id_cnty"), col("event_id_no_cnty")
        i_date, i_time_prec = col("event_date"), col("time_precision")
        i_type, i_sub = col("event_type"), col("sub_event_type")
        i_a1, i_as1, i_in1 = col("actor1"), col("assoc_actor_1"), col("inter1")
        i_a2, i_as2, i_in2 = col("actor2"), col("assoc_actor_2"), col("inter2")
        i_interaction, i_civ = col("interaction"), col("civilian_targeting")
        i_country, i_a1n, i_a2n, i_a3n, i_loc = (
            col("country"),
            col("admin1"),
            col("admin2"),
            col("admin3"),
            col("location"),
        )
        i_lat, i_lon, i_geo = col("latitude"), col("longitude"), col("geo_precision")
        i_source, i_notes, i_fat, i_ts = (
            col("source"),
            col("notes"),
            col("fatalities"),
            col("timestamp"),
        )

        def get(values: list[str], position: int) -> str:
            return values[position] if position >= 0 else ""

        bounds = date_bounds()
        categories: dict[tuple[str, int, str], str] = {}
        named_columns = [
            (name, position)
            for name, position in (
                ("actor1", i_a1),
                ("actor2", i_a2),
                ("country", i_country),
                ("admin1", i_a1n),
                ("admin2", i_a2n),
                ("admin3", i_a3n),
                ("location", i_loc),
            )
            if position >= 0
        ]
        monadic = self.monadic

        def category(name: str, inter: int, country: str) -> str:
            key = (name, inter, country)
            found = categories.get(key)
            if found is None:
                found = categories[key] = category_from_acled_inter(name, inter, country)
            return found

        # The raw copy keeps the row as it came, in the file's column order (the import run keeps the
        # header); the notes, the report's text, are not stored twice.
        notes_position = index.get("notes", -1)

        for line, values in self.table.rows():
            try:
                event_id = get(values, i_id).strip() or get(values, i_id_no).strip()
                if not event_id:
                    raise RowError(
                        columns[i_id] if i_id >= 0 else "event_id_no_cnty",
                        "the event id is missing",
                    )
                date = parse_event_date(values[i_date], "event_date", bounds)
                type_text = values[i_type]
                mapped = EVENT_TYPES.get(normalize_name(type_text))
                if mapped is None:
                    raise RowError("event_type", "not an ACLED event type", type_text)
                event_type, sub_event_type = mapped
                sub_text = get(values, i_sub).strip()
                if sub_text:
                    sub_code = SUB_EVENT_TYPES.get(normalize_name(sub_text))
                    if sub_code is None:
                        raise RowError("sub_event_type", "not an ACLED sub-event type", sub_text)
                    sub_event_type = sub_code
                fatalities = parse_count(values[i_fat], "fatalities")
                if fatalities is None:
                    fatalities = 0
                latitude = parse_coordinate(get(values, i_lat), "latitude", 90)
                longitude = parse_coordinate(get(values, i_lon), "longitude", 180)
                time_precision = parse_int(get(values, i_time_prec), "time_precision") or 1
                geo_precision = parse_int(get(values, i_geo), "geo_precision") or 0
                if time_precision not in TIME_PRECISION:
                    raise RowError("time_precision", "must be 1, 2 or 3", get(values, i_time_prec))
                if geo_precision and geo_precision not in GEO_PRECISION:
                    raise RowError("geo_precision", "must be 1, 2 or 3", get(values, i_geo))
                inter1 = parse_inter(get(values, i_in1), "inter1")
                inter2 = parse_inter(get(values, i_in2), "inter2")
                timestamp = parse_int(get(values, i_ts), "timestamp")
                actor1 = values[i_a1].strip()
                if not actor1:
                    raise RowError("actor1", "the first actor is missing")
                if len(event_id) > MAX_ID:
                    check_length(
                        event_id, "event_id_cnty" if i_id >= 0 else "event_id_no_cnty", MAX_ID
                    )
                for name, position in named_columns:
                    if len(values[position]) > MAX_NAME:
                        check_length(values[position], name, MAX_NAME)
                associated1, associated2 = (
                    split_actor_names(get(values, i_as1)),
                    split_actor_names(get(values, i_as2)),
                )
                for name, associated in (
                    ("assoc_actor_1", associated1),
                    ("assoc_actor_2", associated2),
                ):
                    for actor in associated:
                        if len(actor) > MAX_NAME:
                            check_length(actor, name, MAX_NAME)
            except RowError as error:
                yield Problem(line, error.column, error.reason, error.value)
                continue

            actor2 = get(values, i_a2).strip()
            country = get(values, i_country).strip()
            # Since 2023 ACLED says which events target civilians; older exports: the event type, or
            # civilians as an actor (inter 7), says it.
            if i_civ >= 0:
                civilian_targeting = (
                    bool(values[i_civ].strip()) or event_type == "violence_against_civilians"
                )
            else:
                civilian_targeting = (
                    event_type == "violence_against_civilians" or CIVILIAN_INTER in (inter1, inter2)
                )
            one_sided = event_type == "violence_against_civilians" or inter2 == CIVILIAN_INTER
            role1, role2 = ("perpetrator", "target") if one_sided else ("party", "party")
            actors = [ActorClaim(actor1, 1, True, role1, category(actor1, inter1, country))]
            actors += [
                ActorClaim(name, 1, False, "associated", category(name, inter1, country))
                for name in associated1
            ]
            if actor2:
                actors.append(ActorClaim(actor2, 2, True, role2, category(actor2, inter2, country)))
                actors += [
                    ActorClaim(name, 2, False, "associated", category(name, inter2, country))
                    for name in associated2
                ]
            yield ReportRecord(
                line=line,
                lines=[line],
                external_id=event_id,
                date_start=date,
                date_end=date,
                date_precision=TIME_PRECISION[time_precision],
                source_timestamp=timestamp,
                country=country,
                admin1=get(values, i_a1n).strip(),
                admin2=get(values, i_a2n).strip(),
                admin3=get(values, i_a3n).strip(),
                location=get(values, i_loc).strip(),
                latitude=latitude,
                longitude=longitude,
                geo_precision=GEO_PRECISION.get(geo_precision, ""),
                event_type=event_type,
                sub_event_type=sub_event_type,
                civilian_targeting=civilian_targeting,
                violations=violations_of(
                    event_type, sub_event_type, fatalities, civilian_targeting
                ),
                actors=actors,
                casualties=fatality_figures(fatalities, civilian_targeting),
                claims=fatality_claims(fatalities, civilian_targeting),
                text=get(values, i_notes),
                original_source=get(values, i_source).strip(),
                language="en",
                raw=[[*values[:notes_position], None, *values[notes_position + 1 :]]]
                if notes_position >= 0
                else [values],
                expected_rows=_actors_expected(
                    get(values, i_interaction), bool(actor2) and not monadic
                ),
            )


def merge_event_rows(first: ReportRecord, other: ReportRecord) -> list[Problem]:
    """Fold another row of the same event (ACLED's monadic form) into ``first``; fatalities count once.

    The other row's actor is the event's other side. When one side is civilians, it is the side
    acted upon (side 2), as in the dyadic form.
    """
    problems: list[Problem] = []
    if other.casualties.get("killed_best") != first.casualties.get("killed_best"):
        problems.append(
            Problem(
                other.line,
                "fatalities",
                f"event {first.external_id}: its rows disagree on fatalities "
                f"({first.casualties.get('killed_best')} on line {first.line}); the larger figure is kept",
                str(other.casualties.get("killed_best")),
                fatal=False,
            )
        )
        if (other.casualties.get("killed_best") or 0) > (first.casualties.get("killed_best") or 0):
            first.casualties = other.casualties
            first.claims = other.claims
    known = {(a.name, a.primary) for a in first.actors}
    incoming = [a for a in other.actors if (a.name, a.primary) not in known]
    if incoming:
        first_main = next((a for a in first.actors if a.primary and a.side == 1), None)
        swap = first_main is not None and first_main.category_hint == "civilians"
        for actor in first.actors:
            if swap:
                actor.side = 2
        for actor in incoming:
            actor.side = 1 if swap else 2
        one_sided = first.event_type == "violence_against_civilians" or any(
            a.category_hint == "civilians" and a.primary for a in first.actors + incoming
        )
        for actor in first.actors + incoming:
            if actor.primary:
                actor.role = (
                    ("perpetrator" if actor.side == 1 else "target") if one_sided else "party"
                )
        first.actors = sorted(first.actors + incoming, key=lambda a: (a.side, not a.primary))
    if other.civilian_targeting and not first.civilian_targeting:
        first.civilian_targeting = True
        fatalities = first.casualties.get("killed_best") or 0
        first.casualties = fatality_figures(fatalities, True)
        first.claims = fatality_claims(fatalities, True)
        first.violations = violations_of(first.event_type, first.sub_event_type, fatalities, True)
    first.violations = tuple(sorted(set(first.violations) | set(other.violations)))
    first.raw = first.raw + other.raw
    first.lines = first.lines + other.lines
    if (other.source_timestamp or 0) > (first.source_timestamp or 0):
        first.source_timestamp = other.source_timestamp
    return problems
