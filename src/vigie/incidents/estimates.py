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
* An analyst may override the figures, with a reason (logged in the change log).

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

from .choices import HARMS, STATUSES

# A report's own figures, as a source gives them (Report columns and reports CSV columns).
CLAIM_FIELDS = ("killed", "killed_low", "killed_high", "civilians_killed", "combatants_killed", "injured", "abducted")

RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = (1, 2, 3, 4, 5, 6)
_TIERS = (("A", "B"), ("C",), ("D", "F"))
GRADES = ("confirmed", "fair", "weak", "contested", "discounted")

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
                values = [r.figures[key] for r in independent if r.reliability in tier and r.figures.get(key) is not None]
                if values:
                    best, _ = _median_low(values), best_from.add("independent" if harm == "killed" and status is None else "")
                    break
            if best is None:
                values = [r.figures[key] for r in credible if r.party and r.figures.get(key) is not None]
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
    for harm in HARMS:  # a part never exceeds the whole (the medians come from different reports)
        total = figures.get(f"{harm}_best")
        if total is not None:
            for status in STATUSES:
                part = figures.get(f"{harm}_{status}_best")
                if part is not None and part > total:
                    figures[f"{harm}_{status}_best"] = total
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


def _contradiction(credible: Sequence[ReportEvidence], independent: Sequence[ReportEvidence]) -> str:
    party = [r for r in credible if r.party]
    civilians = [r for r in independent if (r.figures.get("killed_civilian_best") or 0) > 0]
    if party and civilians and any(
        (r.figures.get("killed_combatant_best") or 0) > 0 and not r.figures.get("killed_civilian_best") for r in party
    ):
        return GRADE_REASONS["party_contradicts"]
    tolls = [r.figures["killed_best"] for r in independent if r.figures.get("killed_best") is not None]
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
        return "confirmed", GRADE_REASONS["confirmed_sources"].format(sources=len(sources)) if len(sources) >= 2 \
            else GRADE_REASONS["confirmed_credibility"]
    if len(sources) >= 2:
        return "fair", GRADE_REASONS["fair_sources"].format(sources=len(sources))
    if strong and any(r.credibility <= 2 for r in independent if r.reliability in ("A", "B")):
        return "fair", GRADE_REASONS["fair_reliable"]
    if not independent:
        return "weak", GRADE_REASONS["party_only"]
    return "weak", GRADE_REASONS["single_independent"]


def combine_figures(reports: Sequence[dict[str, int]],
                    official: Sequence[bool] | None = None) -> tuple[dict[str, int | None], str]:
    """Figures and rule for reports without grades (``official[i]``: report i is a party's statement)."""
    official = list(official) if official is not None else [False] * len(reports)
    result = estimate([ReportEvidence(figures=r, source=f"#{i}", party=o)
                       for i, (r, o) in enumerate(zip(reports, official, strict=True))])
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
            figures[f"{harm}_low"] = figures[f"{harm}_best"] = figures[f"{harm}_high"] = claims[harm]
    return figures
