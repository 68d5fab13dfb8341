"""Incidents: what happened, when, where, by whom, to whom, and how many people were harmed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.actors.choices import ActorCategory, ActorRole
from vigie.core.choices import Visibility
from vigie.core.models import ChangeLoggedModel
from vigie.core.querysets import ReviewedQuerySet, ScopedIncidentQuerySet
from vigie.places.choices import GeoPrecision

from .choices import (
    CASUALTY_FIELDS,
    DatePrecision,
    EventType,
    Grade,
    LinkAction,
    PairStatus,
    SubEventType,
    ViolationType,
)


def _casualty_fields() -> dict[str, models.Field]:
    return {name: models.PositiveIntegerField(null=True, blank=True) for name in CASUALTY_FIELDS}


# Killed, injured and abducted, each as low/best/high, in total and split civilian/combatant/unknown.
CasualtyFigures = type(
    "CasualtyFigures",
    (models.Model,),
    {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True}), **_casualty_fields()},
)


class IncidentQuerySet(ScopedIncidentQuerySet):
    """Who sees which incident: vigie.core.querysets.ScopedIncidentQuerySet (``visible_to``)."""

    def current(self):
        """The incidents that stand on their own: an incident merged into another (``merged_into`` set)
        lives on in the one that took its reports, and is never counted, listed or exported beside it.
        Every reader of incidents goes through this method (tests/incidents/test_current.py keeps it so)."""
        return self.filter(merged_into__isnull=True)


def surviving(incident: Incident | None) -> Incident | None:
    """The incident that holds ``incident``'s reports now: itself, or the end of its chain of merges.
    A chain that loops (which merge() never makes) ends at the last incident before the loop."""
    seen: set[int] = set()
    while incident is not None and incident.merged_into_id is not None:
        seen.add(incident.pk)
        following = Incident.objects.filter(pk=incident.merged_into_id).first()
        if following is None or following.pk in seen:
            break
        incident = following
    return incident


class Incident(ChangeLoggedModel, CasualtyFigures):
    organisation = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
        help_text=_("The organisation that holds this record."),
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    key = models.CharField(
        _("key"),
        max_length=120,
        blank=True,
        help_text=_("The organisation's own key for this incident, if any (from a reports file)."),
    )

    date_start = models.DateField(_("start date"), db_index=True)
    date_end = models.DateField(_("end date"))
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )

    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # admin0..admin2 are indexed through the (admin, date) indexes below.
    admin0 = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    admin1 = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    admin2 = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    admin3 = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.CharField(max_length=10, choices=GeoPrecision.choices, blank=True)

    event_type = models.CharField(max_length=40, choices=EventType.choices, blank=True)
    sub_event_type = models.CharField(max_length=40, choices=SubEventType.choices, blank=True)
    civilian_targeting = models.BooleanField(default=False)

    casualty_split = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The figures split by status beyond civilians killed: killed_combatant_best, injured_civilian_low..."
        ),
    )
    estimate_rule = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The rule that produced the casualty figures from the reports."),
    )
    grade = models.CharField(
        _("grade"), max_length=12, choices=Grade.choices, blank=True, db_index=True
    )
    grade_reason = models.CharField(_("why this grade"), max_length=200, blank=True)
    figures_override = models.JSONField(
        _("analyst's figures"),
        default=dict,
        blank=True,
        help_text=_(
            "Figures set by an analyst (killed_best, killed_low...), replacing the computed ones."
        ),
    )
    override_reason = models.CharField(
        _("reason for the analyst's figures"), max_length=500, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_incidents",
        help_text=_(
            "Set when an analyst or the engine merged this incident into another; a split can revive it."
        ),
    )
    needs_review = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    changelog_exclude = ("updated",)

    objects = IncidentQuerySet.as_manager()

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

    def unpublished_names(self) -> list[str]:
        """The names of this incident's places and actors not published yet (vigie.core.published)."""
        places = [getattr(self, name) for name in ("place", "admin0", "admin1", "admin2", "admin3")]
        names = [place.name for place in places if place is not None and not place.published]
        if self.pk is not None:
            names += list(
                self.actor_links.filter(actor__published=False).values_list(
                    "actor__name", flat=True
                )
            )
        return names

    def clean(self) -> None:
        """A public incident never carries an unpublished name: publish the names first."""
        super().clean()
        if self.visibility == Visibility.PUBLIC:
            unpublished = self.unpublished_names()
            if unpublished:
                from django.core.exceptions import ValidationError

                raise ValidationError(
                    {
                        "visibility": _(
                            "This incident names places or actors that are not published (%(names)s): publish them "
                            "before the incident, or remove them."
                        )
                        % {"names": ", ".join(sorted(set(unpublished)))}
                    }
                )

    def __str__(self) -> str:
        what = self.get_event_type_display() or _("Incident")
        return f"{what}, {self.location or '?'}, {self.date_start:%Y-%m-%d}"


class IncidentActor(models.Model):
    """An actor's part in an incident: side 1 or 2 (ACLED's actor1/actor2), main or associated."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey(
        "actors.Actor", on_delete=models.PROTECT, related_name="incident_links", db_index=False
    )
    side = models.PositiveSmallIntegerField(default=1)
    primary = models.BooleanField(default=True)
    role = models.CharField(max_length=20, choices=ActorRole.choices, default=ActorRole.PARTY)
    category = models.CharField(
        _("category in this incident"),
        max_length=30,
        choices=ActorCategory.choices,
        blank=True,
        help_text=_(
            "The actor's category in this incident, when it differs by place: a state's forces are "
            "state forces at home and foreign forces elsewhere. Empty: the actor's own category."
        ),
    )

    class Meta:
        ordering = ["side", "-primary", "id"]
        indexes = [models.Index(fields=["actor", "incident"])]
        verbose_name = _("actor in an incident")
        verbose_name_plural = _("actors in incidents")


class IncidentViolation(models.Model):
    # Indexed by the unique (incident, violation) constraint.
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="violations", db_index=False
    )
    violation = models.CharField(max_length=40, choices=ViolationType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "violation"], name="incident_violation_unique"
            )
        ]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")


class LinkPair(models.Model):
    """Two reports the linkage engine compared, with the weight of each field: why they were joined,
    or the question put to an analyst when the score falls between the two thresholds."""

    report_a = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    report_b = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    score = models.FloatField()
    log_odds = models.FloatField(help_text=_("Score plus the model's prior: 0 is even odds."))
    weights = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=PairStatus.choices, db_index=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(
        "LinkageRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    asked_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the engine asked analysts about this pair (a question from the engine)."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report_a", "report_b"], name="link_pair_unique")
        ]
        verbose_name = _("compared pair of reports")
        verbose_name_plural = _("compared pairs of reports")


class LinkageRun(models.Model):
    """One run of `vigie link`: the model it used and what it did."""

    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    model = models.JSONField(default=dict)
    model_version = models.ForeignKey(
        "LinkModelVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runs",
        help_text=_("The model trained from analysts' answers that this run used, if any."),
    )
    reports = models.PositiveIntegerField(default=0)
    comparisons = models.PositiveIntegerField(default=0)
    merges = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0)

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["-started"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")


class LinkModelVersion(ChangeLoggedModel):
    """A linkage model trained from analysts' answers, kept with its parameters so that every run
    that used it names it ("model 3, trained on 200 answers, 2026-12-07")."""

    number = models.PositiveIntegerField(help_text=_("Numbered 1, 2, 3... per organisation."))
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parameters = models.JSONField(default=dict, help_text=_("The model's weights and prior."))
    answers = models.PositiveIntegerField(default=0)
    matches = models.PositiveIntegerField(default=0)
    precision = models.FloatField(
        null=True,
        blank=True,
        help_text=_("On the answers, each judged by a model trained without it."),
    )
    recall = models.FloatField(null=True, blank=True)
    precision_before = models.FloatField(
        null=True, blank=True, help_text=_("The model used until then, on the same answers.")
    )
    recall_before = models.FloatField(null=True, blank=True)
    trained_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained = models.DateTimeField(auto_now_add=True)

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="link_model_version_unique"
            )
        ]
        verbose_name = _("linkage model")
        verbose_name_plural = _("linkage models")

    @property
    def name(self) -> str:
        from django.utils.formats import date_format

        return _("model %(number)d, trained on %(answers)d answers, %(date)s") % {
            "number": self.number,
            "answers": self.answers,
            "date": date_format(self.trained, "Y-m-d"),
        }

    def __str__(self) -> str:
        return str(self.name)


class LabelledPair(ChangeLoggedModel):
    """An analyst's answer about two reports: one incident (a merge, a question answered yes) or two
    (a rejection, a split). The comparison vector is kept as it was when the analyst answered, with
    the model that scored it, so that training reads what the analyst saw."""

    class Origin(models.TextChoices):
        MERGE = "merge", _("Merged in the review queue")
        REJECT = "reject", _("Rejected in the review queue")
        SPLIT = "split", _("Split")
        ANSWER = "answer", _("Answer to a question from the engine")

    report_a = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    report_b = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    match = models.BooleanField(help_text=_("True: one incident; false: two incidents."))
    origin = models.CharField(max_length=10, choices=Origin.choices)
    levels = models.JSONField(default=dict, help_text=_("The comparison level of each field."))
    log_odds = models.FloatField(
        null=True, blank=True, help_text=_("What the model in use said of the pair (bits).")
    )
    model_version = models.ForeignKey(
        LinkModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pair = models.ForeignKey(
        LinkPair, null=True, blank=True, on_delete=models.SET_NULL, related_name="labels"
    )
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["time", "id"]
        verbose_name = _("labelled pair of reports")
        verbose_name_plural = _("labelled pairs of reports")


class LinkOperation(ChangeLoggedModel):
    """A merge or a split, by an analyst or by the engine: what moved, so that it can be undone exactly."""

    action = models.CharField(max_length=10, choices=LinkAction.choices)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The incident that kept the reports (merge) or gave them (split)."),
    )
    other = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The incident merged away (merge) or created or revived (split)."),
    )
    report_ids = models.JSONField(default=list, help_text=_("The reports that moved."))
    before = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Both incidents as they were before a merge, restored by its split."),
    )
    reason = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.CharField(max_length=20, default="analyst")
    time = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("merge or split")
        verbose_name_plural = _("merges and splits")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.incident_id} / {self.other_id}"


def link_category(prefix: str = "") -> models.Func:
    """The category of an actor in an incident, as a query expression over IncidentActor rows (``prefix``:
    the path to them, e.g. "actor_links__"): the link's own category when it has one, else the actor's."""
    from django.db.models.functions import Coalesce, NullIf

    return Coalesce(
        NullIf(models.F(f"{prefix}category"), models.Value("")),
        models.F(f"{prefix}actor__category"),
    )
