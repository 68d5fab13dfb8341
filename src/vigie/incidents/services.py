"""Operations on incidents that touch several records (Django side)."""

from __future__ import annotations

from .choices import CASUALTY_FIELDS
from .estimates import CLAIM_FIELDS, claims_to_casualties, combine_figures
from .models import Incident


def refresh_from_reports(incident: Incident) -> Incident:
    """Recompute an incident's dates and casualty figures from its current reports (change-logged)."""
    reports = list(incident.reports.filter(is_current=True).values(*CLAIM_FIELDS, "date_start", "date_end", "source__kind"))
    if not reports:
        return incident
    figures, rule = combine_figures([claims_to_casualties({k: r[k] for k in CLAIM_FIELDS}) for r in reports],
                                    official=[r["source__kind"] == "official" for r in reports])
    split = {}
    for name, value in figures.items():
        if name in CASUALTY_FIELDS:
            setattr(incident, name, value)
        elif value is not None:
            split[name] = value
    incident.casualty_split = split
    incident.estimate_rule = rule
    starts = [r["date_start"] for r in reports if r["date_start"]]
    ends = [r["date_end"] or r["date_start"] for r in reports if r["date_start"]]
    if starts:
        incident.date_start = min(starts)
        incident.date_end = max(ends)
    incident.save()
    return incident
