"""Incidents: what happened, when, where, by whom, to whom, and how many people were harmed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.actors.choices import ActorRole
from vigie.core.choices import Visibility
from vigie.core.models import ChangeLoggedModel
from vigie.places.choices import GeoPrecision

from .choices import CASUALTY_FIELDS, DatePrecision, EventType, SubEventType, ViolationType


def _casualty_fields() -> dict[str, models.Field]:
    return {name: models.PositiveIntegerField(null=True, blank=True) for name in CASUALTY_FIELDS}


# Killed, injured and abducted, each as low/best/high, in total and split civilian/combatant/unknown.
CasualtyFigures = type(
    "CasualtyFigures",
    (models.Model,),
    {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True}), **_casualty_fields()},
)


class Incident(ChangeLoggedModel, CasualtyFigures):
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents",
        db_index=False, help_text=_("The organisation that holds this record."),
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.ORGANISATION)
    key = models.CharField(
        _("key"), max_length=120, blank=True,
        help_text=_("The organisation's own key for this incident, if any (from a reports file)."),
    )

    date_start = models.DateField(_("start date"), db_index=True)
    date_end = models.DateField(_("end date"))
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)

    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # admin0..admin2 are indexed through the (admin, date) indexes below.
    admin0 = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    admin1 = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    admin2 = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    admin3 = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.CharField(max_length=10, choices=GeoPrecision.choices, blank=True)

    event_type = models.CharField(max_length=40, choices=EventType.choices, blank=True)
    sub_event_type = models.CharField(max_length=40, choices=SubEventType.choices, blank=True)
    civilian_targeting = models.BooleanField(default=False)

    casualty_split = models.JSONField(
        default=dict, blank=True,
        help_text=_("The figures split by status beyond civilians killed: killed_combatant_best, injured_civilian_low..."),
    )
    estimate_rule = models.CharField(
        max_length=200, blank=True, help_text=_("The rule that produced the casualty figures from the reports.")
    )
    needs_review = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    changelog_exclude = ("updated",)

    class Meta:
        ordering = ["-date_start", "-id"]
        indexes = [
            models.Index(fields=["admin0", "date_start"]),
            models.Index(fields=["admin1", "date_start"]),
            models.Index(fields=["admin2", "date_start"]),
            models.Index(fields=["organisation", "key"]),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def figure(self, name: str) -> int | None:
        """Any casualty figure by name, whether kept as a column or in the split."""
        if name in CASUALTY_FIELDS:
            return getattr(self, name)
        return (self.casualty_split or {}).get(name)

    def __str__(self) -> str:
        what = self.get_event_type_display() or _("Incident")
        return f"{what}, {self.location or '?'}, {self.date_start:%Y-%m-%d}"


class IncidentActor(models.Model):
    """An actor's part in an incident: side 1 or 2 (ACLED's actor1/actor2), main or associated."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="incident_links", db_index=False)
    side = models.PositiveSmallIntegerField(default=1)
    primary = models.BooleanField(default=True)
    role = models.CharField(max_length=20, choices=ActorRole.choices, default=ActorRole.PARTY)

    class Meta:
        ordering = ["side", "-primary", "id"]
        indexes = [models.Index(fields=["actor", "incident"])]
        verbose_name = _("actor in an incident")
        verbose_name_plural = _("actors in incidents")


class IncidentViolation(models.Model):
    # Indexed by the unique (incident, violation) constraint.
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="violations", db_index=False)
    violation = models.CharField(max_length=40, choices=ViolationType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "violation"], name="incident_violation_unique")]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
