"""Categories for actors the dictionary does not know, from the codes a dataset gives them.

The actor dictionary always wins; these rules only classify a name seen for the first time, and
the actor they create is flagged for review. docs/formats.md documents every rule.
"""

from __future__ import annotations

import re

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
_TERRORISTS = re.compile(r"\b(terroris\w*|armed men|hommes armes|assaillants|assailants|gunmen|bandits? armes)\b")
_UN = re.compile(r"\b(united nations|minusma|misma|un mission|nations unies|onu)\b")
_STATE = re.compile(r"\b(military forces of|police forces of|government of|gendarmerie|armed forces|forces armees)\b")
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


def category_from_acled_inter(name: str, inter: int, event_country: str) -> str:
    """ACLED's inter code (1 to 8) of an actor, refined by its name, as a Vigie category."""
    by_words = keyword_category(name)
    if inter == 1:
        country = country_of_state_actor(name)
        if country and event_country and country != normalize_name(event_country):
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


def category_from_ucdp_side(name: str, event_country: str) -> str:
    """A UCDP GED side ('Government of Mali', 'JNIM', 'Civilians') as a Vigie category."""
    text = normalize_name(name)
    if text.startswith("government of"):
        country = text.removeprefix("government of").strip()
        if event_country and country != normalize_name(event_country):
            return "foreign_forces"
        return "state_forces"
    return keyword_category(name) or "other"
