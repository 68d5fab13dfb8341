from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One run of an importer over one file: what it read, what it did, what it refused."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected (strict mode)")

    format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    source = models.ForeignKey(
        "reports.Source", on_delete=models.PROTECT, null=True, related_name="import_runs"
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    rows_read = models.PositiveIntegerField(default=0)
    incidents_created = models.PositiveIntegerField(default=0)
    incidents_updated = models.PositiveIntegerField(default=0)
    incidents_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, help_text=_("The first problems found, with line and column.")
    )
    columns = models.JSONField(
        default=list,
        help_text=_("The file's header (normalised): the key to its reports' raw rows."),
    )

    class Meta:
        ordering = ["-started"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.format} {self.file_name} ({self.started:%Y-%m-%d %H:%M})"
