"""Evidence: files kept by their SHA-256, with capture metadata and an append-only chain of custody.

The bytes live in the evidence store (vigie.evidence.store), named by their hash; a row here
describes them. A working copy (a redacted photo, a transcript) is an item of its own, with its own
hash, linked to the item it was derived from. Free text that can identify people (the original file
name, who collected it, the source address, descriptions, custody notes) is encrypted at rest; the
change log keeps only a keyed fingerprint of it.

Each custody event's change log entry also carries ``custody_mac``: a MAC, under the audit key kept
outside the database (vigie.core.anchor), of the event's whole content, its note included in clear.
`vigie evidence verify` and `vigie audit verify` compare every event with it
(vigie.evidence.integrity.verify_custody), so that an event edited, deleted or inserted directly in
the database is reported, whatever key rotation has happened since.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.anchor import load_audit_key
from vigie.core.crypto import EncryptedSnapshotMixin, EncryptedTextField
from vigie.core.models import ChangeLoggedModel
from vigie.core.querysets import FollowingQuerySet, RestrictedQuerySet

from .choices import CustodyAction
from .errors import CustodyIsAppendOnly

_IDENTITY_FIELDS = ("sha256", "size", "media_type", "case_id", "organisation_id", "derived_from_id")


class EvidenceItem(EncryptedSnapshotMixin, ChangeLoggedModel):
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="evidence", verbose_name=_("case")
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
    description = EncryptedTextField(_("description"), blank=True)

    captured_at = models.DateTimeField(
        _("captured at"),
        null=True,
        blank=True,
        help_text=_("When the photograph, recording or document was made."),
    )
    captured_place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("captured at place"),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    device = models.CharField(
        _("device"),
        max_length=200,
        blank=True,
        help_text=_("The camera, phone or recorder (make and model)."),
    )
    collected_by = EncryptedTextField(
        _("collected by"), blank=True, help_text=_("Who collected it, and how to reach them.")
    )
    source = EncryptedTextField(
        _("source address"),
        blank=True,
        help_text=_("Where it was found: a web address, a channel, a person or an office."),
    )

    derived_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derivatives",
        editable=False,
        verbose_name=_("derived from"),
    )
    transformation = EncryptedTextField(
        _("transformation"),
        blank=True,
        help_text=_("How this working copy was made from the original."),
    )

    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated = models.DateTimeField(auto_now=True)

    changelog_exclude = ("updated",)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="evidence_once_per_case")
        ]
        verbose_name = _("piece of evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        # Never the file name: it can name a person.
        return f"evidence {self.pk} ({self.sha256[:12]})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._identity = {name: getattr(instance, name, None) for name in _IDENTITY_FIELDS}
        return instance

    def save(self, *args, **kwargs):
        identity = getattr(self, "_identity", None)
        if not self._state.adding and identity is not None:
            changed = [
                name for name in _IDENTITY_FIELDS if getattr(self, name, None) != identity[name]
            ]
            if changed:
                raise ValueError(
                    f"the hash, size, type, case and origin of a piece of evidence never change: {changed}"
                )
        super().save(*args, **kwargs)
        self._identity = {name: getattr(self, name, None) for name in _IDENTITY_FIELDS}

    @property
    def is_original(self) -> bool:
        return self.derived_from_id is None

    @property
    def extension(self) -> str:
        from .filetypes import BY_MEDIA_TYPE

        kind = BY_MEDIA_TYPE.get(self.media_type)
        return kind.extension if kind else "bin"

    @property
    def download_name(self) -> str:
        """A neutral name for downloads and bundles (the original name can identify someone)."""
        return f"evidence-{self.pk}-{self.sha256[:12]}.{self.extension}"


class CustodyQuerySet(FollowingQuerySet):
    follows = "item"  # a custody event is seen as its piece of evidence

    def update(self, **kwargs):
        raise CustodyIsAppendOnly("custody events cannot be changed")

    def delete(self):
        raise CustodyIsAppendOnly("custody events cannot be deleted")

    _raw_delete = delete


class CustodyEvent(EncryptedSnapshotMixin, ChangeLoggedModel):
    """One link of the chain of custody: who did what with a piece of evidence, when. Never rewritten."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by (name at the time)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=CustodyAction.choices)
    sha256 = models.CharField(
        _("SHA-256 at the time"),
        max_length=64,
        blank=True,
        help_text=_("The hash of the file as it was when this happened (verified, exported)."),
    )
    note = EncryptedTextField(_("note"), blank=True)

    objects = CustodyQuerySet.as_manager()

    class Meta:
        ordering = ["item", "time", "id"]
        base_manager_name = "objects"
        verbose_name = _("custody event")
        verbose_name_plural = _("chain of custody")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · evidence {self.item_id} · {self.time:%Y-%m-%d %H:%M}"

    def snapshot(self) -> dict:
        data = super().snapshot()
        data[CUSTODY_MAC] = custody_mac(
            custody_content(
                self.pk,
                self.organisation_id,
                self.item_id,
                self.time,
                self.actor_id,
                self.actor_name,
                self.action,
                self.sha256,
                self.note,
            )
        )
        return data

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise CustodyIsAppendOnly("custody events cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CustodyIsAppendOnly("custody events cannot be deleted")


CUSTODY_MAC = "custody_mac"  # the key of the content MAC in a custody event's change log snapshot


def custody_content(
    pk, organisation_id, item_id, time, actor_id, actor_name, action, sha256, note
) -> dict:
    """What a custody event's MAC covers: every field, as the database gives it back."""
    if isinstance(time, datetime.datetime):
        time = time.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return {
        "id": pk,
        "organisation": organisation_id,
        "item": item_id,
        "time": time,
        "actor": actor_id,
        "actor_name": actor_name or "",
        "action": action,
        "sha256": sha256 or "",
        "note": note or "",
    }


def custody_mac(content: dict) -> str:
    return load_audit_key().record_mac("evidence.custodyevent", content)
