"""Which reports describe the same incident: a Fellegi–Sunter linkage engine in plain Python.

Each candidate pair of reports gets one weight per field, a log-likelihood ratio set by hand
(roughly log2 of P(agreement | same incident) / P(agreement | different incidents)); the pair's
score is their sum. Pairs scoring at least `match_threshold` are joined (best first, never putting
two reports of one source in one incident); pairs between `review_threshold` and
`match_threshold` are kept in `LinkResult.pairs` for an analyst to review.

Work grows about linearly with the number of reports: only reports that share a spatial block
(their cercle) and whose date windows come within three days of each other are compared.

Every weight is documented where it is set (`DATE_WEIGHTS`, `_distance_weight`, `_place_name_weight`,
`_actor_weight`, `_type_weight`, `_casualty_weight`, `SAME_SOURCE_WEIGHT`).
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from vigie.actors.classify import keyword_category
from vigie.core.text import normalize_name

from .reference import PlaceEntry, Reference, default_reference

__all__ = [
    "LinkReport",
    "PairScore",
    "LinkResult",
    "Linker",
    "Model",
    "HAND",
    "estimate",
    "link",
    "score_pair",
    "event_type",
    "resolve_actors",
]

FIELDS = ("date", "distance", "place_name", "actor", "type", "casualties", "same_source")

MATCH_THRESHOLD = 5.0
"""Joined from here: e.g. dates within a day (+2) in the same commune (+1.5) by the same actor (+2.5)."""
REVIEW_THRESHOLD = 1.0
"""Kept for review from here: e.g. the same place and day with contested perpetrators."""
PAIR_FLOOR = 0.0
"""Pairs scoring below this (and below review_threshold) are not kept in `LinkResult.pairs`."""

BLOCK_DAYS = 3
"""Candidate pairs: date windows (widened by precision) at most this many days apart."""


# --------------------------------------------------------------------------------------------
# Public data classes


@dataclass
class LinkReport:
    """One report, as in the CSV of `vigie link-file`."""

    report_id: str
    source: str
    event_date: datetime.date
    published: datetime.date | None = None
    event_date_end: datetime.date | None = (
        None  # when the report gives a period (an operation over days)
    )
    date_precision: str = "day"  # day, range, week, month, year
    location: str = ""
    admin1: str = ""
    admin2: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = ""  # exact, near, admin3, admin2, admin1, country; '' = infer
    perpetrator: str = ""
    target: str = ""
    event_label: str = ""
    killed: int | None = None


@dataclass
class PairScore:
    """Why two reports were (or were not) joined: the weight of each field; score is their sum."""

    a: str
    b: str
    score: float
    weights: dict[str, float]


@dataclass
class LinkResult:
    incident_of: dict[str, str]  # report_id -> incident label ("I000001"), every report present
    pairs: list[PairScore]  # scored candidate pairs from the review threshold up, best first
    comparisons: int  # candidate pairs compared
    model: Model | None = None  # the weights used

    def incidents(self) -> dict[str, list[str]]:
        """Incident label -> its report ids (sorted)."""
        groups: dict[str, list[str]] = defaultdict(list)
        for report_id, label in self.incident_of.items():
            groups[label].append(report_id)
        return {label: sorted(ids) for label, ids in sorted(groups.items())}


# --------------------------------------------------------------------------------------------
# Dates

_PRECISION_PENALTY = {"day": 0.0, "range": 0.5, "week": 1.5, "month": 2.5, "year": 3.0}
"""Agreement of vague dates says less: subtracted from the date weight (the vaguer report counts)."""

DATE_WEIGHTS = {0: 3.0, 1: 2.0, 2: 1.0, 3: 0.0}
"""By the gap in days between the two date windows. Same day: most incidents in one cercle fall on
different days, so agreement is strong evidence (+3, about 1:8); reports often differ by a day or
two (night attacks, late reporting), so the weight falls gently; beyond the blocking window: -3."""
DATE_FAR = -3.0
PUBLISHED_BEFORE_EVENT = -4.0
"""A report published before the other report's event window opens cannot describe it; both event
dates may be off by up to PUBLISHED_SLACK_DAYS (late or early dating), so only a publication earlier
than that counts."""
PUBLISHED_SLACK_DAYS = 2


def _window(report: LinkReport) -> tuple[datetime.date, datetime.date]:
    day, precision = report.event_date, (report.date_precision or "day").lower()
    if report.event_date_end and report.event_date_end > day:
        return day, report.event_date_end
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if precision == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    spread = {"range": 3, "week": 7}.get(precision, 0)
    delta = datetime.timedelta(days=spread)
    return day - delta, day + delta


# --------------------------------------------------------------------------------------------
# Places


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_PLACE_PREFIX = re.compile(
    r"^(?:(?:le |la |les )?(?:village|commune|cercle|region|localite|hameau|town|city|district|area)"
    r"(?: rurale| urbaine)?(?: de| d| du| des| of)? |(?:pres de|pres d|near|around|vicinity of|environs de) )+"
)
_KIND_ORDER = {"locality": 0, "commune": 1, "cercle": 2, "region": 3, "country": 4}
_KIND_FOR_PRECISION = {
    "admin3": "commune",
    "admin2": "cercle",
    "admin1": "region",
    "country": "country",
}
_LEVEL_OF_KIND = {
    "locality": "point",
    "commune": "admin3",
    "cercle": "admin2",
    "region": "admin1",
    "country": "country",
}
_LEVEL_RANK = {"point": 0, "admin3": 1, "admin2": 2, "admin1": 3, "country": 4}
GAZETTEER_SLACK_KM = 10.0
"""Gazetteer positions of villages are approximate (10–30 km, see the gazetteer's README)."""
NEAR_SLACK_KM = 5.0


def _clean_place(name: str) -> str:
    return _PLACE_PREFIX.sub("", normalize_name(name)).strip()


@dataclass
class _Resolved:
    """A report with its fields resolved once: windows, places, actors, type."""

    index: int
    report: LinkReport
    source: str
    start: datetime.date
    end: datetime.date
    precision: str
    level: str = "country"  # point, admin3, admin2, admin1, country
    point: tuple[float, float] | None = None
    slack_km: float = 0.0
    from_coordinates: bool = False
    place: PlaceEntry | None = None  # the location name resolved in the gazetteer
    name: str = ""  # normalised location name
    commune: str = ""
    cercle: str = ""
    region: str = ""
    cercles: tuple[str, ...] = ()  # blocking keys
    actors: frozenset[tuple[str | None, str]] = frozenset()
    type: str = ""
    killed: int | None = None
    keys: list[str] = field(default_factory=list)


def _pick(
    candidates: list[PlaceEntry],
    ref: Reference,
    *,
    within: str = "",
    kind: str = "",
    near: tuple[float, float] | None = None,
) -> PlaceEntry | None:
    """One gazetteer entry for a name, or None when the name stays ambiguous."""
    if within:
        candidates = [c for c in candidates if ref.contains(within, c.code)]
    if kind:
        of_kind = [c for c in candidates if c.kind == kind]
        candidates = of_kind or candidates
    if not candidates:
        return None
    best = min(_KIND_ORDER.get(c.kind, 9) for c in candidates)
    candidates = [c for c in candidates if _KIND_ORDER.get(c.kind, 9) == best]
    if len(candidates) == 1:
        return candidates[0]
    if near is not None:
        located = [c for c in candidates if c.latitude is not None]
        if located:
            # a gazetteer place has both coordinates or neither (places/data/mali_places.csv)
            return min(
                located,
                key=lambda c: (haversine_km(*near, c.latitude, c.longitude), c.code),  # type: ignore[arg-type]
            )
    return None


def _lookup(name: str, ref: Reference) -> list[PlaceEntry]:
    return ref.places_by_name.get(_clean_place(name), []) if name.strip() else []


def _resolve_place(r: _Resolved, ref: Reference, cercle_index: list[PlaceEntry]) -> None:
    report = r.report
    precision = (report.geo_precision or "").lower()
    point = (
        (float(report.latitude), float(report.longitude))
        if report.latitude is not None and report.longitude is not None
        else None
    )
    has_point = point is not None

    region = _pick([c for c in _lookup(report.admin1, ref) if c.kind == "region"], ref)
    within = region.code if region else ""
    cercle = _pick(
        [c for c in _lookup(report.admin2, ref) if c.kind == "cercle"], ref, within=within
    )
    within = cercle.code if cercle else within

    place = None
    r.name = _clean_place(report.location) if report.location else ""
    if r.name:
        parts = [report.location] + [p for p in report.location.split(",") if p.strip()]
        for part in parts:
            candidates = _lookup(part, ref)
            if within and not any(ref.contains(within, c.code) for c in candidates):
                continue
            place = _pick(
                candidates,
                ref,
                within=within,
                kind=_KIND_FOR_PRECISION.get(precision, ""),
                near=point,
            )
            if place is not None:
                break
    r.place = place

    # the level at which the report knows where it happened
    if precision in ("exact", "near"):
        level = "point"
    elif precision in ("admin3", "admin2", "admin1", "country"):
        level = precision
    elif place is not None:
        level = _LEVEL_OF_KIND[place.kind]
    elif has_point or r.name:
        level = "point"
    elif cercle is not None:
        level = "admin2"
    elif region is not None:
        level = "admin1"
    else:
        level = "country"
    r.level = level

    if level == "point":
        if has_point:
            r.point, r.from_coordinates = point, True
            r.slack_km = NEAR_SLACK_KM if precision == "near" else 0.0
        elif place is not None and place.latitude is not None and place.longitude is not None:
            r.point, r.slack_km = (place.latitude, place.longitude), GAZETTEER_SLACK_KM

    anchor = place.code if place is not None else ""
    r.commune = ref.ancestor_of_kind(anchor, "commune") if anchor else ""
    r.cercle = (cercle.code if cercle else "") or (
        ref.ancestor_of_kind(anchor, "cercle") if anchor else ""
    )
    if r.cercle:
        r.cercles = (r.cercle,)
    elif point is not None and cercle_index:
        # no named cercle: the nearest cercle chief town, and the second nearest when about as near
        # (Reference.cercles keeps those with coordinates)
        ranked = sorted(
            (haversine_km(*point, c.latitude, c.longitude), c.code)  # type: ignore[arg-type]
            for c in cercle_index
        )
        r.cercle = ranked[0][1]
        keys = [ranked[0][1]]
        if len(ranked) > 1 and ranked[1][0] <= 1.3 * ranked[0][0] + 1.0:
            keys.append(ranked[1][1])
        r.cercles = tuple(keys)
    r.region = (region.code if region else "") or (
        ref.ancestor_of_kind(r.cercle or anchor, "region")
    )


# --------------------------------------------------------------------------------------------
# Actors

_UNINFORMATIVE = {"", "unidentified_armed_group", "civilians", "other"}
_COALITIONS = (
    frozenset({"government_of_mali", "wagner_group", "russia_military"}),
    frozenset({"government_of_mali", "france_military", "g5_sahel_joint_force", "us_military"}),
    frozenset({"government_of_burkina_faso", "vdp"}),
    frozenset({"government_of_mali", "platform"}),
)
"""Forces that operated together: sources name one or the other for the same operation."""

ACTOR_SAME = 2.5
"""Same actor, or one is the other's parent (Katiba Macina and JNIM): about 1:6."""
ACTOR_SIBLING = 1.0
"""Two branches of one family (Katiba Macina and Ansar Dine, both JNIM; army and police)."""
ACTOR_SAME_CATEGORY_VAGUE = 0.5
"""A generic name ('jihadistes') and a named actor of that category."""
ACTOR_COALITION = 0.0
"""Partners in a joint operation (FAMa and Wagner): neither for nor against."""
ACTOR_MILITIA_CONFUSION = -1.0
"""Two community militias: attribution among them is often confused by sources."""
ACTOR_RIVALS = -3.0
"""Two different actors of one category (JNIM and the Islamic State Sahel)."""
ACTOR_INCOMPATIBLE = -10.0
"""Perpetrators of different categories (FAMa and JNIM): almost never one incident; when it is
(contested attribution), the pair still lands in the review queue rather than being joined."""


def resolve_actors(
    text: str, reference: Reference | None = None
) -> frozenset[tuple[str | None, str]]:
    """Actors named in a perpetrator string, as (actor key or None, category) pairs.

    The whole string is looked up first, then the longest aliases found in it, left to right
    ('FAMa et Wagner' -> fama and wagner_group); single words shorter than three letters are only
    matched as the whole string ('IS', 'EI'). Without a dictionary name, the categorisation
    keywords give a category alone ('jihadistes' -> (None, 'jihadist_group')).
    """
    ref = reference or default_reference()
    norm = normalize_name(text or "")
    if not norm:
        return frozenset()
    entry = ref.actor_by_alias.get(norm)
    if entry is not None:
        return frozenset({(entry.key, ref.actor_category.get(entry.key, ""))})
    tokens = norm.split()
    found: set[tuple[str | None, str]] = set()
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 12), i, -1):
            phrase = " ".join(tokens[i:j])
            if j - i == 1 and len(phrase) < 3:
                continue
            entry = ref.actor_by_alias.get(phrase)
            if entry is not None:
                found.add((entry.key, ref.actor_category.get(entry.key, "")))
                i = j
                break
        else:
            i += 1
    if not found:
        category = keyword_category(text)
        if category:
            found.add((None, category))
    return frozenset(found)


def _actor_relation(x: tuple[str | None, str], y: tuple[str | None, str], ref: Reference) -> float:
    (kx, cx), (ky, cy) = x, y
    if kx and ky:
        lx, ly = ref.lineage(kx), ref.lineage(ky)
        if kx in ly or ky in lx:
            return ACTOR_SAME
        if set(lx) & set(ly):
            return ACTOR_SIBLING
        rx, ry = lx[-1], ly[-1]
        if any(rx in c and ry in c for c in _COALITIONS):
            return ACTOR_COALITION
    if cx != cy:
        return ACTOR_INCOMPATIBLE
    if not (kx and ky):
        return ACTOR_SAME_CATEGORY_VAGUE
    return ACTOR_MILITIA_CONFUSION if cx == "community_militia" else ACTOR_RIVALS


def _actor_weight(a: _Resolved, b: _Resolved, ref: Reference) -> float:
    """Best relation between any perpetrator named by one and any named by the other; 0 when either
    names none, or only unidentified armed men ('terroristes', 'hommes armés')."""
    xs = [x for x in a.actors if x[1] not in _UNINFORMATIVE]
    ys = [y for y in b.actors if y[1] not in _UNINFORMATIVE]
    if not xs or not ys:
        return 0.0
    return max(_actor_relation(x, y, ref) for x in xs for y in ys)


# --------------------------------------------------------------------------------------------
# Event types

_TYPE_PATTERNS = (
    (
        "airstrike",
        r"frappes? aeriennes?|air ?strikes?|airstrikes?|drones?|bombardements?|bombing|frappes?|air raids?",
    ),
    ("ambush", r"embuscades?|ambush\w*"),
    (
        "explosive",
        r"ied|eei|engins? explosifs?|landmines?|mines?|explosi\w*|roadside bombs?|kamikaze|suicide bomb\w*",
    ),
    (
        "abduction",
        r"enlevements?|enleve\w*|abduct\w*|kidnapp\w*|rapts?|otages?|hostages?|disappearances?|disparitions? forcees?",
    ),
    ("clash", r"affrontements?|clash\w*|combats?|fighting|accrochages?|battles?|heurts?"),
    (
        "massacre",
        r"massacres?|tueries?|killings?|executions?|executes?|exactions?|assassinats?|meurtres?",
    ),
    (
        "attack",
        r"attaques?|attacks?|assauts?|assaults?|raids?|incursions?|violence against civilians|violences?",
    ),
)
_TYPE_RES = tuple((name, re.compile(rf"\b(?:{pattern})\b")) for name, pattern in _TYPE_PATTERNS)

TYPE_SAME = 1.5
TYPE_GENERIC = 0.3
"""'Attack' is compatible with any violent type: a weak agreement."""
TYPE_RELATED = 0.0
TYPE_DIFFERENT = -1.5
_RELATED_TYPES = {
    frozenset({"massacre", "clash"}),  # a belligerent's 'clash' is another source's 'massacre'
    frozenset({"massacre", "airstrike"}),
    frozenset({"ambush", "clash"}),
    frozenset({"ambush", "explosive"}),
    frozenset({"attack", "abduction"}),
}


def event_type(label: str) -> str:
    """A French or English event label as one of: airstrike, ambush, explosive, abduction, clash,
    massacre, attack; '' when unknown. The most specific word wins ('attaque à l'engin explosif'
    is explosive)."""
    text = normalize_name(label or "")
    for name, regex in _TYPE_RES:
        if regex.search(text):
            return name
    return ""


def _type_weight(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return TYPE_SAME
    if frozenset({a, b}) in _RELATED_TYPES:
        return TYPE_RELATED
    if "attack" in (a, b):
        return TYPE_GENERIC
    return TYPE_DIFFERENT


# --------------------------------------------------------------------------------------------
# Casualties

CASUALTIES_EQUAL = 1.5
CASUALTIES_COMPATIBLE = 0.8
CASUALTIES_BOTH_NONE = 0.3
CASUALTIES_INCOMPATIBLE = -2.0


def casualties_compatible(a: int, b: int) -> bool:
    """Figures of one incident differ, but rarely by much: |a-b| <= 0.4*max + 2."""
    return abs(a - b) <= 0.4 * max(a, b) + 2


def _casualty_weight(a: int | None, b: int | None) -> float:
    """Equal figures (+1.5); compatible (+0.8); both zero (+0.3); else -2. Unknown: 0."""
    if a is None or b is None:
        return 0.0
    if a == b:
        return CASUALTIES_BOTH_NONE if a == 0 else CASUALTIES_EQUAL
    return CASUALTIES_COMPATIBLE if casualties_compatible(a, b) else CASUALTIES_INCOMPATIBLE


SAME_SOURCE_WEIGHT = -9.0
"""One source does not report one incident twice in one publication (one day's bulletin): strong
evidence against, and the clustering refuses such a merge anyway."""
SAME_SOURCE_UPDATE_WEIGHT = -1.0
"""The same source on different publication days: usually another incident, but sources do publish
updated tolls (a preliminary then a final count), so this is weak evidence, not a constraint."""


# --------------------------------------------------------------------------------------------
# Field weights


def _date_weight(a: _Resolved, b: _Resolved) -> float:
    slack = datetime.timedelta(days=PUBLISHED_SLACK_DAYS)
    if a.report.published and a.report.published + slack < b.start:
        return PUBLISHED_BEFORE_EVENT
    if b.report.published and b.report.published + slack < a.start:
        return PUBLISHED_BEFORE_EVENT
    gap = max(0, (max(a.start, b.start) - min(a.end, b.end)).days)
    if gap not in DATE_WEIGHTS:
        return DATE_FAR
    penalty = max(
        _PRECISION_PENALTY.get(a.precision, 0.0), _PRECISION_PENALTY.get(b.precision, 0.0)
    )
    base = DATE_WEIGHTS[gap]
    return max(0.0, base - penalty) if base > 0 else base


def _km_weight(km: float) -> float:
    """Distance between two points: within a km +3 (about 1:8), 5 km +2, 15 km +1, 30 km 0,
    60 km -1.5, farther -3."""
    if km <= 1:
        return 3.0
    if km <= 5:
        return 2.0
    if km <= 15:
        return 1.0
    if km <= 30:
        return 0.0
    if km <= 60:
        return -1.5
    return -3.0


SAME_CERCLE = 0.0
"""Two reports known only to the same cercle: consistent, but every candidate pair shares a cercle."""


def _distance_weight(a: _Resolved, b: _Resolved, ref: Reference) -> float:
    """Where: by distance when both reports know a point; otherwise at the coarser report's level,
    because a report that names only a commune or a cercle is a broad place, not a point at its
    centre. Same commune +1.5, other commune -1.5; same cercle 0 (blocking already requires it),
    other cercle -2; same region
    0, other region -2; nothing known 0."""
    if a.point and b.point:
        if (
            not (a.from_coordinates and b.from_coordinates)
            and a.place
            and b.place
            and a.place.kind == b.place.kind == "locality"
        ):
            if a.place.code == b.place.code:
                return 2.0
            # two different villages of the gazetteer: their distance cannot make them one place
            return min(0.0, _km_weight(haversine_km(*a.point, *b.point)))
        km = haversine_km(*a.point, *b.point) - a.slack_km - b.slack_km
        return _km_weight(max(0.0, km))
    level = max(a.level, b.level, key=lambda lvl: _LEVEL_RANK.get(lvl, 4))
    if level == "point":  # a point and a name that the gazetteer does not place: nothing to compare
        level = "admin3" if (a.commune and b.commune) else "admin2"
    if level == "admin3":
        if a.commune and b.commune:
            return 1.5 if a.commune == b.commune else -1.5
        commune = a.commune or b.commune
        other = b if a.commune else a
        entry = ref.places.get(commune)
        if other.point and entry and entry.latitude is not None and entry.longitude is not None:
            km = haversine_km(*other.point, entry.latitude, entry.longitude) - other.slack_km
            return 0.5 if km <= 15 else (0.0 if km <= 30 else -1.0)
        level = "admin2"
    if level == "admin2":
        if a.cercle and b.cercle:
            same = (
                a.cercle == b.cercle
                or (a.cercle in b.cercles and b.from_coordinates)
                or (b.cercle in a.cercles and a.from_coordinates)
            )
            return SAME_CERCLE if same else -2.0
        level = "admin1"
    if level == "admin1" and a.region and b.region:
        return 0.0 if a.region == b.region else -2.0
    return 0.0


def similarity(x: str, y: str) -> float:
    """Spelling similarity of two normalised names (difflib ratio; spaces and hyphens ignored)."""
    if not x or not y:
        return 0.0
    return SequenceMatcher(None, x.replace(" ", ""), y.replace(" ", ""), autojunk=False).ratio()


_SAME_PLACE_NAME = {"locality": 2.5, "commune": 1.0, "cercle": 0.0, "region": 0.0, "country": 0.0}
"""One village named by both is strong evidence; one commune less so; one cercle or region nothing
more than blocking and `_distance_weight` already say."""


def _place_name_weight(a: _Resolved, b: _Resolved, ref: Reference) -> float:
    """Place names across spellings. Both resolve to one gazetteer place (any alt name): +2.5 for a
    village, +1 for a commune, 0 for a cercle or region (see _SAME_PLACE_NAME). A village and its
    commune: +0.5 (a village and its cercle: 0). Two different villages of the gazetteer: -3 (they
    are different places whatever their approximate positions say); other different places: -1.5.
    Otherwise by spelling similarity against all known names: >= 0.9 +2, >= 0.8 +1, >= 0.6 0,
    else -1 (0 when one of the names is an administrative area: names at different levels)."""
    if not a.name or not b.name:
        return 0.0
    if a.place and b.place:
        if a.place.code == b.place.code:
            return _SAME_PLACE_NAME.get(a.place.kind, 0.0)
        if ref.contains(a.place.code, b.place.code) or ref.contains(b.place.code, a.place.code):
            outer = a.place if ref.contains(a.place.code, b.place.code) else b.place
            return 0.5 if outer.kind == "commune" else 0.0
        return -3.0 if a.place.kind == b.place.kind == "locality" else -1.5
    names_a = ref.place_names.get(a.place.code, set()) | {a.name} if a.place else {a.name}
    names_b = ref.place_names.get(b.place.code, set()) | {b.name} if b.place else {b.name}
    best = max(similarity(x, y) for x in names_a for y in names_b)
    if best >= 0.9:
        return 2.0
    if best >= 0.8:
        return 1.0
    if best >= 0.6:
        return 0.0
    broad = any(p is not None and p.kind != "locality" for p in (a.place, b.place))
    return 0.0 if broad else -1.0


def _same_source_weight(a: _Resolved, b: _Resolved) -> float:
    if not a.source or a.source != b.source:
        return 0.0
    if a.report.published and b.report.published and a.report.published != b.report.published:
        return SAME_SOURCE_UPDATE_WEIGHT
    return SAME_SOURCE_WEIGHT


def _publication(r: _Resolved) -> str:
    """The clustering's constraint: one publication (source and day) per incident."""
    if not r.source:
        return ""
    return f"{r.source}|{r.report.published.isoformat()}" if r.report.published else r.source


def _levels(a: _Resolved, b: _Resolved, ref: Reference) -> dict[str, float]:
    """The hand-set weight of each field for a pair: also the pair's comparison level per field."""
    return {
        "date": _date_weight(a, b),
        "distance": _distance_weight(a, b, ref),
        "place_name": _place_name_weight(a, b, ref),
        "actor": _actor_weight(a, b, ref),
        "type": _type_weight(a.type, b.type),
        "casualties": _casualty_weight(a.killed, b.killed),
        "same_source": _same_source_weight(a, b),
    }


# --------------------------------------------------------------------------------------------
# The model: weights per comparison level, hand-set or learned from the reports themselves


@dataclass
class Model:
    """The weight of each comparison level of each field, and the prior log-odds of a match.

    A pair's score is the sum of its fields' weights; it is joined when ``score + prior >= 0``
    (posterior odds of at least 1:1) and kept for review from ``score + prior >= REVIEW_LOG_ODDS``.
    The hand model (``HAND``) gives each level its documented hand-set weight and a prior of
    -MATCH_THRESHOLD. ``estimate`` learns the weights from the candidate pairs by
    expectation-maximisation (Fellegi–Sunter, as Splink does) and shrinks each toward its hand-set
    value in proportion to how rare the level is in the data.
    """

    weights: dict[str, dict[float, float]] = field(default_factory=dict)  # field -> level -> weight
    prior: float = -MATCH_THRESHOLD
    pairs: int = 0  # candidate pairs it was estimated from (0: hand-set)
    iterations: int = 0

    def weight(self, name: str, level: float) -> float:
        return self.weights.get(name, {}).get(level, level)

    @property
    def match_threshold(self) -> float:
        return MATCH_LOG_ODDS - self.prior

    @property
    def review_threshold(self) -> float:
        return REVIEW_LOG_ODDS - self.prior

    def as_json(self) -> dict:
        return {
            "prior": self.prior,
            "pairs": self.pairs,
            "iterations": self.iterations,
            "weights": {
                name: [[level, w] for level, w in sorted(levels.items())]
                for name, levels in sorted(self.weights.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            {
                name: {float(level): float(w) for level, w in levels}
                for name, levels in data["weights"].items()
            },
            float(data["prior"]),
            int(data.get("pairs", 0)),
            int(data.get("iterations", 0)),
        )


HAND = Model()
MATCH_LOG_ODDS = 0.0
"""Joined from posterior odds of 1:1."""
REVIEW_LOG_ODDS = -4.0
"""Kept for review from posterior odds of 1:16 (with the hand model: a score of 1)."""
SHRINKAGE_PAIRS = 50.0
"""A learned level weight counts as much as the hand-set one once this many pairs show the level."""
LEARNED_FIELDS = ("date", "distance", "place_name", "actor", "type", "casualties", "same_source")
"""One publication twice (same source, same day) is a constraint, never learned; the same source on
different days (a possible update) is learned like the other fields."""
MIN_PAIRS_TO_LEARN = 200
"""Fewer candidate pairs than this: the hand model is used as it is."""
WEIGHT_BOUNDS = (-12.0, 8.0)


def estimate(level_rows: Sequence[dict[str, float]], *, iterations: int = 10) -> Model:
    """Learn a model from the comparison levels of candidate pairs (unlabelled) by EM.

    Starts from the hand model's posteriors; each iteration re-estimates, per field and level, the
    share of matching pairs (m) and of non-matching pairs (u) showing it, then the posteriors.
    Pairs of one source are left out (they are never joined). Each learned weight log2(m/u) is
    shrunk toward the hand-set weight: (n * learned + SHRINKAGE_PAIRS * hand) / (n + SHRINKAGE_PAIRS)
    where n is the number of pairs at that level; the prior likewise, toward -MATCH_THRESHOLD.
    """
    import numpy as np

    rows = [r for r in level_rows if r.get("same_source", 0.0) != SAME_SOURCE_WEIGHT]
    if len(rows) < MIN_PAIRS_TO_LEARN:
        return HAND
    codes, values = [], []
    for name in LEARNED_FIELDS:
        levels = sorted({r[name] for r in rows})
        index = {level: k for k, level in enumerate(levels)}
        codes.append(np.fromiter((index[r[name]] for r in rows), dtype=np.int16, count=len(rows)))
        values.append(np.array(levels, dtype=float))
    hand_score = np.zeros(len(rows))
    for code, level in zip(codes, values, strict=True):
        hand_score += level[code]
    posterior = 1.0 / (1.0 + np.exp2(-(hand_score - MATCH_THRESHOLD)))
    for _ in range(iterations):
        matched = posterior.sum()
        unmatched = len(rows) - matched
        log_odds = np.full(len(rows), 0.0)
        tables = []
        for code, level in zip(codes, values, strict=True):
            m = np.bincount(code, weights=posterior, minlength=len(level)) + 0.1
            u = np.bincount(code, weights=1.0 - posterior, minlength=len(level)) + 0.1
            table = np.log2(
                (m / (matched + 0.1 * len(level))) / (u / (unmatched + 0.1 * len(level)))
            )
            tables.append(table)
            log_odds += table[code]
        share = min(max(matched / len(rows), 1e-6), 1 - 1e-6)
        prior = float(np.log2(share / (1 - share)))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(log_odds + prior, -60, 60)))
    weights: dict[str, dict[float, float]] = {}
    for name, code, level, table in zip(LEARNED_FIELDS, codes, values, tables, strict=True):
        counts = np.bincount(code, minlength=len(level))
        weights[name] = {}
        for k, hand in enumerate(level):
            learned = float(np.clip(table[k], *WEIGHT_BOUNDS))
            n = float(counts[k])
            weights[name][float(hand)] = round(
                (n * learned + SHRINKAGE_PAIRS * hand) / (n + SHRINKAGE_PAIRS), 3
            )
    n = float(len(rows))
    prior = (n * prior - SHRINKAGE_PAIRS * MATCH_THRESHOLD) / (n + SHRINKAGE_PAIRS)
    return Model(weights, round(prior, 3), len(rows), iterations)


def _weigh(a: _Resolved, b: _Resolved, levels: dict[str, float], model: Model) -> PairScore:
    """A pair's weight per field under ``model``, from its comparison levels; the score is their sum."""
    weights = {name: model.weight(name, level) for name, level in levels.items()}
    return PairScore(
        a.report.report_id, b.report.report_id, round(math.fsum(weights.values()), 6), weights
    )


def _score(a: _Resolved, b: _Resolved, ref: Reference, model: Model = HAND) -> PairScore:
    return _weigh(a, b, _levels(a, b, ref), model)


# --------------------------------------------------------------------------------------------
# Linkage


def _prepare(reports: Sequence[LinkReport], ref: Reference) -> list[_Resolved]:
    """Reports resolved once (windows, places, actors, type), in order of event date then id."""
    return Linker(reference=ref)._resolve(reports)


def score_pair(
    a: LinkReport, b: LinkReport, *, reference: Reference | None = None, model: Model = HAND
) -> PairScore:
    """The score of two reports, whether or not blocking would compare them (for explanations)."""
    ref = reference or default_reference()
    x, y = _prepare([a, b], ref)
    return _score(x, y, ref, model)


AVERAGE_LINK_LOG_ODDS = 0.0
"""Two groups of reports join only if, besides their best pair, the average posterior log-odds of all
pairs across them is at least this: one strong pair cannot chain two different incidents together
(a village report joined to a commune report joined to another village's report)."""


class Linker:
    """Reports in, incidents out, incrementally: `add` links new reports to those already held
    without relinking them. Incidents already formed are never split or merged by `add` (an analyst
    does that); new reports join an existing incident or form new ones.
    """

    def __init__(self, *, reference: Reference | None = None, model: Model | None = None) -> None:
        self.ref = reference or default_reference()
        self.model = model
        self.cercle_index = self.ref.cercles()
        self.resolved: list[_Resolved] = []
        self.by_id: dict[str, int] = {}
        self.blocks: dict[str, list[_Resolved]] = defaultdict(list)
        self.root: list[int] = []
        self.members: dict[int, list[int]] = {}
        self.sources: dict[int, set[str]] = {}
        self.labels: dict[int, str] = {}
        self.fixed: set[int] = set()  # roots of incidents given from outside (existing incidents)
        self.issued = 0  # labels I000001... given to new incidents so far
        self._cache: dict[tuple[int, int], float] = {}

    # -- resolution and blocking

    def _resolve(self, reports: Sequence[LinkReport]) -> list[_Resolved]:
        ordered = sorted(reports, key=lambda r: (r.event_date, str(r.report_id)))
        fresh = []
        for report in ordered:
            if report.report_id in self.by_id:
                raise ValueError(f"duplicate report_id: {report.report_id!r}")
            start, end = _window(report)
            index = len(self.resolved)
            r = _Resolved(
                index,
                report,
                normalize_name(report.source or ""),
                start,
                end,
                (report.date_precision or "day").lower(),
            )
            _resolve_place(r, self.ref, self.cercle_index)
            r.actors = resolve_actors(report.perpetrator, self.ref)
            r.type = event_type(report.event_label)
            r.killed = report.killed
            self.resolved.append(r)
            self.by_id[report.report_id] = index
            self.root.append(index)
            self.members[index] = [index]
            self.sources[index] = {_publication(r)} if r.source else set()
            fresh.append(r)
        for r in fresh:
            for key in r.cercles:
                self.blocks[key].append(r)
        return fresh

    def _candidates(self, fresh: Sequence[_Resolved]) -> list[tuple[int, int]]:
        """Pairs with at least one new report that share a cercle and whose date windows come within
        BLOCK_DAYS of each other."""
        slack = datetime.timedelta(days=BLOCK_DAYS)
        new = {r.index for r in fresh}
        pairs: set[tuple[int, int]] = set()
        for key in sorted({k for r in fresh for k in r.cercles}):
            members = sorted(self.blocks[key], key=lambda r: (r.start, r.index))
            starts = [m.start for m in members]
            for r in (m for m in members if m.index in new):
                # every member whose window comes within the slack of r's window
                lo = bisect.bisect_left(
                    starts, r.start - datetime.timedelta(days=_LONGEST_WINDOW_DAYS) - slack
                )
                for other in members[lo:]:
                    if other.start > r.end + slack:
                        break
                    if other.index == r.index or other.end + slack < r.start:
                        continue
                    if other.index in new and other.index < r.index:
                        continue  # counted from the other side
                    pairs.add((min(r.index, other.index), max(r.index, other.index)))
        return sorted(pairs)

    # -- scoring and clustering

    def _pair_log_odds(self, i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        value = self._cache.get(key)
        if value is None:
            value = _score(
                self.resolved[key[0]], self.resolved[key[1]], self.ref, self.model or HAND
            ).score
            value += (self.model or HAND).prior
            self._cache[key] = value
        return value

    def _find(self, i: int) -> int:
        return self.root[i]

    def _merge_allowed(self, ri: int, rj: int) -> bool:
        if self.sources[ri] & self.sources[rj]:
            return False
        if ri in self.fixed and rj in self.fixed:
            return False  # two existing incidents: an analyst merges them, not the engine
        cross = [self._pair_log_odds(a, b) for a in self.members[ri] for b in self.members[rj]]
        return math.fsum(cross) / len(cross) >= AVERAGE_LINK_LOG_ODDS

    def _merge(self, ri: int, rj: int) -> None:
        keep, gone = (
            (ri, rj) if (ri in self.fixed or (rj not in self.fixed and ri < rj)) else (rj, ri)
        )
        for m in self.members[gone]:
            self.root[m] = keep
        self.members[keep].extend(self.members.pop(gone))
        self.sources[keep] |= self.sources.pop(gone)
        if gone in self.labels and keep not in self.labels:
            self.labels[keep] = self.labels[gone]
        self.labels.pop(gone, None)

    def seed(self, reports: Sequence[LinkReport], incident_of: dict[str, str]) -> None:
        """Hold reports already linked (e.g. from the database): incident_of[report_id] -> label."""
        fresh = self._resolve(reports)
        by_label: dict[str, int] = {}
        for r in fresh:
            label = incident_of[r.report.report_id]
            if label in by_label:
                first = by_label[label]
                self.root[r.index] = first
                self.members[first].append(r.index)
                self.members.pop(r.index)
                self.sources[first] |= self.sources.pop(r.index)
            else:
                by_label[label] = r.index
                self.labels[r.index] = label
                self.fixed.add(r.index)

    def add(
        self,
        reports: Sequence[LinkReport],
        *,
        learn: bool = True,
        together: dict[str, str] | None = None,
        fallback: Model | None = None,
    ) -> LinkResult:
        """Link new reports (to each other and to those held). Returns the labels of the new reports
        (incidents held keep theirs; new ones are labelled I000001... after those) and their scored
        pairs. ``together`` maps report ids to a group key: reports of one group start as one
        incident (a source file's own incident key). Without a model, one is learned from the
        candidate pairs; when they are too few to learn from, ``fallback`` (e.g. the model of an
        earlier run) is used, else the hand model."""
        fresh = self._resolve(reports)
        if together:
            first_of: dict[str, int] = {}
            for r in fresh:
                key = together.get(r.report.report_id)
                if key is None:
                    continue
                if key in first_of:
                    ri, rj = self.root[first_of[key]], self.root[r.index]
                    if ri != rj:
                        self._merge(ri, rj)
                else:
                    first_of[key] = r.index
        candidates = self._candidates(fresh)
        levels = [
            (i, j, _levels(self.resolved[i], self.resolved[j], self.ref)) for i, j in candidates
        ]
        if self.model is None:
            self.model = estimate([lv for _, _, lv in levels]) if learn else HAND
            if self.model is HAND and fallback is not None:
                self.model = fallback
        model = self.model
        scored: list[tuple[PairScore, int, int]] = []
        for i, j, lv in levels:
            pair = _weigh(self.resolved[i], self.resolved[j], lv, model)
            self._cache[(i, j)] = pair.score + model.prior
            if pair.score >= min(model.review_threshold, PAIR_FLOOR):
                scored.append((pair, i, j))
        scored.sort(key=lambda item: (-item[0].score, item[1], item[2]))
        for pair, i, j in scored:
            if pair.score < model.match_threshold:
                break
            ri, rj = self.root[i], self.root[j]
            if ri != rj and self._merge_allowed(ri, rj):
                self._merge(ri, rj)
        incident_of: dict[str, str] = {}
        for r in fresh:  # in order of event date, then report id
            root = self.root[r.index]
            if root not in self.labels:
                self.issued += 1
                self.labels[root] = f"I{self.issued:06d}"
            incident_of[r.report.report_id] = self.labels[root]
        return LinkResult(
            incident_of=incident_of,
            pairs=[p for p, _, _ in scored],
            comparisons=len(candidates),
            model=model,
        )

    def incident_of(self) -> dict[str, str]:
        return {r.report.report_id: self.labels[self.root[r.index]] for r in self.resolved}


_LONGEST_WINDOW_DAYS = 366
"""No date window is longer than a year (year precision)."""


def link(
    reports: Sequence[LinkReport],
    *,
    reference: Reference | None = None,
    model: Model | None = None,
    learn: bool = True,
) -> LinkResult:
    """Group reports into incidents.

    Candidate pairs come from blocking (same cercle, date windows within BLOCK_DAYS); each is
    scored field by field with ``model`` (default: learned from these reports by `estimate`,
    or the hand model when ``learn`` is false or there are too few pairs). Pairs whose posterior
    odds reach 1:1 are joined best first, unless the merge would put two reports of one source in
    one incident or the average of all pairs across the two groups falls below
    AVERAGE_LINK_LOG_ODDS. Pairs from the review threshold up are returned, best first; those below
    the match threshold form the review queue. Incidents are labelled I000001, I000002... in the
    order of their earliest report (event date, then report id); the result does not depend on the
    order of the input.
    """
    linker = Linker(reference=reference, model=model)
    return linker.add(reports, learn=learn)
