"""Casualty figures and a confidence grade of an incident from its reports (plain Python, no Django).

The rule, published in docs/methodology.md:

* Each report is graded: its source's reliability A-F (A completely reliable ... E unreliable,
  F cannot be judged) and the report's credibility 1-6 (1 confirmed by other sources ... 5
  improbable, 6 cannot be judged), as in the NATO/Admiralty system humanitarian analysts use.
* Credible reports: credibility 1-4 or 6, from a source not graded E. Reports of credibility 5 or
  from an E source are kept and shown, but set no figure.
* A party to the conflict (an army's or a government's statement, an armed group's claim) is not
  trusted alone: its figures enter the range, and set the best estimate only when no independent
  credible report gives that figure.
* Best estimate: the lower median of the independent credible reports of the most reliable tier
  that gives the figure (A-B, then C, then D and F). Never the sum of reports of one incident.
* Range: from the lowest to the highest figure of the credible reports (parties included).
* The parts fit inside the whole (``fit``, ``inconsistencies``): for each harm, low <= best <= high
  for the whole and for each part (civilian, combatant, unknown); the parts' lows add up to no more
  than the whole's low, their bests to no more than the whole's best, and no part's high exceeds the
  whole's high. The whole governs: a part that does not fit is lowered (civilians first, then
  combatants, then unknown status, each within what the previous ones left).
* An analyst may override the figures, with a reason (logged in the change log); the computed
  figures are fitted inside the analyst's, and figures of the analyst's own that do not fit together
  are refused.

Grades (first that applies): discounted (no credible report, or discounted by an analyst);
contested (a party's account contradicts the independent ones on who was killed, independent
credible tolls are incompatible, or reports blame perpetrators of different kinds); confirmed (at
least two independent credible sources, one of them graded A or B, or a report of credibility 1);
fair (two independent credible sources, or one graded A or B with credibility 1-2); weak (the rest:
one source, or only a party's claim).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .vocabulary import HARMS, STATUSES, Grade

# A report's own figures, as a source gives them (Report columns and reports CSV columns).
CLAIM_FIELDS = (
    "killed",
    "killed_low",
    "killed_high",
    "civilians_killed",
    "combatants_killed",
    "injured",
    "abducted",
)

RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = (1, 2, 3, 4, 5, 6)
_TIERS = (("A", "B"), ("C",), ("D", "F"))
GRADES = tuple(
    grade.value for grade in Grade
)  # ("confirmed", "fair", "weak", "contested", "discounted")

# The phrases of an estimate's rule and of a grade's reason, as stored (in English, with numbers in
# the {braces}): exports and the API give them as they are; the pages translate them phrase by phrase
# (vigie.incidents.wording). A rule is its phrases joined by RULE_SEPARATOR, cut at RULE_MAX_LENGTH.
RULE_PHRASES = {
    "single": "single report: its own figures",
    "party_only": "only a party's claim gives the toll ({parties} of {count} reports)",
    "median": "median of the most reliable independent reports ({independent} of {count})",
    "party_in_range": "party statements in the range only",
    "range": "range from the lowest to the highest credible report",
    "left_out": "{left_out} report(s) not credible, left out",
    "analyst": "analyst's figures: {reason}",  # vigie.incidents.services: an analyst's override
    # vigie.incidents.services: the reports the figures do not rest on (docs/methodology.md)
    "pending": "{pending} report(s) waiting for an analyst's acceptance, not counted",
    "withheld": "{withheld} report(s) that cannot be shown to the public, not counted",
    "none_accepted": "no accepted report yet: no figures",
}
RULE_SEPARATOR = "; "
RULE_MAX_LENGTH = 200
GRADE_REASONS = {
    "no_credible": "no credible report (credibility 5 or an unreliable source)",
    "party_contradicts": "a party reports combatants killed where independent sources report civilians",
    "tolls_disagree": "independent tolls disagree ({low} to {high})",
    "perpetrators_differ": "reports blame perpetrators of different kinds",
    "confirmed_sources": "{sources} independent sources, at least one reliable (A-B)",
    "confirmed_credibility": "confirmed by other sources (credibility 1)",
    "fair_sources": "{sources} independent sources, none graded A or B",
    "fair_reliable": "one reliable source (A-B) whose report is probably true (1-2)",
    "party_only": "only a party's own account",
    "single_independent": "a single independent source",
    "single_report": "a single report",  # vigie.interop: one imported report of credibility 6
    "none_accepted": "no report accepted by an analyst yet",  # vigie.incidents.services
}


@dataclass
class ReportEvidence:
    """What the estimate needs of one report."""

    figures: dict[str, int]  # incident-style figures (killed_best, killed_civilian_low...)
    source: str = ""  # identifies the source: reports of one source are not independent
    reliability: str = "F"
    credibility: int = 6
    party: bool = False
    perpetrator_kinds: frozenset[str] = field(default_factory=frozenset)

    @property
    def credible(self) -> bool:
        return self.credibility != 5 and self.reliability != "E"


@dataclass
class Estimate:
    figures: dict[str, int | None]
    rule: str
    grade: str
    grade_reason: str


def _median_low(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def estimate(reports: Sequence[ReportEvidence]) -> Estimate:
    """The incident's figures (low/best/high per harm and status) and grade, by the module's rule."""
    credible = [r for r in reports if r.credible]
    independent = [r for r in credible if not r.party]
    figures: dict[str, int | None] = {}
    best_from: set[str] = set()
    for harm in HARMS:
        for status in (None, *STATUSES):
            prefix = harm if status is None else f"{harm}_{status}"
            key = f"{prefix}_best"
            best = None
            for tier in _TIERS:
                values = [
                    r.figures[key]
                    for r in independent
                    if r.reliability in tier and r.figures.get(key) is not None
                ]
                if values:
                    best = _median_low(values)
                    best_from.add("independent" if harm == "killed" and status is None else "")
                    break
            if best is None:
                values = [
                    r.figures[key] for r in credible if r.party and r.figures.get(key) is not None
                ]
                if values:
                    best = _median_low(values)
                    if harm == "killed" and status is None:
                        best_from.add("party")
            lows = [r.figures.get(f"{prefix}_low", r.figures.get(key)) for r in credible]
            highs = [r.figures.get(f"{prefix}_high", r.figures.get(key)) for r in credible]
            lows = [v for v in lows if v is not None]
            highs = [v for v in highs if v is not None]
            low, high = (min(lows) if lows else None), (max(highs) if highs else None)
            if best is not None:
                low = best if low is None or low > best else low
                high = best if high is None or high < best else high
            figures[f"{prefix}_low"], figures[key], figures[f"{prefix}_high"] = low, best, high
    figures = fit(figures)  # the medians and the ranges come from different reports
    grade, reason = _grade(reports, credible, independent)
    return Estimate(figures, _rule(reports, credible, independent, best_from), grade, reason)


def _rule(reports, credible, independent, best_from) -> str:
    count = len(reports)
    left_out = count - len(credible)
    parties = len(credible) - len(independent)
    parts = []
    if count <= 1:
        parts.append(RULE_PHRASES["single"])
    elif "party" in best_from and "independent" not in best_from:
        parts.append(RULE_PHRASES["party_only"].format(parties=parties, count=count))
    else:
        parts.append(RULE_PHRASES["median"].format(independent=len(independent), count=count))
        if parties:
            parts.append(RULE_PHRASES["party_in_range"])
        parts.append(RULE_PHRASES["range"])
    if left_out:
        parts.append(RULE_PHRASES["left_out"].format(left_out=left_out))
    return RULE_SEPARATOR.join(parts)[:RULE_MAX_LENGTH]


def _independent_sources(reports: Sequence[ReportEvidence]) -> set[str]:
    return {r.source or f"#{i}" for i, r in enumerate(reports)}


def _contradiction(
    credible: Sequence[ReportEvidence], independent: Sequence[ReportEvidence]
) -> str:
    party = [r for r in credible if r.party]
    civilians = [r for r in independent if (r.figures.get("killed_civilian_best") or 0) > 0]
    if (
        party
        and civilians
        and any(
            (r.figures.get("killed_combatant_best") or 0) > 0
            and not r.figures.get("killed_civilian_best")
            for r in party
        )
    ):
        return GRADE_REASONS["party_contradicts"]
    tolls = [
        r.figures["killed_best"] for r in independent if r.figures.get("killed_best") is not None
    ]
    if len(tolls) >= 2 and max(tolls) > 2 * min(tolls) + 5:
        return GRADE_REASONS["tolls_disagree"].format(low=min(tolls), high=max(tolls))
    kinds = [r.perpetrator_kinds for r in credible if r.perpetrator_kinds]
    if len(kinds) >= 2 and not frozenset.intersection(*kinds):
        return GRADE_REASONS["perpetrators_differ"]
    return ""


def _grade(reports, credible, independent) -> tuple[str, str]:
    if not credible:
        return "discounted", GRADE_REASONS["no_credible"]
    contradiction = _contradiction(credible, independent)
    if contradiction:
        return "contested", contradiction
    sources = _independent_sources(independent)
    strong = any(r.reliability in ("A", "B") for r in independent)
    if (len(sources) >= 2 and strong) or any(r.credibility == 1 for r in independent):
        return "confirmed", GRADE_REASONS["confirmed_sources"].format(sources=len(sources)) if len(
            sources
        ) >= 2 else GRADE_REASONS["confirmed_credibility"]
    if len(sources) >= 2:
        return "fair", GRADE_REASONS["fair_sources"].format(sources=len(sources))
    if strong and any(r.credibility <= 2 for r in independent if r.reliability in ("A", "B")):
        return "fair", GRADE_REASONS["fair_reliable"]
    if not independent:
        return "weak", GRADE_REASONS["party_only"]
    return "weak", GRADE_REASONS["single_independent"]


LEVELS = ("low", "best", "high")
_LEVEL_WORDS = {"low": "low", "best": "best estimate", "high": "high"}


def _label(prefix: str) -> str:
    harm, _, status = prefix.partition("_")
    return f"{status} {harm}" if status else harm


def _whole_bound(figures: dict[str, int | None], harm: str, level: str) -> str | None:
    """The whole's figure the parts' ``level`` must fit in: the same level, or the next one known
    (the parts' lows fit in the whole's best when no low is known, or in its high)."""
    for upper in LEVELS[LEVELS.index(level) :]:
        if figures.get(f"{harm}_{upper}") is not None:
            return f"{harm}_{upper}"
    return None


def _at_least(figures: dict[str, int | None], prefix: str, level: str) -> int | None:
    """A part's figure at ``level``, or, when not known, the part's figure just below it (at least)."""
    for lower in reversed(LEVELS[: LEVELS.index(level) + 1]):
        if figures.get(f"{prefix}_{lower}") is not None:
            return figures[f"{prefix}_{lower}"]
    return None


def inconsistencies(figures: dict[str, int | None]) -> list[str]:
    """How ``figures`` break the rule that the parts fit inside the whole (empty when they keep it):
    low <= best <= high for each figure; the parts' lows add up to no more than the whole's low, their
    bests to no more than its best (or the whole's next level known, when that one is not); no part,
    at any level, above the whole's high."""
    problems = []
    for harm in HARMS:
        parts = [f"{harm}_{status}" for status in STATUSES]
        for prefix in (harm, *parts):
            known = [(level, figures.get(f"{prefix}_{level}")) for level in LEVELS]
            known = [(level, value) for level, value in known if value is not None]
            for (level, value), (next_level, next_value) in zip(known, known[1:], strict=False):
                if value > next_value:
                    problems.append(
                        f"{_label(prefix)}: the {_LEVEL_WORDS[level]} ({value}) is above the "
                        f"{_LEVEL_WORDS[next_level]} ({next_value})"
                    )
        for level in ("low", "best"):
            bound = _whole_bound(figures, harm, level)
            given = [(prefix, _at_least(figures, prefix, level)) for prefix in parts]
            given = [(prefix, value) for prefix, value in given if value is not None]
            if bound is not None and sum(value for _prefix, value in given) > figures[bound]:
                named = " + ".join(f"{_label(prefix)} {value}" for prefix, value in given)
                problems.append(
                    f"{named} ({_LEVEL_WORDS[level]}) is more than {harm} "
                    f"({figures[bound]}, {_LEVEL_WORDS[bound.rsplit('_', 1)[1]]})"
                )
        high = figures.get(f"{harm}_high")
        if high is not None:
            problems += [
                f"{_label(prefix)} ({figures[f'{prefix}_{level}']}, {_LEVEL_WORDS[level]}) above "
                f"{harm} ({high}, high)"
                for prefix in parts
                for level in LEVELS
                if (figures.get(f"{prefix}_{level}") or 0) > high
            ]
    return problems


def _order(figures: dict[str, int | None], prefix: str, fixed: frozenset[str]) -> None:
    """low <= best <= high for one figure, moving the figures that are not ``fixed``."""
    low, best, high = (f"{prefix}_{level}" for level in LEVELS)
    if figures.get(best) is not None:
        for bound, wrong in (
            (low, lambda v: v > figures[best]),
            (high, lambda v: v < figures[best]),
        ):
            if figures.get(bound) is not None and wrong(figures[bound]):
                if bound not in fixed:
                    figures[bound] = figures[best]
                elif best not in fixed:
                    figures[best] = figures[bound]
    if (
        figures.get(low) is not None
        and figures.get(high) is not None
        and figures[low] > figures[high]
    ):
        if high not in fixed:
            figures[high] = figures[low]
        elif low not in fixed:
            figures[low] = figures[high]


def _shrink_below(figures: dict[str, int | None], prefix: str, fixed: frozenset[str]) -> None:
    """A lowered high or best takes the levels below it down (they only shrink: the sums still hold)."""
    for upper, lower in (("high", "best"), ("best", "low"), ("high", "low")):
        top, below = f"{prefix}_{upper}", f"{prefix}_{lower}"
        if (
            figures.get(top) is not None
            and figures.get(below) is not None
            and figures[below] > figures[top]
            and below not in fixed
        ):
            figures[below] = figures[top]


def fit(
    figures: dict[str, int | None], fixed: frozenset[str] | set[str] = frozenset()
) -> dict[str, int | None]:
    """``figures`` made to keep the rule (``inconsistencies``): each figure in order, then the parts
    fitted inside the whole, level by level. The whole governs: parts that overflow it are lowered,
    civilians kept first. ``fixed`` figures (an analyst's) are not moved; the whole is raised to hold
    fixed parts. Only fixed figures that contradict each other can still break the rule."""
    figures = dict(figures)
    fixed = frozenset(fixed)
    for harm in HARMS:
        parts = [f"{harm}_{status}" for status in STATUSES]
        for prefix in (harm, *parts):
            _order(figures, prefix, fixed)
        for level in ("low", "best"):
            whole_name = _whole_bound(figures, harm, level)
            if whole_name is None:
                continue
            # Each part's figure at this level, or its low when it has no best (``_at_least``).
            names = [
                next(
                    f"{prefix}_{lower}"
                    for lower in ("best", "low")
                    if figures.get(f"{prefix}_{lower}") is not None
                )
                if level == "best"
                else f"{prefix}_low"
                for prefix in parts
                if _at_least(figures, prefix, level) is not None
            ]
            # A part's best stays at or above its fixed low.
            floors = {
                name: (figures.get(name.replace("_best", "_low")) or 0)
                if name.endswith("_best") and name.replace("_best", "_low") in fixed
                else 0
                for name in names
            }
            held_total = sum(figures[name] if name in fixed else floors[name] for name in names)
            if held_total > figures[whole_name] and whole_name not in fixed:
                figures[whole_name] = held_total
                _order(figures, harm, fixed | {whole_name})  # a raised whole keeps its order
            room = max(figures[whole_name] - held_total, 0)
            for name in names:
                if name not in fixed:
                    extra = min(max(figures[name] - floors[name], 0), room)
                    figures[name] = floors[name] + extra
                    room -= extra
            for prefix in parts:
                _shrink_below(figures, prefix, fixed)
        high_name = f"{harm}_high"
        if figures.get(high_name) is not None:  # no part above the whole's high, at any level
            names = [
                f"{prefix}_{level}"
                for prefix in parts
                for level in LEVELS
                if figures.get(f"{prefix}_{level}") is not None
            ]
            top = max((figures[name] for name in names if name in fixed), default=0)
            if top > figures[high_name] and high_name not in fixed:
                figures[high_name] = top
            for name in names:
                if name not in fixed:
                    figures[name] = min(figures[name], figures[high_name])
            for prefix in parts:
                _shrink_below(figures, prefix, fixed)
    return figures


def combine_figures(
    reports: Sequence[dict[str, int]], official: Sequence[bool] | None = None
) -> tuple[dict[str, int | None], str]:
    """Figures and rule for reports without grades (``official[i]``: report i is a party's statement)."""
    official = list(official) if official is not None else [False] * len(reports)
    result = estimate(
        [
            ReportEvidence(figures=r, source=f"#{i}", party=o)
            for i, (r, o) in enumerate(zip(reports, official, strict=True))
        ]
    )
    return result.figures, result.rule


def claims_to_casualties(claims: dict[str, int | None]) -> dict[str, int]:
    """One report's own figures as incident figures (low/best/high)."""
    figures: dict[str, int] = {}
    killed = claims.get("killed")
    low = claims.get("killed_low")
    high = claims.get("killed_high")
    if killed is not None or low is not None:
        best = killed if killed is not None else low
        figures["killed_best"] = best
        figures["killed_low"] = low if low is not None else best
        if high is not None or low is None:
            figures["killed_high"] = high if high is not None else best
    for claim, status in (("civilians_killed", "civilian"), ("combatants_killed", "combatant")):
        if claims.get(claim) is not None:
            figures[f"killed_{status}_best"] = claims[claim]
    for harm in ("injured", "abducted"):
        if claims.get(harm) is not None:
            figures[f"{harm}_low"] = figures[f"{harm}_best"] = figures[f"{harm}_high"] = claims[
                harm
            ]
    return figures
