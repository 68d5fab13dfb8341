"""Organisations (tenants) and the change log of every write."""

import datetime
import decimal
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ChangeAction
from .querysets import OrganisationQuerySet


class Organisation(models.Model):
    """A tenant: an association, a partner, a UN office, a research group."""

    slug = models.SlugField(_("short name"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    request_id = models.UUIDField(db_index=True)
    origin = models.CharField(max_length=20, default="system")
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=200)
    prechange = models.JSONField(null=True, blank=True)
    postchange = models.JSONField(null=True, blank=True)
    # The hash chain (vigie.core.audit): a rewritten, removed or reordered entry is detected.
    sequence = models.BigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    # HMAC-SHA256 of entry_hash under the audit key kept outside the database (vigie.core.anchor).
    entry_mac = models.CharField(max_length=64, blank=True, default="")

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


class Membership(ChangeLoggedModel):
    """A user's role in an organisation. Access is granted through memberships only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Action(models.TextChoices):
    """What a grant or a share allows on a record."""

    VIEW = "view", pgettext_lazy("permission", "View")
    ADD = "add", pgettext_lazy("permission", "Add")
    CHANGE = "change", pgettext_lazy("permission", "Change")
    DELETE = "delete", pgettext_lazy("permission", "Delete")
    SHARE = "share", pgettext_lazy("permission", "Share")


class RoleGrant(ChangeLoggedModel):
    """Permissions as data: a role may do some actions on one type of record, in its organisation.

    A grant applies to the records of the organisations where a user holds the role (and to those
    shared with them). ``constraints`` narrows it further, as in NetBox: a dictionary of ORM lookups
    ({"visibility__in": ["public", "organisation"]}), or a list of them (any one matches); the value
    "$user" stands for the user's id. Seeded from vigie.core.permissions.DEFAULT_GRANTS.
    """

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    model = models.CharField(
        _("record type"),
        max_length=100,
        help_text=_("The type of record, as app_label.model (for example cases.case)."),
    )
    actions = models.JSONField(
        _("actions"), default=list, help_text=_("Some of: view, add, change, delete, share.")
    )
    constraints = models.JSONField(
        _("constraints"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: only records matching these lookups (a dictionary, or a list of dictionaries)."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
        help_text=_("Only for this organisation's members (empty: in every organisation)."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["model", "role", "id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.model} · {', '.join(self.actions)}"

    def clean(self) -> None:
        from django.apps import apps
        from django.core.exceptions import ValidationError

        unknown = sorted(set(self.actions or ()) - set(Action.values))
        if not isinstance(self.actions, list) or unknown or not self.actions:
            raise ValidationError(
                {"actions": _("List one or more of: view, add, change, delete, share.")}
            )
        try:
            model = apps.get_model(self.model)
        except (LookupError, ValueError):
            raise ValidationError({"model": _("No such type of record.")}) from None
        if self.constraints is not None:
            from .permissions import constraint_q

            try:
                str(model._default_manager.filter(constraint_q(self.constraints, user_id=0)).query)
            except Exception as error:  # a bad lookup: say which, do not store it
                raise ValidationError(
                    {"constraints": _("Invalid constraints: %(error)s") % {"error": error}}
                ) from None


class Share(models.Model):
    """One record shared by its organisation with another, by an explicit act (vigie.accounts.sharing).

    Active while ``revoked_at`` is empty. Viewing is always shared; changing only when allowed.
    Created and revoked only through the sharing services, which write the change log entry.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shares_given"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shares_received"
    )
    allow_change = models.BooleanField(_("may also change"), default=False)
    note = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_by_name = models.CharField(max_length=150, blank=True)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_by_name = models.CharField(max_length=150, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["content_type", "to_organisation", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "to_organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="share_one_active",
            ),
        ]
        verbose_name = _("share")
        verbose_name_plural = _("shares")

    def __str__(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model} {self.object_id} → {self.to_organisation}"

    @property
    def actions(self) -> list[str]:
        return [Action.VIEW, Action.CHANGE] if self.allow_change else [Action.VIEW]

    @property
    def active(self) -> bool:
        return self.revoked_at is None
