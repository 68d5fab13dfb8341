"""A monitor's drafts and the files attached to reports sent from the browser.

A draft is its author's alone until it is submitted: nobody else, whatever their role, opens it.
Its content (a witness's account may name people) is encrypted at rest; drafts are not in the
change log (the report made from one is). Attachments are stored by their SHA-256 (the evidence
store's code, vigie.evidence.store, under VIGIE_HOME/attachments); their original file names are
encrypted, as evidence file names are.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.crypto import EncryptedJSONField, EncryptedSnapshotMixin, EncryptedTextField
from vigie.core.models import ChangeLoggedModel
from vigie.core.querysets import AttachmentQuerySet, DraftQuerySet


class ReportDraft(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_drafts"
    )
    data = EncryptedJSONField(_("content"), default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"


class ReportAttachment(EncryptedSnapshotMixin, ChangeLoggedModel):
    """A photograph, a recording or a document sent with a report (or kept with a draft until then)."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    draft = models.ForeignKey(
        ReportDraft, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, editable=False)
    size = models.BigIntegerField(_("size (bytes)"), editable=False)
    media_type = models.CharField(
        _("media type"),
        max_length=100,
        editable=False,
        help_text=_("Recognised from the file's first bytes, not from its name."),
    )
    original_filename = EncryptedTextField(_("original file name"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk}"

    @property
    def download_name(self) -> str:
        """A neutral name for downloads (the original name can identify someone), as for evidence."""
        from vigie.evidence.filetypes import BY_MEDIA_TYPE

        kind = BY_MEDIA_TYPE.get(self.media_type)
        return f"attachment-{self.pk}-{self.sha256[:12]}.{kind.extension if kind else 'bin'}"
