"""An incident's stored rule and grade reason, in the page's language.

vigie.incidents.estimates writes them in English from fixed phrases (RULE_PHRASES, GRADE_REASONS) with
numbers in them; that English text is what is stored, exported and given by the API. The pages show
it translated: each phrase is recognised by its English template, and its translated template is
filled with the same numbers. A phrase that is not recognised (a figure set by hand in the database,
a rule cut at its 200th character) is shown as it is stored.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop, pgettext

from .estimates import GRADE_REASONS, RULE_PHRASES, RULE_SEPARATOR

# The translatable template of each phrase, with the English phrase's {names} as %(names)s. Each
# English template (the msgid) reads exactly as the stored phrase, so English pages show what is stored.
RULE_TRANSLATIONS = {
    "single": gettext_noop("single report: its own figures"),
    "party_only": gettext_noop(
        "only a party's claim gives the toll (%(parties)s of %(count)s reports)"
    ),
    "median": gettext_noop(
        "median of the most reliable independent reports (%(independent)s of %(count)s)"
    ),
    "party_in_range": gettext_noop("party statements in the range only"),
    "range": gettext_noop("range from the lowest to the highest credible report"),
    "left_out": gettext_noop("%(left_out)s report(s) not credible, left out"),
    "analyst": gettext_noop("analyst's figures: %(reason)s"),
    "pending": gettext_noop(
        "%(pending)s report(s) waiting for an analyst's acceptance, not counted"
    ),
    "withheld": gettext_noop(
        "%(withheld)s report(s) that cannot be shown to the public, not counted"
    ),
    "none_accepted": gettext_noop("no accepted report yet: no figures"),
}
GRADE_REASON_TRANSLATIONS = {
    "no_credible": gettext_noop("no credible report (credibility 5 or an unreliable source)"),
    "party_contradicts": gettext_noop(
        "a party reports combatants killed where independent sources report civilians"
    ),
    "tolls_disagree": gettext_noop("independent tolls disagree (%(low)s to %(high)s)"),
    "perpetrators_differ": gettext_noop("reports blame perpetrators of different kinds"),
    "confirmed_sources": gettext_noop(
        "%(sources)s independent sources, at least one reliable (A-B)"
    ),
    "confirmed_credibility": gettext_noop("confirmed by other sources (credibility 1)"),
    "fair_sources": gettext_noop("%(sources)s independent sources, none graded A or B"),
    "fair_reliable": gettext_noop("one reliable source (A-B) whose report is probably true (1-2)"),
    "party_only": gettext_noop("only a party's own account"),
    "single_independent": gettext_noop("a single independent source"),
    "single_report": gettext_noop("a single report"),
    "none_accepted": gettext_noop("no report accepted by an analyst yet"),
}

_FIELD = re.compile(r"\\\{(\w+)\\\}")  # a {name} of a template, once escaped by re.escape
_FREE_TEXT = {"reason"}  # a field that is free text (an analyst's reason), not a number


def _pattern(template: str) -> re.Pattern:
    def field(match: re.Match) -> str:
        name = match.group(1)
        return rf"(?P<{name}>.*)" if name in _FREE_TEXT else rf"(?P<{name}>-?\d+)"

    return re.compile(_FIELD.sub(field, re.escape(template)), re.DOTALL)


def _patterns(english: dict[str, str], translated: dict[str, str]) -> list[tuple[re.Pattern, str]]:
    missing = sorted(set(english) - set(translated))
    if missing:  # a phrase added to estimates.py needs its translatable template here
        raise RuntimeError(f"vigie.incidents.wording has no template for {missing}")
    return [(_pattern(english[key]), translated[key]) for key in english]


_RULES = _patterns(RULE_PHRASES, RULE_TRANSLATIONS)
_REASONS = _patterns(GRADE_REASONS, GRADE_REASON_TRANSLATIONS)
_ANALYST = _pattern(RULE_PHRASES["analyst"])


def _phrase(text: str, patterns) -> str:
    for pattern, template in patterns:
        match = pattern.fullmatch(text)
        if match:
            return gettext(template) % match.groupdict()
    return text


def rule_text(rule: str | None) -> str:
    """An incident's estimate_rule in the active language, phrase by phrase."""
    if not rule:
        return ""
    if _ANALYST.fullmatch(rule):  # an analyst's reason is free text, "; " included: one phrase
        return _phrase(rule, _RULES)
    separator = pgettext("between the phrases of a rule", RULE_SEPARATOR)
    return separator.join(_phrase(part, _RULES) for part in rule.split(RULE_SEPARATOR))


def grade_reason_text(reason: str | None) -> str:
    """An incident's grade_reason in the active language."""
    if not reason:
        return ""
    return _phrase(reason, _REASONS)
