"""A monitor's report sent through the API: checked here, then stored with its incident in one
transaction by the reports app's service (vigie.reports.services.submit_report), which the report
form calls too; what the service refuses is answered as a 400 on the fields it names.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from vigie.actors.choices import ActorCategory, ActorRole
from vigie.actors.models import Actor
from vigie.core.dates import event_date_error
from vigie.core.filtersets import by_id_or
from vigie.core.models import Organisation
from vigie.incidents.choices import (
    SUB_EVENT_PARENT,
    DatePrecision,
    EventType,
    SubEventType,
    ViolationType,
)
from vigie.places.choices import GeoPrecision
from vigie.places.models import Place
from vigie.reports.choices import SourceKind
from vigie.reports.models import Report, Source
from vigie.reports.services import ReportRefused, submit_report

MAX_COUNT = 2**31 - 1


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
        try:
            return submit_report(validated_data)
        except ReportRefused as refused:
            raise serializers.ValidationError(refused.errors) from None
