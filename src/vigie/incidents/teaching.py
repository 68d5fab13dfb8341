"""Analysts teach the linkage engine (Django side): their answers stored as labelled pairs, models
trained from them and kept as numbered versions, and the questions the engine asks.

The learning itself is plain Python in vigie.linkage.learning; this module reads and writes the
database around it. Every write goes through a change-logged model (LabelledPair, LinkModelVersion).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .choices import PairStatus
from .models import Incident, LabelledPair, LinkageRun, LinkModelVersion, LinkPair

SPLIT_LABELS = 25
"""Pairs labelled 'two incidents' by one split, at most (moved report x remaining report)."""
QUESTIONS = 20
"""Questions asked per round by `vigie linkage questions`."""
POOL_DAYS = 365
"""Training and questions read the candidate pairs of the reports of the last year (by event date)."""


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def current_version(organisation_id) -> LinkModelVersion | None:
    """The newest model trained for an organisation (None: the engine learns its own by EM)."""
    return (
        LinkModelVersion.objects.filter(organisation_id=organisation_id).order_by("-number").first()
    )


def _model_of(version: LinkModelVersion | None):
    from vigie.linkage.engine import HAND, Model

    if version is not None:
        return Model.from_json(version.parameters)
    last = LinkageRun.objects.exclude(model={}).order_by("-started").first()
    return Model.from_json(last.model) if last else HAND


def _vectors(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dict[str, float]]:
    """The comparison vector of each pair of report ids, from the reports as stored."""
    from vigie.linkage.learning import comparison_vector
    from vigie.reports.models import Report

    from .services import _REPORT_FIELDS, _link_report

    ids = {i for pair in pairs for i in pair}
    rows = {
        r["pk"]: _link_report(r) for r in Report.objects.filter(pk__in=ids).values(*_REPORT_FIELDS)
    }
    return {
        (a, b): comparison_vector(rows[a], rows[b])
        for a, b in pairs
        if a in rows and b in rows and rows[a].event_date and rows[b].event_date
    }


def record_labels(
    pairs: list[tuple[int, int]],
    match: bool,
    origin: str,
    *,
    user=None,
    organisation_id=None,
    link_pairs: dict[tuple[int, int], LinkPair] | None = None,
) -> list[LabelledPair]:
    """Store an analyst's answer about each pair of report ids, with its comparison vector now."""
    from vigie.linkage.learning import log_odds

    ordered = sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})
    if not ordered:
        return []
    version = current_version(organisation_id)
    model = _model_of(version)
    vectors = _vectors(ordered)
    stored = []
    for a, b in ordered:
        levels = vectors.get((a, b))
        if levels is None:
            continue
        stored.append(
            LabelledPair.objects.create(
                report_a_id=a,
                report_b_id=b,
                match=match,
                origin=origin,
                levels=levels,
                log_odds=round(log_odds(model, levels), 4),
                model_version=version,
                organisation_id=organisation_id,
                pair=(link_pairs or {}).get((a, b)),
                user=_user(user),
            )
        )
    return stored


def label_pair_decision(pair: LinkPair, match: bool, *, user=None, answer: bool = False) -> None:
    """A pair decided in the review queue (merged or rejected), or a question answered."""
    from vigie.reports.models import Report

    organisation_id = (
        Report.objects.filter(pk=pair.report_a_id)
        .values_list("incident__organisation_id", flat=True)
        .first()
    )
    origin = (
        LabelledPair.Origin.ANSWER
        if answer
        else (LabelledPair.Origin.MERGE if match else LabelledPair.Origin.REJECT)
    )
    key = (min(pair.report_a_id, pair.report_b_id), max(pair.report_a_id, pair.report_b_id))
    record_labels(
        [key], match, origin, user=user, organisation_id=organisation_id, link_pairs={key: pair}
    )


def label_split(incident: Incident, moved: list[int], *, user=None) -> None:
    """A split says the moved reports and those left are two incidents: label pairs across them
    (those the engine compared first, then others, at most SPLIT_LABELS)."""
    left = sorted(incident.reports.exclude(pk__in=moved).values_list("pk", flat=True))
    across = [(min(a, b), max(a, b)) for a in moved for b in left]
    compared = set(
        LinkPair.objects.filter(
            Q(report_a_id__in=moved, report_b_id__in=left)
            | Q(report_b_id__in=moved, report_a_id__in=left)
        ).values_list("report_a_id", "report_b_id")
    )
    across.sort(key=lambda p: (p not in compared, p))
    record_labels(
        across[:SPLIT_LABELS],
        False,
        LabelledPair.Origin.SPLIT,
        user=user,
        organisation_id=incident.organisation_id,
    )


def backfill() -> int:
    """Label the review queue's decisions taken before answers were stored (confirmed and rejected
    pairs without a label). Returns the number of labels added."""
    labelled = set(LabelledPair.objects.values_list("report_a_id", "report_b_id"))
    added = 0
    decided = LinkPair.objects.filter(status__in=[PairStatus.CONFIRMED, PairStatus.REJECTED])
    for pair in decided.select_related("report_a__incident").order_by("id").iterator():
        key = (min(pair.report_a_id, pair.report_b_id), max(pair.report_a_id, pair.report_b_id))
        if key in labelled:
            continue
        origin = (
            LabelledPair.Origin.MERGE
            if pair.status == PairStatus.CONFIRMED
            else LabelledPair.Origin.REJECT
        )
        stored = record_labels(
            [key],
            pair.status == PairStatus.CONFIRMED,
            origin,
            user=pair.decided_by,
            organisation_id=pair.report_a.incident.organisation_id,
            link_pairs={key: pair},
        )
        added += len(stored)
    return added


def answers_of(organisation_id):
    """The answers to train from: the latest label of each pair of reports."""
    from vigie.linkage.learning import Answer

    latest: dict[tuple[int, int], LabelledPair] = {}
    for label in LabelledPair.objects.filter(organisation_id=organisation_id).order_by(
        "time", "id"
    ):
        latest[(label.report_a_id, label.report_b_id)] = label
    return [Answer(label.levels, label.match) for label in latest.values()]


def train(organisation=None, *, user=None) -> LinkModelVersion | None:
    """Train a model from the organisation's answers and its recent reports' candidate pairs
    (vigie.linkage.learning.train) and keep it as the next version; None when there is no answer."""
    from vigie.linkage.learning import answer_scores, cross_validated_scores
    from vigie.linkage.learning import train as train_model

    organisation_id = getattr(organisation, "pk", None)
    answers = answers_of(organisation_id)
    if not answers:
        return None
    before = _model_of(current_version(organisation_id))
    _rows, pool = _pool(organisation_id)
    vectors = [c.levels for c in pool]
    model = train_model(answers, vectors)
    after = cross_validated_scores(answers, vectors)
    was = answer_scores(before, answers)
    with transaction.atomic():
        previous = current_version(organisation_id)
        return LinkModelVersion.objects.create(
            number=(previous.number + 1) if previous else 1,
            organisation_id=organisation_id,
            parameters=model.as_json(),
            answers=len(answers),
            matches=sum(a.match for a in answers),
            precision=round(after.precision, 4),
            recall=round(after.recall, 4),
            precision_before=round(was.precision, 4),
            recall_before=round(was.recall, 4),
            trained_by=_user(user),
        )


def _pool(organisation_id, days: int = POOL_DAYS):
    """The organisation's current reports of the last ``days`` days (by event date, up to the newest)
    and the candidate pairs the engine compares among them."""
    from vigie.linkage.learning import candidates
    from vigie.reports.models import Report

    from .services import _REPORT_FIELDS, _link_report

    reports = Report.objects.filter(
        is_current=True,
        incident__in=Incident.objects.current(),
        incident__organisation_id=organisation_id,
        date_start__isnull=False,
    )
    newest = reports.order_by("-date_start").values_list("date_start", flat=True).first()
    if newest is None:
        return [], []
    rows = list(
        reports.filter(date_start__gte=newest - datetime.timedelta(days=days)).values(
            *_REPORT_FIELDS
        )
    )
    return rows, candidates([_link_report(r) for r in rows])


def ask(organisation=None, n: int = QUESTIONS) -> list[LinkPair]:
    """Choose the pairs that would teach the engine most among the organisation's recent reports and
    put them to analysts: each becomes a pair of the review queue marked as a question from the engine
    (or, already one incident, a question of the linkage page)."""
    from vigie.linkage.learning import choose_questions, log_odds

    organisation_id = getattr(organisation, "pk", None)
    rows, pool = _pool(organisation_id)
    incident_of = {r["pk"]: r["incident_id"] for r in rows}
    asked = set(
        LinkPair.objects.filter(
            Q(asked_at__isnull=False) | Q(status__in=[PairStatus.CONFIRMED, PairStatus.REJECTED])
        ).values_list("report_a_id", "report_b_id")
    )
    asked |= set(LabelledPair.objects.values_list("report_a_id", "report_b_id"))
    pool = [c for c in pool if tuple(sorted((int(c.a), int(c.b)))) not in asked]
    model = _model_of(current_version(organisation_id))
    chosen = choose_questions(pool, model, n, seed=LabelledPair.objects.count())
    now = timezone.now()
    out = []
    for question in chosen:
        a, b = sorted((int(question.a), int(question.b)))
        score = sum(model.weight(k, v) for k, v in question.levels.items())
        pair, _created = LinkPair.objects.get_or_create(
            report_a_id=a,
            report_b_id=b,
            defaults={
                "score": round(score, 6),
                "log_odds": round(log_odds(model, question.levels), 4),
                "weights": {k: model.weight(k, v) for k, v in question.levels.items()},
                "status": PairStatus.LINKED
                if incident_of.get(a) == incident_of.get(b)
                else PairStatus.REVIEW,
            },
        )
        if pair.status == PairStatus.LINKED and incident_of.get(a) != incident_of.get(b):
            continue
        pair.asked_at = now
        pair.save(update_fields=["asked_at"])
        out.append(pair)
    return out
