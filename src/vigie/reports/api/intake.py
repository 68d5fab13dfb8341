"""A monitor's report sent through the API: checked, then stored with its incident in one transaction.

The report becomes a new incident of the monitor's organisation (visible to its members only:
publishing is an analyst's later, separate act),
flagged for review: an analyst later links it to the incident it describes, as the review queue
does with every report. Its figures come from vigie.incidents.services, as for imported reports.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from vigie.actors.choices import ActorCategory, ActorRole, AliasLanguage
from vigie.actors.directory import new_actor_key
from vigie.actors.models import Actor, ActorAlias
from vigie.core.audit import append_entries
from vigie.core.choices import ChangeAction, Visibility
from vigie.core.context import current_change_context
from vigie.core.dates import event_date_error
from vigie.core.filtersets import by_id_or
from vigie.core.models import ChangeLogEntry, Organisation
from vigie.core.published import free_key
from vigie.core.text import normalize_name, slugify_ascii
from vigie.incidents.choices import (
    SUB_EVENT_PARENT,
    DatePrecision,
    EventType,
    SubEventType,
    ViolationType,
)
from vigie.incidents.estimates import CLAIM_FIELDS
from vigie.incidents.models import Incident, IncidentActor, IncidentViolation
from vigie.incidents.services import refresh_from_reports
from vigie.places.choices import ADMIN_LEVEL, GeoPrecision
from vigie.places.models import Place
from vigie.reports.choices import SourceKind
from vigie.reports.models import Report, Source

MAX_COUNT = 2**31 - 1
# Precision implied by the kind of place, when no coordinates of the event itself are given.
PRECISION_OF_KIND = {
    "country": "country",
    "region": "admin1",
    "cercle": "admin2",
    "commune": "admin3",
    "locality": "near",
}


class TextField(serializers.CharField):
    """Text that the database can store: no NUL character, no lone surrogate."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("invalid")
        return value


def _count(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_COUNT, help_text=help_text
    )


class IntakeActorSerializer(serializers.Serializer):
    """An actor of the report: one from the dictionary (`actor`: id or key) or a name as reported."""

    actor = TextField(
        required=False, max_length=120, help_text="An actor of the dictionary: its id or key."
    )
    name = TextField(
        required=False,
        max_length=300,
        help_text="A name as reported, when no dictionary actor is given: matched against the "
        "names and aliases, else created and flagged for review.",
    )
    category = serializers.ChoiceField(
        choices=ActorCategory.choices,
        required=False,
        help_text="The category of a new actor (default: other).",
    )
    side = serializers.IntegerField(
        min_value=1, max_value=2, default=1, help_text="Side 1 or 2, as in ACLED."
    )
    primary = serializers.BooleanField(
        default=True, help_text="Main actor of its side (false: associated)."
    )
    role = serializers.ChoiceField(choices=ActorRole.choices, default=ActorRole.PARTY)

    def validate(self, data):
        if not data.get("actor") and not (data.get("name") or "").strip():
            raise serializers.ValidationError(
                _("Give an actor of the dictionary (actor) or a name.")
            )
        return data


class ReportIntakeSerializer(serializers.Serializer):
    """A report from a monitor: who reported it, when and where it happened, who did it, how many were harmed."""

    organisation = TextField(
        required=False,
        max_length=64,
        help_text="Your organisation's short name; needed only if you may add reports in several.",
    )
    source = TextField(
        required=False, max_length=120, help_text="An existing source you may see: its id or slug."
    )
    source_name = TextField(
        required=False,
        max_length=200,
        help_text="Or a new source of your organisation, by name (reused if it exists).",
    )
    source_kind = serializers.ChoiceField(
        choices=SourceKind.choices,
        default=SourceKind.PARTNER,
        help_text="The kind of a new source.",
    )
    external_id = TextField(
        required=False,
        max_length=120,
        help_text="Your own identifier for this report (default: a new unique one).",
    )
    date_start = serializers.DateField(help_text="The day the event happened (or began).")
    date_end = serializers.DateField(
        required=False, allow_null=True, help_text="The last day, for a range."
    )
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    published = serializers.DateField(
        required=False, allow_null=True, help_text="When the source published it."
    )
    place = TextField(
        required=False, max_length=120, help_text="A place of the gazetteer: id, code or p-code."
    )
    location_text = TextField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="The location as reported.",
    )
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    geo_precision = serializers.ChoiceField(choices=GeoPrecision.choices, required=False)
    event_type = serializers.ChoiceField(choices=EventType.choices, required=False)
    sub_event_type = serializers.ChoiceField(choices=SubEventType.choices, required=False)
    event_label = TextField(required=False, allow_blank=True, max_length=300, default="")
    perpetrator_text = TextField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text="The perpetrator as reported.",
    )
    target_text = TextField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text="The target as reported.",
    )
    actors = IntakeActorSerializer(many=True, required=False, max_length=50)
    violations = serializers.ListField(
        child=serializers.ChoiceField(choices=ViolationType.choices),
        required=False,
        max_length=len(ViolationType.choices),
    )
    killed = _count("People killed (the source's figure).")
    killed_low = _count("The lowest figure of killed the source gives.")
    killed_high = _count("The highest figure of killed the source gives.")
    civilians_killed = _count("Civilians among the killed.")
    combatants_killed = _count("Combatants among the killed.")
    injured = _count("People injured.")
    abducted = _count("People abducted or disappeared.")
    text = TextField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        default="",
        help_text="The account itself.",
    )
    url = serializers.URLField(required=False, allow_blank=True, max_length=500, default="")
    language = TextField(required=False, allow_blank=True, max_length=10, default="")

    # -- checks ------------------------------------------------------------------------------------
    @property
    def user(self):
        return self.context["request"].user

    def validate_organisation(self, value):
        organisation = (
            Organisation.objects.filter(slug=value).where_may(self.user, Report, "add").first()
        )
        if organisation is None:
            raise serializers.ValidationError(
                _("No organisation of that name in which you may add reports.")
            )
        return organisation

    def validate_source(self, value):
        source = Source.objects.visible_to(self.user).filter(by_id_or(("slug",), [value])).first()
        if source is None:
            raise serializers.ValidationError(_("No such source among those you may see."))
        return source

    def validate_place(self, value):
        place = (
            Place.objects.visible_to(self.user).filter(by_id_or(("code", "pcode"), [value])).first()
        )
        if place is None:
            raise serializers.ValidationError(_("No such place in the gazetteer."))
        return place

    def _organisation(self, data) -> Organisation:
        if data.get("organisation"):
            return data["organisation"]
        allowed = list(Organisation.objects.where_granted(self.user, Report, "add")[:2])
        if len(allowed) != 1:
            raise serializers.ValidationError(
                {
                    "organisation": [
                        _(
                            "Say in which organisation (its short name): you may add reports in several."
                        )
                        if allowed
                        else _("Say in which organisation (its short name).")
                    ]
                }
            )
        return allowed[0]

    def validate(self, data):
        errors: dict[str, list] = {}
        data["organisation"] = self._organisation(data)
        if bool(data.get("source")) == bool((data.get("source_name") or "").strip()):
            errors["source"] = [
                _("Give either an existing source or the name of a new one (source_name).")
            ]
        for name in ("date_start", "date_end"):
            problem = event_date_error(data.get(name))
            if problem:
                errors[name] = [problem]
        if data.get("date_end") and data["date_end"] < data["date_start"]:
            errors["date_end"] = [_("The end date is before the start date.")]
        sub_event = data.get("sub_event_type")
        if (
            sub_event
            and data.get("event_type")
            and SUB_EVENT_PARENT[sub_event] != data["event_type"]
        ):
            errors["sub_event_type"] = [_("This sub-event type belongs to another event type.")]
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            errors["longitude"] = [_("Give both latitude and longitude, or neither.")]
        killed, low, high = data.get("killed"), data.get("killed_low"), data.get("killed_high")
        if low is not None and high is not None and low > high:
            errors["killed_low"] = [_("The lowest figure is above the highest.")]
        if killed is not None and (
            (low is not None and killed < low) or (high is not None and killed > high)
        ):
            errors["killed"] = [_("The figure is outside the range killed_low to killed_high.")]
        # Names the user may see and the report's organisation may use: a member of two organisations
        # does not put one's unpublished name into the other's report.
        organisation_id = data["organisation"].pk
        if (
            data.get("source")
            and not Source.objects.available_to(organisation_id)
            .filter(pk=data["source"].pk)
            .exists()
        ):
            errors["source"] = [_("No such source among those you may see.")]
        if (
            data.get("place")
            and not Place.objects.available_to(organisation_id).filter(pk=data["place"].pk).exists()
        ):
            errors["place"] = [_("No such place in the gazetteer.")]
        for position, item in enumerate(data.get("actors", [])):
            if item.get("actor"):
                actor = (
                    Actor.objects.visible_to(self.user)
                    .available_to(organisation_id)
                    .filter(by_id_or(("key",), [item["actor"]]))
                    .first()
                )
                if actor is None:
                    errors.setdefault("actors", []).append(
                        {position: [_("No such actor in the dictionary.")]}
                    )
                item["actor"] = actor
        if errors:
            raise serializers.ValidationError(errors)
        return data

    # -- storing -----------------------------------------------------------------------------------
    def create(self, validated_data):
        return submit_report(validated_data)


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
            raise serializers.ValidationError(
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
