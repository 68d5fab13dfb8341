"""What the intake and review pages do, apart from the web: turn the form into a report (through
the reports app's service, vigie.reports.services.submit_report, which the API calls too), link it
at once, say where it went; and the analyst's decisions on the review queue (merge, reject), each
pair in its own transaction.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actors.models import Actor
from vigie.core.audit import append_entries
from vigie.core.choices import ChangeAction
from vigie.core.context import current_change_context
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.core.text import normalize_name, parse_id
from vigie.incidents.choices import PairStatus
from vigie.incidents.models import Incident, LinkPair, surviving
from vigie.incidents.services import link_database, merge, reject_pair
from vigie.incidents.teaching import label_pair_decision
from vigie.places.choices import ADMIN_LEVEL
from vigie.places.models import Place
from vigie.places.names import settle
from vigie.reports.models import Report
from vigie.reports.services import submit_report

from . import attachments as files
from .forms import NEW, NO_PLACE
from .models import ReportDraft
from .search import search_actors, search_places

logger = logging.getLogger(__name__)

LINK_AT_ONCE_MAX = 500
"""A report is linked as it is submitted, with the other unlinked reports of its organisation, unless
more than this many wait (a large import not yet linked: `vigie link` does that work)."""


# -- who may do what ---------------------------------------------------------------------------------


def intake_organisations(user):
    """The organisations in which ``user`` may add reports (every one for an operator)."""
    return Organisation.objects.where_may(user, Report, "add").order_by("name", "pk")


def changeable_incidents(user):
    return Incident.objects.current().restrict(user, "change")


def review_pairs(user):
    """Pairs waiting for review whose two reports ``user`` may read and sit in different incidents that
    ``user`` may change."""
    incidents = changeable_incidents(user)
    readable = Report.objects.restrict(user, "view")
    return (
        LinkPair.objects.filter(status=PairStatus.REVIEW)
        .filter(report_a__incident__in=incidents, report_b__incident__in=incidents)
        .filter(report_a__in=readable, report_b__in=readable)
        .exclude(report_a__incident=F("report_b__incident"))
    )


def reports_to_accept(user):
    """Monitors' reports waiting for an analyst's acceptance, in incidents ``user`` may change and
    readable by ``user``: until accepted, no figure of their incident rests on them."""
    readable = Report.objects.restrict(user, "view")
    return Report.objects.filter(
        is_current=True,
        accepted=False,
        incident__in=changeable_incidents(user),
        pk__in=readable.values("pk"),
    )


def accept_reports(user, report_ids) -> list[Report]:
    """An analyst accepts reports: their incidents' figures (public ones included) now rest on them.
    Who accepted and when is kept on each report; the incidents' new figures are in the change log."""
    from vigie.core.context import acting_as
    from vigie.incidents.services import refresh_from_reports

    with transaction.atomic(), acting_as(user):
        reports = list(reports_to_accept(user).filter(pk__in=list(report_ids)))
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(
            accepted=True, accepted_by=user, accepted_at=timezone.now()
        )
        for incident in Incident.objects.filter(pk__in={report.incident_id for report in reports}):
            refresh_from_reports(incident)
    return reports


# -- the report form -----------------------------------------------------------------------------------


@dataclass
class Resolved:
    place: Place | None = None
    perpetrator: dict | None = None
    target: dict | None = None
    problems: dict[str, str] = field(default_factory=dict)


def _same_query(a: str, b: str) -> bool:
    return normalize_name(a or "") == normalize_name(b or "")


def usable_places(user, organisation):
    """The places ``user`` may choose for a report of ``organisation``: those they may see that the
    organisation may use (vigie.core.published)."""
    return Place.objects.visible_to(user).available_to(getattr(organisation, "pk", None))


def usable_actors(user, organisation):
    return Actor.objects.visible_to(user).available_to(getattr(organisation, "pk", None))


def resolve_place(data: dict, chosen_for: str, places=None) -> tuple[Place | None, str | None]:
    """The place chosen (when still chosen for the text now in the box), or the one place called so,
    among ``places`` (default: every place). Returns (place, problem): a problem when several places
    bear the name."""
    places = Place.objects.all() if places is None else places
    query = (data.get("place_query") or "").strip()
    chosen = (data.get("place") or "").strip()
    if chosen and (not query or _same_query(chosen_for, query)):
        if chosen == NO_PLACE:
            return None, None
        place = places.filter(pk=parse_id(chosen)).first() if parse_id(chosen) else None
        if place is not None:
            return place, None
    if not query:
        return None, None
    exact = [
        match.place for match in search_places(query, limit=20, queryset=places) if match.exact
    ]
    if not exact:
        return None, None
    # "Ségou" is a region, a cercle, a commune and a town, one inside the other: the town is meant
    # (and not a hamlet of the same name); two communes called Tilemsi are for the user to choose
    meant, _by_rank = settle(
        sorted(exact, key=lambda p: (ADMIN_LEVEL.get(p.kind, 9), -p.pk)),
        lambda place: [place, *_ancestors(place)],
        lambda place: place.notable or place.kind != "locality",
    )
    if meant is not None:
        return meant, None
    return None, _("Several places are called “%(name)s”: choose one below.") % {"name": query}


def _ancestors(place: Place) -> list[Place]:
    chain, seen = [], {place.pk}
    parent = place.parent
    while parent is not None and parent.pk not in seen:
        seen.add(parent.pk)
        chain.append(parent)
        parent = parent.parent
    return chain


def resolve_actor(
    data: dict, name: str, chosen_for: str, actors=None
) -> tuple[dict | None, str | None]:
    """An actor among ``actors`` (default: all; {"actor": Actor}) or a new name ({"name": ...}), or a
    problem asking to choose."""
    actors = Actor.objects.all() if actors is None else actors
    query = (data.get(f"{name}_query") or "").strip()
    chosen = (data.get(name) or "").strip()
    if not query and chosen != NEW:
        chosen_actor = actors.filter(pk=parse_id(chosen)).first() if parse_id(chosen) else None
        return ({"actor": chosen_actor} if chosen_actor else None), None
    if chosen and _same_query(chosen_for, query):
        if chosen == NEW:
            return {"name": query}, None
        actor = actors.filter(pk=parse_id(chosen)).first() if parse_id(chosen) else None
        if actor is not None:
            return {"actor": actor}, None
    matches = search_actors(query, limit=20, queryset=actors)
    exact = [match for match in matches if match.exact]
    if len({m.actor.pk for m in exact}) == 1:
        return {"actor": exact[0].actor}, None
    if exact or matches:
        return None, _("Choose the actor that “%(name)s” means, or keep it as a new name.") % {
            "name": query
        }
    return {"name": query}, None


def resolve(data: dict, chosen_for: dict[str, str], user=None) -> Resolved:
    """The place and actors of the form, among those ``user`` may see and the report's organisation
    may use (``user`` None: the operator at the shell)."""
    organisation = data.get("organisation")
    places = usable_places(user, organisation) if user is not None else None
    actors = usable_actors(user, organisation) if user is not None else None
    resolved = Resolved()
    resolved.place, problem = resolve_place(data, chosen_for.get("place", ""), places)
    if problem:
        resolved.problems["place_query"] = problem
    for name in ("perpetrator", "target"):
        actor, problem = resolve_actor(data, name, chosen_for.get(name, ""), actors)
        setattr(resolved, name, actor)
        if problem:
            resolved.problems[f"{name}_query"] = problem
    return resolved


def submission_data(cleaned: dict, resolved: Resolved) -> dict:
    """The form's data in the shape of vigie.reports.services.submit_report."""
    actors = []
    for name, side, role in (("perpetrator", 1, "perpetrator"), ("target", 2, "target")):
        item = getattr(resolved, name)
        if item:
            actors.append({**item, "side": side, "primary": True, "role": role})
    place = resolved.place
    location = (cleaned.get("place_query") or "").strip() or (place.name if place else "")

    def actor_text(name):
        item = getattr(resolved, name)
        typed = (cleaned.get(f"{name}_query") or "").strip()
        return typed or (item["actor"].name if item and item.get("actor") else "")

    return {
        "organisation": cleaned["organisation"],
        "source": cleaned.get("source"),
        "source_name": (cleaned.get("source_name") or "").strip(),
        "source_kind": cleaned.get("source_kind") or "witness",
        "date_start": cleaned["date_start"],
        "date_end": cleaned.get("date_end"),
        "date_precision": cleaned["date_precision"],
        "published": cleaned.get("published"),
        "place": place,
        "location_text": location[:200],
        "latitude": cleaned.get("latitude"),
        "longitude": cleaned.get("longitude"),
        "event_type": cleaned.get("event_type") or "",
        "sub_event_type": cleaned.get("sub_event_type") or "",
        "event_label": cleaned.get("event_label") or "",
        "perpetrator_text": actor_text("perpetrator")[:500],
        "target_text": actor_text("target")[:500],
        "actors": actors,
        "violations": [],
        **{
            name: cleaned.get(name)
            for name in ("killed", "civilians_killed", "combatants_killed", "injured", "abducted")
        },
        "killed_low": None,
        "killed_high": None,
        "text": cleaned.get("text") or "",
        "url": cleaned.get("url") or "",
        "language": "",
    }


def _admin_texts(report: Report, place: Place | None) -> None:
    """The chosen place's region, cercle and commune as the report's admin names, as an import
    gives them: the linkage engine compares reports within a cercle (set as the report is created)."""
    names = {}
    seen = set()
    while place is not None and place.pk not in seen:
        seen.add(place.pk)
        names.setdefault(place.kind, place.name)
        place = place.parent
    fields = {
        "country_text": names.get("country", ""),
        "admin1_text": names.get("region", ""),
        "admin2_text": names.get("cercle", ""),
        "admin3_text": names.get("commune", ""),
    }
    if any(fields.values()):
        Report.objects.filter(pk=report.pk).update(**{k: v[:200] for k, v in fields.items()})
        for name, value in fields.items():
            setattr(report, name, value[:200])


@dataclass
class Submitted:
    report: Report
    linked: bool  # False when the linkage failed (the report is kept; `vigie link` will place it)


def submit(
    cleaned: dict,
    resolved: Resolved,
    user,
    checked: list[files.CheckedFile],
    draft: ReportDraft | None = None,
) -> Submitted:
    """Store the report, its incident and its files in one transaction, then link it at once."""
    data = submission_data(cleaned, resolved)
    if not data.get("event_type") and data.get("sub_event_type"):
        data.pop("event_type")
    data["external_id"] = f"web-{uuid.uuid4().hex}"
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = submit_report(data)
            _admin_texts(report, resolved.place)
            files.attach(checked, organisation=report.organisation, user=user, report=report)
            if draft is not None:
                for (
                    attachment
                ) in draft.attachments.all():  # one by one: each move is in the change log
                    attachment.report, attachment.draft = report, None
                    attachment.organisation_id = report.organisation_id
                    attachment.save()
                draft.delete()
            stored = files.put(checked)
    except BaseException:
        files.discard(checked)
        files.remove_unreferenced(stored)
        raise
    linked = False
    waiting = Report.objects.filter(
        is_current=True,
        linked_at__isnull=True,
        incident__organisation=report.organisation,
        incident__in=Incident.objects.current(),
        date_start__isnull=False,
    )
    if waiting[: LINK_AT_ONCE_MAX + 1].count() <= LINK_AT_ONCE_MAX:
        try:
            with transaction.atomic():
                link_database(organisation=report.organisation, user=user)
            linked = True
        except Exception:  # the report is kept; the next `vigie link` places it
            logger.exception("linking report %s after intake failed", report.pk)
    else:  # an import was not linked yet: linking it all would hold the monitor's page for minutes
        logger.warning(
            "report %s not linked at intake: more than %d reports of its organisation wait for "
            "`vigie link`",
            report.pk,
            LINK_AT_ONCE_MAX,
        )
    report.refresh_from_db()
    return Submitted(report, linked)


@dataclass
class Outcome:
    kind: str  # "joined", "review" or "new"
    incident: Incident | None
    other_reports: int
    review_pairs: int


def outcome(report: Report) -> Outcome:
    """Where a report went: joined an incident with other reports, waits for an analyst, or stands alone."""
    incident = surviving(report.incident)
    others = (
        incident.reports.filter(is_current=True).exclude(pk=report.pk).count() if incident else 0
    )
    waiting = LinkPair.objects.filter(
        Q(report_a=report) | Q(report_b=report), status=PairStatus.REVIEW
    ).count()
    if others:
        kind = "joined"
    elif waiting:
        kind = "review"
    else:
        kind = "new"
    return Outcome(kind, incident, others, waiting)


def save_draft(
    draft: ReportDraft | None,
    *,
    user,
    organisation,
    data: dict,
    checked: list[files.CheckedFile],
    remove_ids=(),
) -> ReportDraft:
    """Create or update a draft with the form as typed and any new files (one transaction)."""
    stored: list[str] = []
    removed: list[str] = []
    try:
        with transaction.atomic():
            if draft is None:
                draft = ReportDraft(author=user)
            draft.organisation = organisation
            draft.data = data
            draft.save()
            if remove_ids:
                doomed = draft.attachments.filter(pk__in=remove_ids)
                removed = list(doomed.values_list("sha256", flat=True))
                doomed.delete()
            for attachment in draft.attachments.exclude(organisation=organisation):
                attachment.organisation = organisation
                attachment.save()
            files.attach(checked, organisation=organisation, user=user, draft=draft)
            stored = files.put(checked)
    except BaseException:
        files.discard(checked)
        files.remove_unreferenced(stored)
        raise
    files.remove_unreferenced(removed)
    return draft


def delete_draft(draft: ReportDraft) -> None:
    hashes = list(draft.attachments.values_list("sha256", flat=True))
    with transaction.atomic():
        draft.delete()
    files.remove_unreferenced(hashes)


# -- the review queue ----------------------------------------------------------------------------------


@dataclass
class Decisions:
    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def log_pair_decision(pair: LinkPair, before: str) -> None:
    """The analyst's decision on a pair in the chained change log (pairs are not change-logged models)."""
    context = current_change_context()
    append_entries(
        [
            ChangeLogEntry(
                user_id=context.user_id,
                user_name=context.user_name,
                request_id=context.request_id,
                origin=context.origin,
                action=ChangeAction.UPDATE,
                content_type=ContentType.objects.get_for_model(LinkPair),
                object_id=pair.pk,
                object_repr=f"pair {pair.pk}",
                prechange={"status": before},
                postchange={
                    "status": pair.status,
                    "decided_by": pair.decided_by_id,
                    "report_a": pair.report_a_id,
                    "report_b": pair.report_b_id,
                },
            )
        ]
    )


def _target_and_other(first: Incident, second: Incident) -> tuple[Incident, Incident]:
    """The incident that keeps the reports: the one with more reports, else the older."""
    counts = dict(
        Incident.objects.filter(pk__in=[first.pk, second.pk])
        .annotate(n=Count("reports", filter=Q(reports__is_current=True)))
        .values_list("pk", "n")
    )
    ordered = sorted([first, second], key=lambda i: (-counts.get(i.pk, 0), i.pk))
    return ordered[0], ordered[1]


def decide(user, pair_ids, action: str, reason: str = "") -> Decisions:
    """Merge or reject each pair in its own transaction; a pair outside the user's scope is 'not found'."""
    if action not in ("merge", "reject"):
        raise ValueError(f"unknown action {action!r}")
    result = Decisions()
    for pair_id in pair_ids:
        try:
            with transaction.atomic():
                pair = (
                    review_pairs(user)
                    .select_related("report_a__incident", "report_b__incident")
                    .select_for_update(of=("self",))
                    .filter(pk=pair_id)
                    .first()
                )
                if pair is None:
                    raise LookupError(_("not found, or already decided"))
                if action == "reject":
                    reject_pair(pair, user=user)
                    log_pair_decision(pair, PairStatus.REVIEW)
                    label_pair_decision(pair, False, user=user, answer=pair.asked_at is not None)
                else:
                    target, other = _target_and_other(
                        pair.report_a.incident, pair.report_b.incident
                    )
                    merge(
                        target,
                        other,
                        user=user,
                        reason=(reason or "").strip()[:500]
                        or _("review queue: pair %(id)d") % {"id": pair.pk},
                    )
                    pair.refresh_from_db()
                    if pair.status == PairStatus.REVIEW:  # merge() confirms it; make sure
                        pair.status = PairStatus.CONFIRMED
                        pair.save(update_fields=["status"])
                    log_pair_decision(pair, PairStatus.REVIEW)
                    label_pair_decision(pair, True, user=user, answer=pair.asked_at is not None)
            result.done.append(pair_id)
        except (LookupError, ValueError) as error:
            result.failed.append((pair_id, str(error)))
    return result
