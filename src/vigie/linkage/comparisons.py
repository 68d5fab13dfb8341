"""Comparisons: how two reports agree, field by field (date, place, actor, type, casualties, source).

Each report is resolved once (`resolve`: its date window, its place in the gazetteer, its
perpetrators in the actor dictionary, its kind of event), then each candidate pair gets one
comparison level per field (`levels`). A level is the hand-set weight of that outcome, a
log-likelihood ratio (roughly log2 of P(agreement | same incident) / P(agreement | different
incidents)); `vigie.linkage.training` learns the weight of each level from the data. Every weight is
documented where it is set (`DATE_WEIGHTS`, `_distance_weight`, `_place_name_weight`,
`_actor_weight`, `_type_weight`, `_casualty_weight`, `SAME_SOURCE_WEIGHT`).
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from vigie.actors.classify import keyword_category
from vigie.core.text import normalize_name

from .interface import LinkReport
from .reference import ActorEntry, PlaceEntry, Reference, default_reference

__all__ = [
    "FIELDS",
    "UNKNOWN",
    "Resolved",
    "resolve",
    "resolve_place",
    "resolve_actors",
    "block_keys",
    "event_type",
    "event_kind",
    "EVENT_KINDS",
    "LabelVocabulary",
    "levels",
    "publication",
    "haversine_km",
    "similarity",
    "casualties_compatible",
]

FIELDS = ("date", "distance", "place_name", "actor", "type", "casualties", "same_source")

UNKNOWN = None
"""The comparison level of a field one side of the pair says nothing known about: a null level,
weighed 0 by every model (the hand one and those learned: `vigie.linkage.training.estimate` leaves
it out), so that what the dictionaries do not know is neither for nor against a match."""

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


def window(report: LinkReport) -> tuple[datetime.date, datetime.date]:
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
class Resolved:
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
    targets: frozenset[tuple[str | None, str]] = frozenset()
    known_actors: tuple[tuple[str | None, str], ...] = ()  # the informative ones
    known_targets: tuple[tuple[str | None, str], ...] = ()
    type: str = ""
    type_confidence: float = 0.0
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


def resolve_place(r: Resolved, ref: Reference, cercle_index: list[PlaceEntry]) -> None:
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
"""Perpetrators of categories that cannot be one actor (state forces, a jihadist group, a militia,
protesters: FAMa and JNIM): almost never one incident; when it is (contested attribution), the pair
still lands in the review queue rather than being joined."""
ACTOR_SWAPPED = 1.0
"""A battle told from each side: each report's perpetrator is the other's target."""
ACTOR_SWAPPED_ONE_SIDE = 0.0
"""One report's perpetrator is the other's target, the other target unknown: neither for nor against."""
_SIDE = {
    "state_forces": "state",
    "foreign_forces": "state",
    "pro_government_militia": "militia",
    "community_militia": "militia",
    "protesters": "crowd",
    "rioters": "crowd",
}
"""Categories that sources confuse with each other (an army and the foreign forces beside it, two
kinds of militia, protesters and rioters): a generic name of one and an actor of the other are
neither for nor against; two named actors of them a weak disagreement."""
_CONFUSABLE_SIDES = {frozenset({"jihadist_group", "criminal_group"})}
"""Jihadists and armed bandits are often told apart only later: a disagreement, not a contradiction."""
_CROWD = re.compile(
    r"\b(?:manifestants?|protesters?|protestors?|demonstrators?|emeutiers?|rioters?|marcheurs?"
    r"|grevistes?|strikers?|en colere|angry|furious|mecontents?)\b"
)
"""Words of a crowd in a perpetrator field ('jeunes manifestants', 'angry residents')."""
_SOLDIERS = re.compile(
    r"\b(?:militaires?|soldats?|soldiers?|troops?|troupes?|army|armee|gendarmes?|policiers?|police"
    r"|forces (?:de (?:securite|defense|l ordre)|armees?)|(?:security|defen[cs]e|armed) forces)\b"
)
"""Words of state forces that name no force ('militaires', 'security forces')."""
_GENERIC_ACTORS = (
    (_SOLDIERS, "state_forces"),
    (
        re.compile(r"\b(?:djihad\w*|islamistes?|islamists?|extremist\w*|insurg\w*|moudjahid\w*)\b"),
        "jihadist_group",
    ),
    (
        re.compile(r"\b(?:miliciens?|militiam[ae]n|militiamen|chasseurs?|hunters?)\b"),
        "community_militia",
    ),
    (
        re.compile(
            r"\b(?:bandits?|voleurs?|thie(?:f|ves)|robbers?|brigands?|braqueurs?|coupeurs? de routes?"
            r"|trafiquants?|traffickers?|rustlers?|criminals?|criminels?)\b"
        ),
        "criminal_group",
    ),
)
"""Generic words of a kind of perpetrator that the actor dictionary and the import's keywords do not
read ('militaires', 'djihadistes', 'miliciens', 'voleurs'): the category alone."""


ACTOR_TYPO_SIMILARITY = 0.88
"""A perpetrator text within a typo of one alias of the dictionary (same initial, difflib ratio at
least this, one actor only) names that actor: 'Kattiba Macina', 'French miltary'."""


def _near_alias(norm: str, ref: Reference) -> ActorEntry | None:
    if len(norm) < 5:
        return None
    by_initial: dict[str, list[str]] = vars(ref).get("_aliases_by_initial") or {}
    if not by_initial:
        for alias in ref.actor_by_alias:
            by_initial.setdefault(alias[:1], []).append(alias)
        vars(ref)["_aliases_by_initial"] = by_initial
    best: dict[str, float] = {}
    for alias in by_initial.get(norm[0], ()):
        if abs(len(alias) - len(norm)) > 2:
            continue
        ratio = SequenceMatcher(None, norm, alias, autojunk=False).ratio()
        if ratio >= ACTOR_TYPO_SIMILARITY:
            key = ref.actor_by_alias[alias].key
            best[key] = max(best.get(key, 0.0), ratio)
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None  # as near two actors: no one
    alias_of = {entry.key: entry for entry in ref.actor_by_alias.values()}
    return alias_of[ranked[0][0]]


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
        near = _near_alias(norm, ref)
        if near is not None:
            found.add((near.key, ref.actor_category.get(near.key, "")))
    if not found:
        category = keyword_category(text)
        if category in ("", "civilians") and _CROWD.search(norm):
            category = "protesters"  # residents who protest are the perpetrators of a protest
        elif not category:
            category = next((c for regex, c in _GENERIC_ACTORS if regex.search(norm)), "")
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
        side_x, side_y = _SIDE.get(cx, cx), _SIDE.get(cy, cy)
        if (
            side_x == side_y
        ):  # army and foreign forces, two kinds of militia, protesters and rioters
            return ACTOR_COALITION if not (kx and ky) else ACTOR_MILITIA_CONFUSION
        if frozenset({side_x, side_y}) in _CONFUSABLE_SIDES:
            return ACTOR_RIVALS
        return ACTOR_INCOMPATIBLE
    if not (kx and ky):
        return ACTOR_SAME_CATEGORY_VAGUE
    return ACTOR_MILITIA_CONFUSION if cx == "community_militia" else ACTOR_RIVALS


def _informative(actors: Iterable[tuple[str | None, str]]) -> tuple[tuple[str | None, str], ...]:
    return tuple(sorted((x for x in actors if x[1] not in _UNINFORMATIVE), key=str))


def _best_relation(
    xs: Sequence[tuple[str | None, str]], ys: Sequence[tuple[str | None, str]], ref: Reference
) -> float | None:
    """The best relation between the informative actors of two reports; None when either has none."""
    if not xs or not ys:
        return None
    return max(_actor_relation(x, y, ref) for x in xs for y in ys)


def _actor_weight(a: Resolved, b: Resolved, ref: Reference) -> float | None:
    """Best relation between any perpetrator named by one and any named by the other; 0 when either
    names none, or only unidentified armed men ('terroristes', 'hommes armés') or names the
    dictionaries do not know. A battle told from the other side names the other side as the
    perpetrator: when the perpetrators disagree but each report's perpetrator is the other's target
    (ACTOR_SWAPPED), or one is and the other target is unknown (ACTOR_SWAPPED_ONE_SIDE), the sides
    agree instead."""
    relation = _best_relation(a.known_actors, b.known_actors, ref)
    if relation is None:
        return UNKNOWN
    if relation < 0 and (a.known_targets or b.known_targets):
        crossed = [
            _best_relation(a.known_actors, b.known_targets, ref),
            _best_relation(a.known_targets, b.known_actors, ref),
        ]
        known = [c for c in crossed if c is not None]
        if known and min(known) >= ACTOR_SAME_CATEGORY_VAGUE:
            return ACTOR_SWAPPED if len(known) == 2 else max(relation, ACTOR_SWAPPED_ONE_SIDE)
    return relation


# --------------------------------------------------------------------------------------------
# Event types: a label (French or English, with typos) as a kind of event, with a confidence

_TYPE_PATTERNS = (
    (
        "protest",
        r"manifestations?|manifestants?|protest\w*|demonstrations?|demonstrators?|emeutes?|emeutiers?"
        r"|riots?|rioters?|rioting|sit ?in|marches? (?:de protestation|pacifiques?)|rassemblements?"
        r"|greves?",
    ),
    (
        "airstrike",
        r"frappes? aeriennes?|air ?strikes?|airstrikes?|drones?|bombardements?|bombing|frappes?|air raids?"
        r"|raids? aeriens?|aerial bombardments?|bombardments?",
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
    (
        "clash",
        r"affrontements?|clash\w*|combats?|fighting|accrochages?|battles?|heurts?|firefights?"
        r"|gun ?fights?|echanges? de tirs",
    ),
    (
        "massacre",
        r"massacres?|tueries?|killings?|executions?|executes?|exactions?|assassinats?|meurtres?",
    ),
    (
        "looting",
        r"pillages?|pille\w*|loot\w*|plunder\w*|vols? d[eu]s? (?:betail|troupeaux?|bovins|animaux|cheptel)"
        r"|(?:cattle|livestock) (?:theft|thefts|rustling|raids?)|rustling|razzias?",
    ),
    (
        "attack",
        r"attaques?|attacks?|assauts?|assaults?|raids?|incursions?|violence against civilians|violences?",
    ),
)
_TYPE_RES = tuple((name, re.compile(rf"\b(?:{pattern})\b")) for name, pattern in _TYPE_PATTERNS)
EVENT_KINDS = tuple(name for name, _ in _TYPE_PATTERNS)

_KIND_WORDS = {
    "protest": "manifestation manifestations manifestant manifestants protest protests protesters "
    "protestation demonstration demonstrations demonstrators emeute emeutes emeutiers riots rioters "
    "rioting rassemblement rassemblements greve greves pacifique pacifiques rally rallies marche "
    "marches meeting mobilisation boycott colere",
    "airstrike": "frappe frappes aerienne aeriennes airstrike airstrikes drone drones bombardement "
    "bombardements bombing aerial bombardment bombardments aerien aeriens aviation helicoptere "
    "helicopteres helicopter helicopters avion avions aircraft warplane warplanes",
    "ambush": "embuscade embuscades ambush ambushed guet apens",
    "explosive": "explosif explosifs explosive explosives explosion explosions landmine landmines "
    "roadside kamikaze improvise improvised bombe bombes bomb bombs detonation piege pieges "
    "vbied suicide",
    "abduction": "enlevement enlevements enleves enlevees abduction abductions abducted kidnapping "
    "kidnapped kidnap otage otages hostage hostages disparition disparitions disappearance "
    "sequestration sequestres captives captive",
    "clash": "affrontement affrontements clash clashes combat combats fighting accrochage accrochages "
    "battle battles heurts firefight firefights gunfight gunbattle echanges bataille batailles "
    "confrontation confrontations skirmish skirmishes escarmouche escarmouches hostilites",
    "massacre": "massacre massacres tuerie tueries killing killings execution executions exaction "
    "exactions assassinat assassinats meurtre meurtres executed carnage slaughter slaughtered "
    "murder murders murdered homicide homicides tues tuees assassines",
    "looting": "pillage pillages pilles looting looted plunder plundering betail troupeau troupeaux "
    "bovins cheptel cattle livestock rustling razzia saccage saccages ransacking ransacked "
    "robbery robberies braquage braquages extorsion extortion incendie incendies arson",
    "attack": "attaque attaques attack attacks assaut assauts assault assaults raid raids incursion "
    "incursions violence violences agression agressions offensive fusillade shooting shootings "
    "gunfire tirs irruption",
}
_AMBIGUOUS_WORDS = frozenset({"marche", "marches", "meeting", "colere", "suicide", "tirs", "raid"})
"""Known words too common in other senses to name a kind alone ('marché' is a market)."""
_LEXICON: dict[str, str] = {w: kind for kind, words in _KIND_WORDS.items() for w in words.split()}
"""The known words, for spelling correction: a word of a label within a typo of one of them is
read as it (`_correct`)."""
_LEXICON_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _word in sorted(_LEXICON):
    _LEXICON_BY_INITIAL[_word[0]] = (*_LEXICON_BY_INITIAL.get(_word[0], ()), _word)

TYPO_SIMILARITY = 0.8
"""A word of five letters or more is read as a known word of the same initial when their spelling
similarity (difflib ratio) is at least this: 'masacre', 'attaqeu', 'embucade'."""
STEM_CONFIDENCE = 0.85
WORD_CONFIDENCE = 0.85
"""A kind read from known words that no rule combines ('bombe artisanale', 'aerial'): agreement
counts, but never strongly against (below CONFIDENT)."""
LEARNED_WORD_MIN_REPORTS = 5
LEARNED_WORD_PURITY = 0.9
"""A word the rules do not know is learned from the data when it occurs in at least
LEARNED_WORD_MIN_REPORTS labels the rules read, at least LEARNED_WORD_PURITY of them of one kind."""
CONFIDENT = 0.9
"""Kinds read with at least this confidence on both sides may count strongly against a pair: by the
rules, through a one-letter typo of a long word, or by a word learned without exception."""


def _correct(token: str) -> tuple[str, float]:
    """A token as the known word it is a typo of (with the similarity), or as it is (1.0). A word of
    six letters or more that begins like a known word (its first six letters) is read as it with a
    confidence of STEM_CONFIDENCE ('assassinés', 'bombardés')."""
    if token in _LEXICON or len(token) < 5:
        return token, 1.0
    best, score = token, 0.0
    for word in _LEXICON_BY_INITIAL.get(token[0], ()):
        if abs(len(word) - len(token)) > 2:
            continue
        ratio = SequenceMatcher(None, token, word, autojunk=False).ratio()
        if ratio > score:
            best, score = word, ratio
    if score >= TYPO_SIMILARITY:
        return best, score
    if len(token) >= 6:
        for word in _LEXICON_BY_INITIAL.get(token[0], ()):
            if len(word) >= 6 and word[:6] == token[:6]:
                return word, STEM_CONFIDENCE
    return token, 1.0


def _rule_kind(text: str) -> str:
    for name, regex in _TYPE_RES:
        if regex.search(text):
            return name
    return ""


def event_kind(label: str) -> tuple[str, float]:
    """A French or English event label as a kind of event with a confidence in [0, 1]: one of
    EVENT_KINDS (protest, airstrike, ambush, explosive, abduction, clash, massacre, looting, attack),
    or ('', 0.0) when the words are not known. The most specific word wins ('attaque à l'engin
    explosif' is explosive). Words within a typo of a known word are read as it, with the confidence
    of their spelling similarity ('masacre' is massacre at 0.93)."""
    return _event_kind(normalize_name(label or ""))


@lru_cache(maxsize=65536)
def _event_kind(text: str) -> tuple[str, float]:
    if not text:
        return "", 0.0
    kind = _rule_kind(text)
    if kind:
        return kind, 1.0
    corrected, confidence = [], 1.0
    for token in text.split():
        word, score = _correct(token)
        corrected.append((word, score))
        confidence = min(confidence, score)
    kind = _rule_kind(" ".join(word for word, _ in corrected))
    if kind:
        return kind, round(confidence, 3)
    # no rule: the known words alone, the most specific kind first, never strongly against
    found = [
        (EVENT_KINDS.index(_LEXICON[word]), _LEXICON[word], score)
        for word, score in corrected
        if word in _LEXICON and word not in _AMBIGUOUS_WORDS
    ]
    if not found:
        return "", 0.0
    _, kind, score = min(found)
    return kind, round(min(score, WORD_CONFIDENCE), 3)


def event_type(label: str) -> str:
    """The kind of event of a label ('' when unknown): see `event_kind`."""
    return event_kind(label)[0]


class LabelVocabulary:
    """The event-label vocabulary of a run, learned from its labels: the hand rules and spelling
    correction (`event_kind`) read most labels; a word they do not know is learned as a sign of one
    kind when the labels they read that contain it are almost all of that kind
    (LEARNED_WORD_MIN_REPORTS, LEARNED_WORD_PURITY: 'tuerie de masse' teaches 'masse'). A label whose
    words are neither known nor learned stays unknown, which is neutral evidence."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}  # word -> kind -> labels read with it
        self.learned: dict[str, tuple[str, float]] = {}  # word -> (kind, purity)
        self._cache: dict[str, tuple[str, float]] = {}

    def learn(self, labels: Sequence[str]) -> None:
        """Count the words of the labels the rules read (each label as often as it occurs)."""
        changed = False
        for label, times in Counter(labels).items():
            text = normalize_name(label or "")
            kind, confidence = _event_kind(text)
            if not kind or confidence < 1.0:
                continue
            for word in set(text.split()):
                if len(word) < 4 or word in _LEXICON:
                    continue
                per_kind = self.counts.setdefault(word, {})
                per_kind[kind] = per_kind.get(kind, 0) + times
                changed = True
        if not changed:
            return
        self.learned = {}
        for word, per_kind in self.counts.items():
            total = sum(per_kind.values())
            kind, count = max(per_kind.items(), key=lambda item: (item[1], item[0]))
            if total >= LEARNED_WORD_MIN_REPORTS and count / total >= LEARNED_WORD_PURITY:
                self.learned[word] = (kind, round(count / total, 3))
        self._cache.clear()

    def kind(self, label: str) -> tuple[str, float]:
        """The kind of a label and the confidence: by the rules, else by the words learned (the
        first learned word of the label, confidence its purity scaled by 0.9)."""
        found = self._cache.get(label)
        if found is None:
            text = normalize_name(label or "")
            found = _event_kind(text)
            if not found[0]:
                for word in text.split():
                    if word in self.learned:
                        kind, purity = self.learned[word]
                        found = (kind, round(0.9 * purity, 3))
                        break
            self._cache[label] = found
        return found


TYPE_SAME = 1.5
TYPE_GENERIC = 0.3
"""'Attack' is compatible with any violent type: a weak agreement."""
TYPE_RELATED = 0.0
TYPE_DIFFERENT = -1.5
TYPE_INCOMPATIBLE = -8.0
"""Kinds of event that one incident cannot be (a protest and a killing, a battle and a looting, an
airstrike and a killing by non-state gunmen), both read with confidence: strong evidence against,
about as strong as the best agreement of date, place and actor together."""
_RELATED_TYPES = {
    frozenset({"massacre", "clash"}),  # a belligerent's 'clash' is another source's 'massacre'
    frozenset({"massacre", "airstrike"}),  # unless the massacre is by non-state gunmen
    frozenset({"ambush", "clash"}),
    frozenset({"ambush", "explosive"}),
    frozenset({"attack", "abduction"}),
    frozenset({"attack", "looting"}),  # a raid on a village: killings, cattle taken
    frozenset({"abduction", "looting"}),
    frozenset({"airstrike", "clash"}),  # air support in a battle
    frozenset({"airstrike", "explosive"}),  # 'bombing'
    frozenset({"protest", "looting"}),  # riots
}
_INCOMPATIBLE_TYPES = {
    frozenset({"protest", kind})
    for kind in ("airstrike", "ambush", "explosive", "abduction", "clash", "massacre")
} | {
    frozenset({"looting", "clash"}),
    frozenset({"looting", "airstrike"}),
    frozenset({"looting", "ambush"}),
    frozenset({"looting", "explosive"}),
    frozenset({"airstrike", "ambush"}),
    frozenset({"airstrike", "abduction"}),
}
_AIR_FORCES = frozenset({"state_forces", "foreign_forces", "un_mission"})
"""Who flies aircraft in the Sahel: an airstrike by anyone else is a misreading."""


def _non_state_only(r: Resolved) -> bool:
    """The report names perpetrators, none of whom can have flown an aircraft."""
    categories = {
        category for _, category in r.actors if category not in ("", "other", "civilians")
    }
    return bool(categories) and not categories & _AIR_FORCES


def _type_weight(a: Resolved, b: Resolved) -> float | None:
    """Same kind +1.5; 'attack' and a violent kind +0.3; related kinds 0; other kinds -1.5;
    kinds one incident cannot be (`_INCOMPATIBLE_TYPES`, or an airstrike beside a report naming
    only non-state perpetrators) -8 when both are read with confidence (CONFIDENT), else -1.5.
    Unknown on either side: UNKNOWN (what the vocabulary does not know is no evidence)."""
    ka, kb = a.type, b.type
    if not ka or not kb:
        return UNKNOWN
    confident = min(a.type_confidence, b.type_confidence) >= CONFIDENT
    if ka == kb:
        return TYPE_SAME
    pair = frozenset({ka, kb})
    if pair in _INCOMPATIBLE_TYPES or (
        "airstrike" in pair and _non_state_only(b if ka == "airstrike" else a)
    ):
        return TYPE_INCOMPATIBLE if confident else TYPE_DIFFERENT
    if pair in _RELATED_TYPES:
        return TYPE_RELATED
    if "attack" in pair and "protest" not in pair:
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


def _date_weight(a: Resolved, b: Resolved) -> float:
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


def _distance_weight(a: Resolved, b: Resolved, ref: Reference) -> float:
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


def _place_name_weight(a: Resolved, b: Resolved, ref: Reference) -> float:
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


def _same_source_weight(a: Resolved, b: Resolved) -> float:
    if not a.source or a.source != b.source:
        return 0.0
    if a.report.published and b.report.published and a.report.published != b.report.published:
        return SAME_SOURCE_UPDATE_WEIGHT
    return SAME_SOURCE_WEIGHT


def publication(r: Resolved) -> str:
    """The clustering's constraint: one publication (source and day) per incident."""
    if not r.source:
        return ""
    return f"{r.source}|{r.report.published.isoformat()}" if r.report.published else r.source


def levels(a: Resolved, b: Resolved, ref: Reference) -> dict[str, float | None]:
    """The hand-set weight of each field for a pair: also the pair's comparison level per field.
    UNKNOWN (None) when a field cannot be compared because one side says nothing the dictionaries
    know (no perpetrator they read, no label they read): weight 0 in every model, never learned."""
    return {
        "date": _date_weight(a, b),
        "distance": _distance_weight(a, b, ref),
        "place_name": _place_name_weight(a, b, ref),
        "actor": _actor_weight(a, b, ref),
        "type": _type_weight(a, b),
        "casualties": _casualty_weight(a.killed, b.killed),
        "same_source": _same_source_weight(a, b),
    }


# --------------------------------------------------------------------------------------------
# A report resolved once


def resolve(
    report: LinkReport,
    ref: Reference,
    cercle_index: list[PlaceEntry],
    *,
    index: int = 0,
    vocabulary: LabelVocabulary | None = None,
    actor_cache: dict[str, frozenset[tuple[str | None, str]]] | None = None,
) -> Resolved:
    """A report with its fields resolved for comparison: date window, place, perpetrators, type.
    ``cercle_index`` is ``ref.cercles()`` (computed once by the caller); ``vocabulary`` reads the
    event label (default: the rules alone, `event_kind`); ``actor_cache`` keeps the actors read
    from each perpetrator or target text (for one reference)."""
    start, end = window(report)
    r = Resolved(
        index,
        report,
        normalize_name(report.source or ""),
        start,
        end,
        (report.date_precision or "day").lower(),
    )
    resolve_place(r, ref, cercle_index)
    cache = {} if actor_cache is None else actor_cache
    for text in (report.perpetrator or "", report.target or ""):
        if text not in cache:
            cache[text] = resolve_actors(text, ref)
    r.actors = cache[report.perpetrator or ""]
    r.targets = cache[report.target or ""]
    r.known_actors, r.known_targets = _informative(r.actors), _informative(r.targets)
    r.type, r.type_confidence = (
        vocabulary.kind(report.event_label) if vocabulary else event_kind(report.event_label)
    )
    r.killed = report.killed
    return r


def block_keys(
    report: LinkReport,
    reference: Reference | None = None,
    cercle_index: list[PlaceEntry] | None = None,
) -> tuple[str, ...]:
    """The report's spatial blocks (cercle codes): its cercle, or the one or two cercles whose chief
    towns are nearest its coordinates; () when it cannot be placed."""
    ref = reference or default_reference()
    r = Resolved(0, report, "", report.event_date, report.event_date, report.date_precision)
    resolve_place(r, ref, ref.cercles() if cercle_index is None else cercle_index)
    return r.cercles
