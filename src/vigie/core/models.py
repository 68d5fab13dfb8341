"""Organisations (tenants) and the change log of every write."""

import datetime
import decimal
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ChangeAction


class Organisation(models.Model):
    """A tenant: an association, a partner, a UN office, a research group."""

    slug = models.SlugField(_("short name"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


def json_value(value):
    """A field value as JSON can carry it (dates as ISO text, decimals as text)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


class ChangeLoggedModel(models.Model):
    """A record whose every write is kept in the change log, with a before/after snapshot."""

    class Meta:
        abstract = True

    changelog_exclude: tuple[str, ...] = ()

    def snapshot(self) -> dict:
        data = {}
        for field in self._meta.concrete_fields:
            if field.name in self.changelog_exclude:
                continue
            data[field.attname] = json_value(field.value_from_object(self))
        return data


class ChangeLogEntry(models.Model):
    """One write: who, when, under which request, the object before and after."""

    time = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(max_length=150, blank=True)
    request_id = models.UUIDField(db_index=True)
    origin = models.CharField(max_length=20, default="system")
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=200)
    prechange = models.JSONField(null=True, blank=True)
    postchange = models.JSONField(null=True, blank=True)
    # The hash chain (vigie.core.audit): a rewritten, removed or reordered entry is detected.
    sequence = models.BigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class Role(models.TextChoices):
    MONITOR = "monitor", _("Monitor")
    ANALYST = "analyst", _("Analyst")
    INVESTIGATOR = "investigator", _("Investigator")
    ASSISTANCE_OFFICER = "assistance_officer", _("Assistance officer")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Organisation administrator")


class Membership(models.Model):
    """A user's role in an organisation. Access is granted through memberships only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
