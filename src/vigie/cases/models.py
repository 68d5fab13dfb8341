"""Investigations: a case on one or more incidents, its findings, referrals and deadlines.

Free text that can identify people (findings, a closure's reason, referral notes, task notes) is
encrypted at rest; the change log keeps only a keyed fingerprint of it, which shows that it changed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.crypto import EncryptedSnapshotMixin, EncryptedTextField
from vigie.core.models import ChangeLoggedModel
from vigie.core.querysets import RestrictedQuerySet

from .choices import CaseStatus, RecipientKind, ReferralStatus


class Case(EncryptedSnapshotMixin, ChangeLoggedModel):
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The organisation that holds this investigation."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=60,
        help_text=_(
            "The organisation's own code for the case (e.g. INV-2024-003). Never a person's name."
        ),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_(
            "A short neutral title (place and date). Never a victim's or a witness's name."
        ),
    )
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="cases", verbose_name=_("incidents")
    )
    lead_investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead investigator"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status_reason = EncryptedTextField(
        _("reason for the last status change"),
        blank=True,
        help_text=_("Required to close or reopen a case."),
    )
    findings = EncryptedTextField(_("findings"), blank=True)
    alleged_perpetrators = models.ManyToManyField(
        "actors.Actor",
        blank=True,
        related_name="cases",
        verbose_name=_("alleged perpetrators"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    changelog_exclude = ("updated",)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_reference_unique"
            )
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"


class Referral(EncryptedSnapshotMixin, ChangeLoggedModel):
    """The case (or part of it) handed to a court, the CNDH, a UN office or another organisation."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case")
    )
    recipient_kind = models.CharField(_("recipient"), max_length=30, choices=RecipientKind.choices)
    recipient_name = models.CharField(
        _("recipient's name"),
        max_length=200,
        help_text=_(
            "The institution, e.g. Tribunal de grande instance de la Commune III de Bamako, or OHCHR."
        ),
    )
    referred_on = models.DateField(_("date"), default=timezone.localdate)
    reference = models.CharField(_("their reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PREPARED
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.recipient_name}"


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)

    def overdue(self, today=None):
        """Tasks not done whose due date has passed."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


class CaseTask(EncryptedSnapshotMixin, ChangeLoggedModel):
    """A deadline or a task of a case: a court's time limit, an interview to hold, a report to send."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("case")
    )
    title = models.CharField(
        _("task"), max_length=200, help_text=_("No names here: put them in the notes.")
    )
    due_on = models.DateField(_("due on"))
    is_deadline = models.BooleanField(
        _("hard deadline"),
        default=False,
        help_text=_("A time limit set from outside (a court, a statute)."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task or deadline")
        verbose_name_plural = _("tasks and deadlines")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.title} ({self.due_on})"
