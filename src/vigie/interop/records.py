"""What every importer produces: one record per account, free of any file format or database."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """A bad row (or a warning about one): where, and why."""

    line: int
    column: str
    reason: str
    value: str = ""
    fatal: bool = True

    def describe(self, file_name: str = "") -> str:
        where = f"{file_name}:" if file_name else ""
        value = f" (value: {self.value!r})" if self.value != "" else ""
        kind = "" if self.fatal else "warning: "
        return f"{where}line {self.line}: column {self.column}: {kind}{self.reason}{value}"


class RowError(ValueError):
    def __init__(self, column: str, reason: str, value: str = ""):
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason
        self.value = value


@dataclass(slots=True)
class ActorClaim:
    name: str
    side: int
    primary: bool
    role: str
    category_hint: str = ""  # the category the dataset's own codes imply; the dictionary wins


@dataclass(slots=True)
class ReportRecord:
    line: int
    external_id: str
    date_start: datetime.date
    date_end: datetime.date
    date_precision: str = "day"
    source_timestamp: int | None = None
    published: datetime.date | None = None
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = ""
    event_type: str = ""
    sub_event_type: str = ""
    civilian_targeting: bool = False
    violations: tuple[str, ...] = ()
    actors: list[ActorClaim] = field(default_factory=list)
    casualties: dict[str, int] = field(
        default_factory=dict
    )  # incident figures: killed_best, killed_civilian_best…
    claims: dict[str, int | None] = field(
        default_factory=dict
    )  # the report's own: killed, injured…
    event_label: str = ""
    perpetrator_text: str = ""
    target_text: str = ""
    text: str = ""
    original_source: str = ""
    url: str = ""
    language: str = ""
    incident_key: str = ""
    source_name: str = ""
    source_kind: str = ""
    raw: list[Sequence[str | None]] = field(
        default_factory=list
    )  # the row(s) as they came, in file column order
    expected_rows: int = (
        1  # rows that make up this event (2 for a two-actor event in ACLED's monadic form)
    )
    lines: list[int] = field(default_factory=list)
    flags: tuple[str, ...] = ()  # marks kept on the report (Report.flags): "figures_out_of_order"
    notes: list[Problem] = field(default_factory=list)  # warnings about a row that is imported

    def content_hash(self) -> str:
        """A digest of the meaning of the record: equal for the same event read in another layout
        (columns in another order, inter codes as words, the monadic form)."""
        actors = "|".join(sorted(f"{a.name}/{a.primary:d}/{a.category_hint}" for a in self.actors))
        figures = "|".join(f"{k}={v}" for k, v in sorted(self.casualties.items()))
        claims = "|".join(f"{k}={v}" for k, v in sorted(self.claims.items()) if v is not None)
        meaning = "\x1f".join(
            (
                self.external_id,
                str(self.source_timestamp),
                str(self.date_start),
                str(self.date_end),
                self.date_precision,
                str(self.published),
                self.country,
                self.admin1,
                self.admin2,
                self.admin3,
                self.location,
                str(self.latitude),
                str(self.longitude),
                self.geo_precision,
                self.event_type,
                self.sub_event_type,
                str(self.civilian_targeting),
                ",".join(sorted(self.violations)),
                actors,
                figures,
                claims,
                self.event_label,
                self.perpetrator_text,
                self.target_text,
                self.text,
                self.original_source,
                self.url,
                self.language,
                self.incident_key,
            )
        )
        return hashlib.blake2b(meaning.encode(), digest_size=16).hexdigest()
