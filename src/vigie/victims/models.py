"""Victims and assistance: the most sensitive records in Vigie.

Identifying fields (names, aliases, community, contact, home location, testimony, follow-up notes,
details of needs and services) are encrypted at rest (vigie.core.crypto); a name is searched only
through its blind index. The change log keeps, for those fields, a marker that changes when the
value changes, never the value; a record's text form (``__str__``, which the change log and the
admin copy) is its number only.

A victim whose consent to documentation was withdrawn is hidden: the default manager of every model
here leaves out that victim and everything attached to it, for every user, superusers included.
``all_objects`` sees them; only the audit and key rotation use it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.crypto import BlindIndexField, EncryptedSnapshotMixin, EncryptedTextField
from vigie.core.models import ChangeLoggedModel
from vigie.core.querysets import RestrictedQuerySet

from .choices import (
    AgeGroup,
    CivilianStatus,
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    Harm,
    NeedCategory,
    NeedStatus,
    ReferralStatus,
    Relation,
    Sex,
    age_group_of,
)


def validate_harms(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Harm suffered must be a list."))
    unknown = [item for item in value if item not in Harm.values]
    if unknown:
        raise ValidationError(
            _("Unknown harm: %(harms)s. Known: %(known)s."),
            params={"harms": ", ".join(map(str, unknown)), "known": ", ".join(Harm.values)},
        )


class VisibleManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """Leaves out what belongs to a victim whose consent to documentation was withdrawn. Who sees
    which record: vigie.core.querysets.RestrictedQuerySet (``visible_to``, ``restrict``).

    ``victim_path`` is a class attribute (not an argument): related managers are built from the
    class alone (victim.aliases, assistance.needs).
    """

    victim_path = ""

    def get_queryset(self):
        lookup = (
            f"{self.victim_path}__withdrawn_at__isnull"
            if self.victim_path
            else "withdrawn_at__isnull"
        )
        return super().get_queryset().filter(**{lookup: True})


class VisiblePartManager(VisibleManager):
    victim_path = "victim"


class VisibleAssistancePartManager(VisibleManager):
    victim_path = "assistance__victim"


class ProtectedRecord(EncryptedSnapshotMixin, ChangeLoggedModel):
    """A change-logged record whose encrypted fields reach the change log only as markers."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Victim(ProtectedRecord):
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = EncryptedTextField(
        _("name"), help_text=_("Encrypted. Found again only by its exact spelling.")
    )
    name_index = BlindIndexField(source="name")
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_group = models.CharField(
        _("age group"),
        max_length=10,
        choices=AgeGroup.choices,
        default=AgeGroup.UNKNOWN,
        help_text=_("Set from the age when the age is known."),
    )
    community = EncryptedTextField(
        _("community or ethnic group"), blank=True, help_text=_("Encrypted.")
    )
    civilian_status = models.CharField(
        _("civilian status"),
        max_length=10,
        choices=CivilianStatus.choices,
        default=CivilianStatus.UNKNOWN,
    )
    harms = models.JSONField(
        _("harm suffered"), default=list, blank=True, validators=[validate_harms]
    )
    contact = EncryptedTextField(
        _("contact"), blank=True, help_text=_("Encrypted. Telephone, address or intermediary.")
    )
    home_location = EncryptedTextField(
        _("exact home location"),
        blank=True,
        help_text=_("Encrypted. Village, quarter, coordinates."),
    )
    region = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The region (not the place) where the person lives; used in reports."),
    )
    testimony = EncryptedTextField(_("testimony"), blank=True, help_text=_("Encrypted."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    withdrawn_at = models.DateTimeField(
        _("consent withdrawn at"), null=True, blank=True, editable=False
    )

    objects = VisibleManager()
    all_objects = models.Manager()  # the audit and key rotation only

    changelog_exclude = ("updated",)

    class Meta:
        default_manager_name = "objects"
        ordering = ["-created", "-id"]
        verbose_name = _("victim")
        verbose_name_plural = _("victims")

    def save(self, *args, **kwargs):
        if self.age is not None:
            self.age_group = age_group_of(self.age)
        super().save(*args, **kwargs)


class VictimPart(ProtectedRecord):
    """A record attached to a victim: it belongs to the victim's organisation and hides with it."""

    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("organisation"),
    )

    class Meta:
        abstract = True

    def owner(self):
        raise NotImplementedError

    def save(self, *args, **kwargs):
        self.organisation_id = self.owner().organisation_id
        super().save(*args, **kwargs)


class VictimAlias(VictimPart):
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="aliases")
    name = EncryptedTextField(_("other name"), help_text=_("Encrypted."))
    name_index = BlindIndexField(source="name")

    objects = VisiblePartManager()
    all_objects = models.Manager()

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("other name")
        verbose_name_plural = _("other names")

    def owner(self):
        return self.victim


class VictimIncident(VictimPart):
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        related_name="victim_links",
        verbose_name=_("incident"),
    )
    relation = models.CharField(
        _("relation to the incident"),
        max_length=20,
        choices=Relation.choices,
        default=Relation.DIRECT_VICTIM,
    )

    objects = VisiblePartManager()
    all_objects = models.Manager()

    class Meta:
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "incident", "relation"], name="victims_victimincident_unique"
            )
        ]
        verbose_name = _("link to an incident")
        verbose_name_plural = _("links to incidents")

    def owner(self):
        return self.victim


class Consent(VictimPart):
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(
        _("given by"), max_length=10, choices=ConsentGiver.choices, default=ConsentGiver.VICTIM
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    objects = VisiblePartManager()
    all_objects = models.Manager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["given_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "purpose"],
                condition=models.Q(withdrawn_on=None),
                name="victims_consent_one_active_per_purpose",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def owner(self):
        return self.victim

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None


class Assistance(VictimPart):
    """One assistance case: a victim's needs, the referrals and services that answer them, follow-ups."""

    victim = models.ForeignKey(
        Victim, on_delete=models.CASCADE, related_name="assistance_cases", verbose_name=_("victim")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assistance officer"),
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closure"), max_length=20, choices=ClosureReason.choices, blank=True
    )

    objects = VisiblePartManager()
    all_objects = models.Manager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["-opened_on", "-id"]
        verbose_name = _("assistance case")
        verbose_name_plural = _("assistance cases")

    def owner(self):
        return self.victim

    def clean(self):
        if bool(self.closed_on) != bool(self.closure_reason):
            raise ValidationError(_("A closed case needs both the closing date and the reason."))
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("The case cannot close before it opened.")})


class AssistancePart(VictimPart):
    """A record of an assistance case (each subclass defines its ``assistance`` foreign key)."""

    objects = VisibleAssistancePartManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True
        default_manager_name = "objects"

    def owner(self):
        return self.assistance


class Need(AssistancePart):
    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="needs")
    category = models.CharField(_("category"), max_length=20, choices=NeedCategory.choices)
    identified_on = models.DateField(_("identified on"))
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    details = EncryptedTextField(_("details"), blank=True, help_text=_("Encrypted."))

    class Meta(AssistancePart.Meta):
        ordering = ["identified_on", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Referral(AssistancePart):
    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="referrals")
    need = models.ForeignKey(
        Need,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("need"),
    )
    provider = models.CharField(
        _("provider"),
        max_length=200,
        help_text=_("The organisation or service the person is referred to."),
    )
    referred_on = models.DateField(_("referred on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    status_on = models.DateField(_("status since"), null=True, blank=True)

    class Meta(AssistancePart.Meta):
        ordering = ["referred_on", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")


class Service(AssistancePart):
    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="services")
    need = models.ForeignKey(
        Need,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        verbose_name=_("need"),
    )
    category = models.CharField(_("category"), max_length=20, choices=NeedCategory.choices)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    delivered_on = models.DateField(_("delivered on"))
    details = EncryptedTextField(_("details"), blank=True, help_text=_("Encrypted."))

    class Meta(AssistancePart.Meta):
        ordering = ["delivered_on", "id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")


class FollowUp(AssistancePart):
    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    note = EncryptedTextField(_("note"), blank=True, help_text=_("Encrypted."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta(AssistancePart.Meta):
        ordering = ["date", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
