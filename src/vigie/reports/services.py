"""What is done to reports, apart from any page or the API: a monitor's report stored with its new
incident in one transaction (``submit_report``), called by the report form (vigie.intake.services)
and by the API (vigie.reports.api.intake) alike.

The report becomes a new incident of the monitor's organisation (visible to its members only:
publishing is an analyst's later, separate act), flagged for review: an analyst later links it to
the incident it describes, as the review queue does with every report. Its figures come from
vigie.incidents.services, as for imported reports. What is refused raises ``ReportRefused``, whose
``errors`` name the fields and why, as a form or the API shows them.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vigie.actors.choices import AliasLanguage
from vigie.actors.directory import new_actor_key
from vigie.actors.models import Actor, ActorAlias
from vigie.core.audit import append_entries
from vigie.core.choices import ChangeAction, Visibility
from vigie.core.context import current_change_context
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.core.published import free_key
from vigie.core.text import normalize_name, slugify_ascii
from vigie.incidents.choices import SUB_EVENT_PARENT, EventType
from vigie.incidents.estimates import CLAIM_FIELDS
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.incidents.services import refresh_from_reports
from vigie.places.choices import ADMIN_LEVEL, GeoPrecision
from vigie.places.models import Place
from vigie.reports.models import Report, Source

# Precision implied by the kind of place, when no coordinates of the event itself are given.
PRECISION_OF_KIND = {
    "country": "country",
    "region": "admin1",
    "cercle": "admin2",
    "commune": "admin3",
    "locality": "near",
}


class ReportRefused(ValueError):
    """A report was refused; nothing was stored. ``errors``: {field: [why, ...]}."""

    def __init__(self, errors: dict[str, list]):
        self.errors = errors
        super().__init__(
            "; ".join(f"{name}: {' '.join(str(m) for m in why)}" for name, why in errors.items())
        )


def _source_in(organisation: Organisation, name: str, kind: str) -> Source:
    name = name.strip()
    existing = Source.objects.filter(organisation=organisation, name__iexact=name).first()
    if existing is not None:
        return existing
    base = f"{organisation.slug}-{slugify_ascii(name)}"[:110].strip("-") or "source"
    slug = free_key(base, lambda slug: Source.objects.filter(slug=slug).exists(), private=False)
    # A report sent here is not public: its new source is the organisation's until an analyst publishes it.
    return Source.objects.create(
        slug=slug, name=name, kind=kind, organisation=organisation, published=False
    )


def _actor_named(name: str, category: str, organisation: Organisation) -> Actor:
    """The actor called ``name`` among those ``organisation`` may use (published, or its own), else a
    new one: unpublished, the organisation's (vigie.core.published), flagged for review."""
    name = name.strip()
    normalized = normalize_name(name)
    available = Actor.objects.available_to(organisation.pk)
    alias = (
        ActorAlias.objects.filter(normalized=normalized, actor__in=available)
        .select_related("actor")
        .first()
        if normalized
        else None
    )
    if alias is not None:
        return alias.actor
    actor = available.filter(name__iexact=name).first()
    if actor is not None:
        return actor
    actor = Actor.objects.create(
        key=new_actor_key(name, private=True),
        name=name,
        category=category or "other",
        needs_review=True,
        organisation=organisation,
        published=False,
    )
    if normalized and not ActorAlias.objects.filter(normalized=normalized).exists():
        ActorAlias.objects.create(actor=actor, name=name, language=AliasLanguage.IMPORT)
    return actor


def _admin_levels(place: Place | None) -> dict[str, int | None]:
    levels: dict[str, int | None] = {f"admin{level}_id": None for level in range(4)}
    seen = set()
    while place is not None and place.pk not in seen:
        seen.add(place.pk)
        level = ADMIN_LEVEL.get(place.kind)
        if level is not None and level <= 3:
            levels[f"admin{level}_id"] = place.pk
        place = place.parent
    return levels


def _content_hash(data: dict) -> str:
    def plain(value):
        if hasattr(value, "pk"):
            return value.pk
        return value

    canonical = {
        key: (
            [{k: plain(v) for k, v in item.items()} for item in value]
            if key == "actors"
            else plain(value)
        )
        for key, value in data.items()
    }
    text = json.dumps(canonical, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def submit_report(data: dict) -> Report:
    """Store a checked report and its new incident (needs review); the figures follow the report."""
    organisation: Organisation = data["organisation"]
    place: Place | None = data.get("place")
    with transaction.atomic():
        source = data.get("source") or _source_in(
            organisation, data["source_name"], data["source_kind"]
        )
        if (
            data.get("external_id")
            and Report.objects.filter(
                source=source, external_id=data["external_id"], is_current=True
            ).exists()
        ):
            raise ReportRefused(
                {
                    "external_id": [
                        _("A report with this identifier from this source already exists.")
                    ]
                }
            )
        date_end = data.get("date_end") or data["date_start"]
        latitude, longitude = data.get("latitude"), data.get("longitude")
        precision = data.get("geo_precision") or ""
        if latitude is None and place is not None:
            latitude, longitude = place.latitude, place.longitude
            precision = precision or PRECISION_OF_KIND.get(place.kind, "")
        elif latitude is not None:
            precision = precision or GeoPrecision.EXACT
        event_type = data.get("event_type") or (
            SUB_EVENT_PARENT[data["sub_event_type"]] if data.get("sub_event_type") else ""
        )
        incident = Incident.objects.create(
            organisation=organisation,
            visibility=Visibility.ORGANISATION,
            date_start=data["date_start"],
            date_end=date_end,
            date_precision=data["date_precision"],
            place=place,
            **_admin_levels(place),
            location=(data["location_text"] or (place.name if place else ""))[:200],
            latitude=latitude,
            longitude=longitude,
            geo_precision=precision,
            event_type=event_type,
            sub_event_type=data.get("sub_event_type") or "",
            civilian_targeting=event_type == EventType.VIOLENCE_AGAINST_CIVILIANS,
            needs_review=True,
        )
        report = Report.objects.create(
            source=source,
            organisation=organisation,
            visibility=Visibility.ORGANISATION,
            external_id=data.get("external_id") or f"api-{uuid.uuid4().hex}",
            content_hash=_content_hash({**data, "source": source}),
            published=data.get("published"),
            date_start=data["date_start"],
            date_end=date_end,
            date_precision=data["date_precision"],
            location_text=data["location_text"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            geo_precision=data.get("geo_precision") or "",
            place=place,
            event_type=event_type,
            sub_event_type=data.get("sub_event_type") or "",
            event_label=data["event_label"],
            perpetrator_text=data["perpetrator_text"],
            target_text=data["target_text"],
            **{name: data.get(name) for name in CLAIM_FIELDS},
            text=data["text"],
            url=data["url"],
            language=data["language"],
            incident=incident,
            accepted=False,  # the incident's figures rest on it once an analyst accepts it
        )
        links, seen = [], set()
        for item in data.get("actors", []):
            actor = item.get("actor") or _actor_named(
                item["name"], item.get("category", ""), organisation
            )
            if (actor.pk, item["side"]) in seen:
                continue
            seen.add((actor.pk, item["side"]))
            links.append(
                IncidentActor(
                    incident=incident,
                    actor=actor,
                    side=item["side"],
                    primary=item["primary"],
                    role=item["role"],
                )
            )
        IncidentActor.objects.bulk_create(links)
        IncidentViolation.objects.bulk_create(
            [
                IncidentViolation(incident=incident, violation=v)
                for v in sorted(set(data.get("violations", [])))
            ]
        )
        refresh_from_reports(incident)
        _log_report(report)
    return report


def _log_report(report: Report) -> None:
    """The report's creation in the change log: what identifies it, never its text or the people it names."""
    context = current_change_context()
    append_entries(
        [
            ChangeLogEntry(
                user_id=context.user_id,
                user_name=context.user_name,
                request_id=context.request_id,
                origin=context.origin,
                action=ChangeAction.CREATE,
                content_type=ContentType.objects.get_for_model(Report),
                object_id=report.pk,
                object_repr=f"report {report.pk}",
                prechange=None,
                postchange={
                    "source": report.source_id,
                    "organisation": report.organisation_id,
                    "external_id": report.external_id,
                    "visibility": report.visibility,
                    "content_hash": report.content_hash,
                    "incident": report.incident_id,
                    "date_start": report.date_start.isoformat(),
                    "place": report.place_id,
                },
            )
        ]
    )
