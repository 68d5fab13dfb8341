"""Categories for actors the dictionary does not know, from the codes a dataset gives them.

The actor dictionary always wins; these rules only classify a name seen for the first time, and
the actor they create is flagged for review. docs/formats.md documents every rule.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vigie.core.text import normalize_name

_JIHADIST = re.compile(
    r"\b(jnim|gsim|islam\w*|is sahel|isgs|eigs|iswap|al qaeda|al qaida|aqim|aqmi|katiba|ansar\w*|"
    r"mujahid\w*|jihad\w*|mujao|mujwa|macina liberation|front de liberation du macina|boko haram|mourabitoun\w*)\b"
)
_MILITIA = re.compile(
    r"\b(militias?|milices?|self defen[cs]e|auto defense|autodefense|dozos?|donsos?|hunters?|chasseurs?|"
    r"dan na ambassagou|koglweogo|communal|vigilantes?|ganda koy|ganda izo)\b"
)
_CIVILIANS = re.compile(
    r"\b(civilians?|civils?|villageois|villagers?|habitants?|residents?|populations?|wedding|mariage|"
    r"passengers?|passagers?|women|femmes|children|enfants|traders?|commercants?|farmers?|cultivateurs?|"
    r"herders?|eleveurs?|displaced|deplaces|refugees?|refugies|worshippers?|fideles|ethnic group|"
    r"community members?|civil society)\b"
)
# A party's supporters, or a party named after Islam (Bangladesh's Jamaat-e-Islami and its students'
# wing): political actors, whatever the words "Islami" or "Islamic" in their names.
_POLITICAL = re.compile(
    r"^(supporters?|partisans?|sympathi[sz]ers?|followers?) (of|de|du|des)\b|"
    r"\b(jamaat [ei] islami|islami chhatra|chhatra shibir|islamic party|parti islamique)\b"
)
_TERRORISTS = re.compile(
    r"\b(terroris\w*|armed men|hommes armes|assaillants|assailants|gunmen|bandits? armes)\b"
)
_UN = re.compile(r"\b(united nations|minusma|misma|un mission|nations unies|onu)\b")
_STATE = re.compile(
    r"\b(military forces of|police forces of|government of|gendarmerie|armed forces|forces armees)\b"
)
_PARENTHESES = re.compile(r"\([^)]*\)")
_COUNTRY_IN_NAME = re.compile(r"(?:military|police) forces of ([a-z ]+?)(?: \d{4}.*)?$")


def country_of_state_actor(name: str) -> str:
    """'Military Forces of Burkina Faso (2022-)' -> 'burkina faso' (normalised), or ''."""
    match = _COUNTRY_IN_NAME.search(normalize_name(name))
    return match.group(1).strip() if match else ""


def keyword_category(name: str) -> str:
    """A category from the words of a name alone, or '' when the words say nothing.

    The order matters: a militia named after a community is a militia ('Dogon militia'); people
    named after their community are civilians ('villageois peuls'); a community's name alone says
    nothing about who they are in an incident, so it gives no category.
    """
    text = normalize_name(name)
    if "unidentified" in text or "non identifi" in text:
        return "unidentified_armed_group"
    if _UN.search(text):
        return "un_mission"
    if text.startswith("protesters") or text.startswith("manifestants"):
        return "protesters"
    if text.startswith("rioters") or text.startswith("emeutiers"):
        return "rioters"
    if _POLITICAL.search(text):
        return "political_militia"
    if _JIHADIST.search(text):
        return "jihadist_group"
    if _MILITIA.search(text):
        return "community_militia"
    if _CIVILIANS.search(text):
        return "civilians"
    if _STATE.search(text):
        return "state_forces"
    if _TERRORISTS.search(text):
        return "unidentified_armed_group"
    return ""


STATE_CATEGORIES = frozenset({"state_forces", "foreign_forces"})


def is_state_actor(name: str) -> bool:
    """A state's forces or government named after its country ('Government of Mali', 'Military Forces of
    Mali (2021-)', 'Police Forces of Niger'): state forces at home, foreign forces elsewhere."""
    text = normalize_name(name)
    return text.startswith("government of") or bool(country_of_state_actor(name))


def state_country(name: str) -> str:
    """The country a state actor's name names ('Government of Russia (Soviet Union)' -> 'russia'), or ''."""
    text = normalize_name(_PARENTHESES.sub(" ", name))
    if text.startswith("government of"):
        return text.removeprefix("government of").strip()
    return country_of_state_actor(name)


def category_in_context(own: str, in_event: str) -> str:
    """An actor's category in one event: the dictionary's (or the actor's) own category, except that a
    state's forces are state forces in their own country and foreign forces in another one, as the
    event's country and the actor's name say (``in_event``, the category the dataset's codes give)."""
    if own in STATE_CATEGORIES and in_event in STATE_CATEGORIES:
        return in_event
    return own or in_event or "other"


# Where a comma does not separate two actors: the tail of a country's name written backwards
# ("Congo, Democratic Republic of") or a list inside one name ("Bonaire, Sint Eustatius and Saba").
_NAME_CONTINUES = re.compile(
    r"^((the|democratic|islamic|people s|federal|united|federated) )*"
    r"(republic|kingdom|state|states|emirates|north|south|sint eustatius|ascension|of)( .*)?$"
)


def split_actor_names(value: str) -> list[str]:
    """The actors a dataset lists in one field ("GATIA, MSA"; ACLED's "A; B"), each once, in order
    (see _split_actor_names)."""
    if "," not in value and ";" not in value:  # one name, or none: most fields
        name = value.strip()
        return [name] if name else []
    return list(_split_actor_names(value))


@lru_cache(maxsize=65_536)
def _split_actor_names(value: str) -> tuple[str, ...]:
    """The actors a dataset lists in one field ("GATIA, MSA"; ACLED's "A; B"), each once, in order.

    Semicolons always separate actors; commas do, except inside parentheses ("Military Forces of Mali
    (2012-2013, 2021-)") and before a part that continues the name before it: one that starts in
    lower case, or the tail of a country's name written backwards ("Congo, Democratic Republic of").
    """
    names: list[str] = []
    for chunk in value.split(";"):
        parts: list[str] = []
        depth = 0
        current: list[str] = []
        for char in chunk:
            if char in "([":
                depth += 1
            elif char in ")]":
                depth = max(depth - 1, 0)
            if char == "," and depth == 0:
                parts.append("".join(current))
                current = []
            else:
                current.append(char)
        parts.append("".join(current))
        in_chunk: list[str] = []
        for part in (p.strip() for p in parts):
            if not part:
                continue
            if in_chunk and (part[:1].islower() or _NAME_CONTINUES.match(normalize_name(part))):
                in_chunk[-1] = f"{in_chunk[-1]}, {part}"
            else:
                in_chunk.append(part)
        names.extend(in_chunk)
    return tuple(dict.fromkeys(names))


def category_from_acled_inter(name: str, inter: int, event_country: str) -> str:
    """ACLED's inter code (1 to 8) of an actor, refined by its name, as a Vigie category."""
    by_words = keyword_category(name)
    if inter == 1:
        country = country_of_state_actor(name)
        if country and event_country and not same_country(country, event_country):
            return "foreign_forces"
        return "state_forces"
    if inter == 2:
        return "jihadist_group" if by_words == "jihadist_group" else "separatist_group"
    if inter == 3:
        if by_words in ("unidentified_armed_group", "jihadist_group", "community_militia"):
            return by_words
        return "political_militia"
    if inter == 4:
        return "community_militia"
    if inter == 5:
        return "rioters"
    if inter == 6:
        return "protesters"
    if inter == 7:
        return "civilians"
    if inter == 8:
        if by_words == "un_mission":
            return "un_mission"
        if by_words in ("civilians", "unidentified_armed_group"):
            return by_words
        return "foreign_forces"
    return by_words or "other"


def _country_names(name: str) -> set[str]:
    """'Russia (Soviet Union)' -> {'russia', 'soviet union'}: UCDP writes a state's former name after it."""
    names = {normalize_name(_PARENTHESES.sub(" ", name))}
    names.update(normalize_name(inner) for inner in re.findall(r"\(([^)]*)\)", name))
    return {n for n in names if n}


def same_country(first: str, second: str) -> bool:
    return bool(_country_names(first) & _country_names(second))


def category_from_ucdp_side(name: str, event_country: str) -> str:
    """A UCDP GED side ('Government of Mali', 'JNIM', 'Civilians') as a Vigie category."""
    text = normalize_name(name)
    if text.startswith("government of"):
        country = name.strip()[len("government of") :]
        if event_country and not same_country(country, event_country):
            return "foreign_forces"
        return "state_forces"
    return keyword_category(name) or "other"
