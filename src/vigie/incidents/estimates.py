"""Casualty figures of an incident from the figures of its reports (plain Python, no Django).

The provisional rule (docs/methodology.md): never the sum of reports of the same incident; the
best estimate is the median of the best figures of the independent reports (an official statement,
a government's or an army's, is recorded in the range but does not set the best estimate when any
other source gives the figure: a party's own claim is not trusted alone); the range runs from the
lowest to the highest figure any report gives. The linkage work refines this with source reliability.
"""

from __future__ import annotations

from collections.abc import Sequence

from .choices import HARMS, STATUSES

# A report's own figures, as a source gives them (Report columns and reports CSV columns).
CLAIM_FIELDS = ("killed", "killed_low", "killed_high", "civilians_killed", "combatants_killed", "injured", "abducted")


def _median_low(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def combine_figures(reports: Sequence[dict[str, int]],
                    official: Sequence[bool] | None = None) -> tuple[dict[str, int | None], str]:
    """Combine per-report figures (keys like killed_best, killed_civilian_low) into incident figures.

    ``official[i]`` marks report i as an official statement (see the module's rule).
    """
    official = list(official) if official is not None else [False] * len(reports)
    figures: dict[str, int | None] = {}
    for harm in HARMS:
        for status in (None, *STATUSES):
            prefix = harm if status is None else f"{harm}_{status}"
            independent = [r[f"{prefix}_best"] for r, o in zip(reports, official, strict=True)
                           if not o and r.get(f"{prefix}_best") is not None]
            bests = independent or [r[f"{prefix}_best"] for r in reports if r.get(f"{prefix}_best") is not None]
            lows = [r.get(f"{prefix}_low", r.get(f"{prefix}_best")) for r in reports]
            highs = [r.get(f"{prefix}_high", r.get(f"{prefix}_best")) for r in reports]
            lows = [v for v in lows if v is not None]
            highs = [v for v in highs if v is not None]
            figures[f"{prefix}_best"] = _median_low(bests) if bests else None
            figures[f"{prefix}_low"] = min(lows) if lows else None
            figures[f"{prefix}_high"] = max(highs) if highs else None
            if figures[f"{prefix}_best"] is not None:
                if figures[f"{prefix}_low"] is not None and figures[f"{prefix}_low"] > figures[f"{prefix}_best"]:
                    figures[f"{prefix}_low"] = figures[f"{prefix}_best"]
                if figures[f"{prefix}_high"] is not None and figures[f"{prefix}_high"] < figures[f"{prefix}_best"]:
                    figures[f"{prefix}_high"] = figures[f"{prefix}_best"]
    count = len(reports)
    if count <= 1:
        rule = "single report: its own figures"
    elif any(official) and not all(official):
        rule = (f"median of the independent reports' best figures ({count - sum(official)} of {count}; "
                f"official statements in the range only); range from the lowest to the highest report")
    else:
        rule = f"median of {count} reports' best figures; range from the lowest to the highest report"
    return figures, rule


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
