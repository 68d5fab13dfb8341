"""Operations on incidents that touch several records (Django side): figures and grade from the
reports, the analyst's override, merge and split (logged and reversible), and linking the reports
of the database with the linkage engine (`vigie link`)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from vigie.actors.classify import keyword_category

from .choices import CASUALTY_FIELDS, CASUALTY_FIGURES, LinkAction, PairStatus
from .estimates import (
    CLAIM_FIELDS,
    GRADE_REASONS,
    RULE_MAX_LENGTH,
    RULE_PHRASES,
    RULE_SEPARATOR,
    ReportEvidence,
    claims_to_casualties,
    estimate,
    fit,
    inconsistencies,
)
from .models import Incident, LinkageRun, LinkOperation, LinkPair

# The incident fields a merge can change and a split restores (everything but bookkeeping).
_RESTORED = [
    f.attname for f in Incident._meta.concrete_fields if f.name not in ("id", "created", "updated")
]


_NOT_A_KIND = {"other", "civilians", "unidentified_armed_group"}
"""Perpetrator categories that say nothing about who did it ('hommes armés non identifiés')."""


def figure_basis(incident: Incident):
    """The reports an incident's figures rest on: its current reports that an analyst accepted (a
    dataset's or a reports file's rows are accepted as imported, a monitor's report once an analyst
    accepts it). A public incident's figures rest only on reports whose basis can be shown to the
    public: never a restricted report, nor a row of a source that may not be redistributed (ACLED);
    its public page lists every one of them (docs/methodology.md)."""
    from vigie.core.choices import Visibility

    reports = incident.reports.filter(is_current=True, accepted=True)
    if incident.visibility == Visibility.PUBLIC:
        reports = reports.shown_to_the_public()
    return reports


def _evidence(incident: Incident) -> list[ReportEvidence]:
    rows = figure_basis(incident).values(
        *CLAIM_FIELDS,
        "source_id",
        "source__reliability",
        "source__party",
        "source__kind",
        "credibility",
        "perpetrator_text",
    )
    evidence = []
    for r in rows:
        kind = keyword_category(r["perpetrator_text"]) if r["perpetrator_text"] else ""
        evidence.append(
            ReportEvidence(
                figures=claims_to_casualties({k: r[k] for k in CLAIM_FIELDS}),
                source=str(r["source_id"]),
                reliability=r["source__reliability"] or "F",
                credibility=r["credibility"] or 6,
                party=bool(r["source__party"]) or r["source__kind"] == "official",
                perpetrator_kinds=frozenset({kind})
                if kind and kind not in _NOT_A_KIND
                else frozenset(),
            )
        )
    return evidence


def refresh_from_reports(incident: Incident) -> Incident:
    """Recompute an incident's dates, casualty figures and grade from its current reports (change-logged).

    An analyst's figures (``figures_override``) replace the computed ones, with their reason."""
    current = list(
        incident.reports.filter(is_current=True).values("date_start", "date_end", "accepted")
    )
    if not current:
        return incident
    basis = list(figure_basis(incident).values("date_start", "date_end"))
    evidence = _evidence(incident)
    result = estimate(evidence)
    figures = with_override(result.figures, incident.figures_override)
    grade, grade_reason = result.grade, result.grade_reason
    pending = sum(1 for r in current if not r["accepted"])
    withheld = len(current) - pending - len(basis)
    if not evidence:  # nothing accepted yet: no figures until an analyst accepts a report
        rule, grade, grade_reason = (
            RULE_PHRASES["none_accepted"],
            "",
            GRADE_REASONS["none_accepted"],
        )
    else:
        rule = result.rule
    if pending:
        rule += RULE_SEPARATOR + RULE_PHRASES["pending"].format(pending=pending)
    if withheld:
        rule += RULE_SEPARATOR + RULE_PHRASES["withheld"].format(withheld=withheld)
    rule = rule[:RULE_MAX_LENGTH]
    if incident.figures_override:
        rule = RULE_PHRASES["analyst"].format(reason=incident.override_reason)[:RULE_MAX_LENGTH]
    reports = basis or current  # a pending report does not move a published incident's dates either
    split = {}
    for name, value in figures.items():
        if name in CASUALTY_FIELDS:
            setattr(incident, name, value)
        elif value is not None:
            split[name] = value
    incident.casualty_split = split
    incident.estimate_rule = rule
    incident.grade, incident.grade_reason = grade, grade_reason[:200]
    starts = [r["date_start"] for r in reports if r["date_start"]]
    ends = [r["date_end"] or r["date_start"] for r in reports if r["date_start"]]
    if starts:
        incident.date_start = min(starts)
        incident.date_end = max(ends)
    incident.save()
    return incident


def with_override(
    computed: dict[str, int | None], override: dict[str, int | None]
) -> dict[str, int | None]:
    """The computed figures with an analyst's in their place, the computed ones fitted inside the
    analyst's (vigie.incidents.estimates.fit: the parts within the whole, low <= best <= high)."""
    figures = {**computed, **(override or {})}
    return fit(
        figures, fixed={name for name, value in (override or {}).items() if value is not None}
    )


def set_figures(
    incident: Incident, figures: dict[str, int | None], reason: str, user=None
) -> Incident:
    """An analyst's figures for an incident. A reason is required; the change log keeps before/after.
    Empty ``figures`` removes the override (the computed figures return)."""
    from vigie.core.context import acting_as

    reason = (reason or "").strip()
    if figures and not reason:
        raise ValueError("an analyst's figures need a reason")
    unknown = sorted(set(figures) - set(CASUALTY_FIGURES))
    if unknown:
        raise ValueError(f"unknown figure(s): {', '.join(unknown)}")
    for name, value in figures.items():
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ValueError(f"{name}: a figure is a whole number, 0 or more (got {value!r})")
    if figures:
        problems = inconsistencies(with_override(estimate(_evidence(incident)).figures, figures))
        if problems:
            raise ValueError(
                "these figures do not fit together (the parts within the whole, low <= best "
                "<= high): " + "; ".join(problems)
            )
    with transaction.atomic(), acting_as(user):
        incident.figures_override = dict(figures)
        incident.override_reason = reason if figures else ""
        refresh_from_reports(incident)
    return incident


# --------------------------------------------------------------------------------------------
# Merge and split


def _state(incident: Incident) -> dict:
    from vigie.core.models import json_value

    return {name: json_value(getattr(incident, name)) for name in _RESTORED}


def merge(
    target: Incident, other: Incident, *, user=None, reason: str = "", origin: str = "analyst"
) -> LinkOperation:
    """Move every report of ``other`` into ``target``; ``other`` stays, marked merged into ``target``,
    so that a split of the same reports revives it as it was. Logged (LinkOperation and change log)."""
    if target.pk == other.pk:
        raise ValueError("an incident cannot be merged into itself")
    if target.merged_into_id or other.merged_into_id:
        raise ValueError("an incident already merged away cannot take part in a merge")
    if target.organisation_id != other.organisation_id:
        raise ValueError("incidents of different organisations are not merged (share them first)")
    with transaction.atomic():
        report_ids = sorted(other.reports.values_list("pk", flat=True))
        operation = LinkOperation.objects.create(
            action=LinkAction.MERGE,
            incident=target,
            other=other,
            report_ids=report_ids,
            reason=reason,
            user=user if getattr(user, "is_authenticated", False) else None,
            origin=origin,
            before={"incident": _state(target), "other": _state(other)},
        )
        other.reports.update(incident=target)
        other.merged_into = target
        other.save()
        refresh_from_reports(target)
        _pairs_between(report_ids, target).filter(status=PairStatus.REVIEW).update(
            status=PairStatus.CONFIRMED if origin == "analyst" else PairStatus.LINKED,
            decided_by=operation.user,
            decided_at=timezone.now(),
        )
    return operation


def _pairs_between(report_ids, incident: Incident):
    from django.db.models import Q

    others = list(incident.reports.exclude(pk__in=report_ids).values_list("pk", flat=True))
    return LinkPair.objects.filter(
        Q(report_a_id__in=report_ids, report_b_id__in=others)
        | Q(report_b_id__in=report_ids, report_a_id__in=others)
    )


def split(
    incident: Incident, report_ids, *, user=None, reason: str = ""
) -> tuple[LinkOperation, Incident]:
    """Take ``report_ids`` out of ``incident`` into another incident. When they are exactly the
    reports an earlier merge brought in, that merge is undone: the merged incident is revived and
    both incidents get back the state they had before it. Otherwise a new incident is made."""
    report_ids = sorted(int(pk) for pk in report_ids)
    current = sorted(incident.reports.values_list("pk", flat=True))
    if not report_ids:
        raise ValueError("choose at least one report to split off")
    if not set(report_ids) <= set(current):
        raise ValueError("these reports are not all in this incident")
    if len(report_ids) == len(current):
        raise ValueError("a split leaves at least one report in the incident")
    with transaction.atomic():
        merge_op = (
            LinkOperation.objects.filter(
                action=LinkAction.MERGE,
                incident=incident,
                undone_by__isnull=True,
                report_ids=report_ids,
            )
            .order_by("-id")
            .first()
            if report_ids
            else None
        )
        if merge_op is not None and merge_op.other.merged_into_id == incident.pk:
            other = merge_op.other
            Incident.objects.filter(pk=other.pk).update(merged_into=None)
            incident.reports.filter(pk__in=report_ids).update(incident=other)
            _restore(other, merge_op.before["other"])
            _restore(incident, merge_op.before["incident"])
        else:
            other = Incident.objects.get(pk=incident.pk)
            other.pk = None
            other.key = ""
            other.merged_into = None
            other.figures_override = {}
            other.override_reason = ""
            other.save()
            incident.reports.filter(pk__in=report_ids).update(incident=other)
            refresh_from_reports(other)
            refresh_from_reports(incident)
            merge_op = None
        operation = LinkOperation.objects.create(
            action=LinkAction.SPLIT,
            incident=incident,
            other=other,
            report_ids=report_ids,
            reason=reason,
            user=user if getattr(user, "is_authenticated", False) else None,
            before={},
        )
        if merge_op is not None:
            merge_op.undone_by = operation
            merge_op.save(update_fields=["undone_by"])
        _pairs_between(report_ids, incident).filter(
            status__in=[PairStatus.LINKED, PairStatus.CONFIRMED]
        ).update(status=PairStatus.REJECTED, decided_by=operation.user, decided_at=timezone.now())
        from .teaching import label_split

        label_split(incident, report_ids, user=user)
    return operation, other


def _restore(incident: Incident, state: dict) -> None:
    fresh = Incident.objects.get(pk=incident.pk)
    for name in _RESTORED:
        setattr(fresh, name, Incident._meta.get_field(name).to_python(state[name]))
    fresh.save()
    incident.refresh_from_db()


def reject_pair(pair: LinkPair, *, user=None) -> LinkPair:
    """An analyst says two reports are not one incident: the engine will not propose them again."""
    pair.status = PairStatus.REJECTED
    pair.decided_by = user if getattr(user, "is_authenticated", False) else None
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    return pair


# --------------------------------------------------------------------------------------------
# Linking the database's reports


_PRECISION = {
    "exact": "exact",
    "near": "near",
    "admin3": "admin3",
    "admin2": "admin2",
    "admin1": "admin1",
    "country": "country",
}


def _link_report(row: dict):
    from vigie.linkage.engine import LinkReport

    return LinkReport(
        report_id=str(row["pk"]),
        source=str(row["source_id"]),
        event_date=row["date_start"],
        published=row["published"],
        event_date_end=row["date_end"],
        date_precision=row["date_precision"] or "day",
        location=row["location_text"] or row["admin3_text"],
        admin1=row["admin1_text"],
        admin2=row["admin2_text"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        geo_precision=_PRECISION.get(row["geo_precision"], ""),
        perpetrator=row["perpetrator_text"],
        target=row["target_text"],
        event_label=row["event_label"]
        or (row["sub_event_type"] or row["event_type"] or "").replace("_", " "),
        killed=row["killed"],
    )


_REPORT_FIELDS = (
    "pk",
    "source_id",
    "date_start",
    "date_end",
    "published",
    "date_precision",
    "location_text",
    "admin3_text",
    "admin1_text",
    "admin2_text",
    "latitude",
    "longitude",
    "geo_precision",
    "perpetrator_text",
    "target_text",
    "event_label",
    "sub_event_type",
    "event_type",
    "killed",
    "incident_id",
)


def link_database(*, organisation=None, relink: bool = False, user=None) -> LinkageRun:
    """Link the reports not yet placed by the engine to each other and to the incidents around them.

    Reports already placed (by an earlier run or an analyst) keep their incidents; the engine never
    merges two incidents that were both already placed (an analyst does, from the review queue).
    Each organisation's incidents are linked apart from the others'. Pairs joined are recorded as
    'linked', pairs between the thresholds as 'review'; an analyst's 'rejected' pair stays rejected.
    """
    from vigie.linkage.engine import Linker, Model
    from vigie.reports.models import Report

    run = LinkageRun.objects.create(organisation=organisation)
    base = Report.objects.filter(
        is_current=True, incident__in=Incident.objects.current(), date_start__isnull=False
    )
    if organisation is not None:
        base = base.filter(incident__organisation=organisation)
    if relink:
        base.update(linked_at=None)
    last = LinkageRun.objects.exclude(pk=run.pk).exclude(model={}).order_by("-started").first()
    stored = Model.from_json(last.model) if last else None
    from .teaching import current_version

    version_used = None
    totals = {"reports": 0, "comparisons": 0, "merges": 0, "review": 0}
    model_used = None
    organisations = set(
        base.filter(linked_at__isnull=True)
        .order_by()
        .values_list("incident__organisation_id", flat=True)
    )
    for organisation_id in sorted(organisations, key=lambda v: (v is None, v or 0)):
        scope = base.filter(incident__organisation_id=organisation_id)
        new_rows = list(scope.filter(linked_at__isnull=True).values(*_REPORT_FIELDS))
        if not new_rows:
            continue
        first = min(r["date_start"] for r in new_rows) - datetime.timedelta(days=10)
        last_day = max(r["date_start"] for r in new_rows) + datetime.timedelta(days=10)
        held_rows = list(
            scope.filter(linked_at__isnull=False, date_start__range=(first, last_day)).values(
                *_REPORT_FIELDS
            )
        )
        # a model trained from the organisation's answers, when there is one; else learned by EM
        version = current_version(organisation_id)
        if version is not None:
            version_used = version
        linker = Linker(model=Model.from_json(version.parameters) if version else None)
        linker.seed(
            [_link_report(r) for r in held_rows],
            {str(r["pk"]): f"E{r['incident_id']}" for r in held_rows},
        )
        fresh = [_link_report(r) for r in new_rows]
        together = {str(r["pk"]): f"P{r['incident_id']}" for r in new_rows}
        result = linker.add(fresh, together=together, fallback=stored)
        model_used = result.model
        totals["reports"] += len(fresh)
        totals["comparisons"] += result.comparisons
        merges, review = _apply(linker, new_rows, held_rows, result, user=user, run=run)
        totals["merges"] += merges
        totals["review"] += review
    Report.objects.filter(pk__in=base.filter(linked_at__isnull=True).values("pk")).update(
        linked_at=timezone.now()
    )
    run.model = model_used.as_json() if model_used is not None else (last.model if last else {})
    run.model_version = version_used
    run.finished = timezone.now()
    for name, value in totals.items():
        setattr(run, name, value)
    run.save()
    return run


def _apply(linker, new_rows, held_rows, result, *, user=None, run=None) -> tuple[int, int]:
    groups: dict[str, set[int]] = {}
    labels = linker.incident_of()
    for row in new_rows:
        groups.setdefault(labels[str(row["pk"])], set()).add(row["incident_id"])
    merges = 0
    for label, incident_ids in sorted(groups.items()):
        ids = set(incident_ids)
        if label.startswith("E"):
            target_id = int(label[1:])
            ids.add(target_id)
        else:
            target_id = min(ids)
        target = Incident.objects.get(pk=target_id)
        for other_id in sorted(ids - {target_id}):
            other = Incident.objects.get(pk=other_id)
            if other.merged_into_id:
                continue
            merge(target, other, user=user, reason="linkage engine", origin="engine")
            merges += 1
    # record the pairs: why reports were joined, and what waits for an analyst
    from vigie.reports.models import Report

    model = result.model
    ids = {int(p.a) for p in result.pairs} | {int(p.b) for p in result.pairs}
    final = dict(Report.objects.filter(pk__in=ids).values_list("pk", "incident_id"))
    existing = set(
        LinkPair.objects.filter(report_a_id__in=ids).values_list("report_a_id", "report_b_id")
    )
    rows, review = [], 0
    for pair in result.pairs:
        a, b = sorted((int(pair.a), int(pair.b)))
        if (a, b) in existing:
            continue
        log_odds = pair.score + model.prior
        if final.get(a) == final.get(b):
            status = PairStatus.LINKED
        elif pair.score >= model.review_threshold:
            status = PairStatus.REVIEW
            review += 1
        else:
            continue
        rows.append(
            LinkPair(
                report_a_id=a,
                report_b_id=b,
                score=pair.score,
                log_odds=round(log_odds, 4),
                weights=pair.weights,
                status=status,
                run=run,
            )
        )
    LinkPair.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return merges, review
