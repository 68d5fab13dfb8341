"""Sharing a record with a partner organisation: an explicit act, logged in the chained change log.

A share lets the members of another organisation see one record (and change it, when allowed), as
far as their own role there lets them see that type of record: sharing a victim's file with a
partner shows it to the partner's assistance officers, not to its monitors. Revoking ends it. Both
are written as a "share" entry in the change log, naming the record by type and number only.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from vigie.core.audit import append_entries
from vigie.core.choices import ChangeAction
from vigie.core.context import current_change_context
from vigie.core.models import ChangeLogEntry, Organisation, Share
from vigie.core.permissions import can


class SharingError(ValueError):
    """A share that cannot be made: the message says why."""


class NotAllowed(SharingError):
    """The user may not share (or revoke) this record: to them it does not exist."""


def _content_type(obj: Model) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


def _check(obj: Model, to_organisation: Organisation, by) -> None:
    if obj.pk is None:
        raise SharingError("the record is not saved")
    if not isinstance(obj.pk, int):
        raise SharingError(
            f"{obj._meta.label_lower} records cannot be shared (their id is not a number)"
        )
    if getattr(obj, "organisation_id", None) is None:
        raise SharingError("the record belongs to no organisation, so no organisation can share it")
    if obj.organisation_id == to_organisation.pk:
        raise SharingError(f"the record already belongs to {to_organisation.slug!r}")
    if by is not None and not can(by, obj, "share"):
        raise NotAllowed("no such record")


def _log(obj: Model, by, by_name: str, prechange: dict | None, postchange: dict | None) -> None:
    context = current_change_context()
    entry = ChangeLogEntry(
        user_id=by.pk if by is not None else context.user_id,
        user_name=(by.get_username() if by is not None else by_name or context.user_name)[:150],
        request_id=context.request_id,
        origin=context.origin,
        action=ChangeAction.SHARE,
        content_type=_content_type(obj),
        object_id=obj.pk,
        # The record by type and number only: its text may identify someone.
        object_repr=f"{obj._meta.model_name} {obj.pk}",
        prechange=prechange,
        postchange=postchange,
    )
    append_entries([entry])


def _describe(share: Share) -> dict:
    return {
        "share": share.pk,
        "shared_with": share.to_organisation.slug,
        "actions": [str(a) for a in share.actions],
    }


def share(
    obj: Model,
    to_organisation: Organisation,
    *,
    by=None,
    by_name: str = "",
    allow_change: bool = False,
    note: str = "",
) -> Share:
    """Share ``obj`` with ``to_organisation`` (view; and change when ``allow_change``).

    ``by`` is the user who shares: they must be allowed to share the record (else NotAllowed). Without
    ``by`` (the command line) the operator's name ``by_name`` is recorded. Sharing again what is
    already shared in the same way changes nothing; otherwise the share's actions are updated.
    """
    _check(obj, to_organisation, by)
    content_type = _content_type(obj)
    with transaction.atomic():
        current = (
            Share.objects.select_for_update()
            .filter(
                content_type=content_type,
                object_id=obj.pk,
                to_organisation=to_organisation,
                revoked_at__isnull=True,
            )
            .first()
        )
        if current is not None and current.allow_change == allow_change:
            return current
        prechange = _describe(current) if current is not None else None
        if current is not None:
            current.allow_change = allow_change
            current.save(update_fields=["allow_change"])
            result = current
        else:
            result = Share.objects.create(
                content_type=content_type,
                object_id=obj.pk,
                from_organisation_id=obj.organisation_id,
                to_organisation=to_organisation,
                allow_change=allow_change,
                note=note[:300],
                granted_by=by,
                granted_by_name=(by.get_username() if by is not None else by_name)[:150],
            )
        _log(obj, by, by_name, prechange, _describe(result))
    return result


def revoke(
    obj: Model, to_organisation: Organisation, *, by=None, by_name: str = ""
) -> Share | None:
    """End the share of ``obj`` with ``to_organisation``; None when there was none."""
    _check(obj, to_organisation, by)
    with transaction.atomic():
        current = (
            Share.objects.select_for_update()
            .filter(
                content_type=_content_type(obj),
                object_id=obj.pk,
                to_organisation=to_organisation,
                revoked_at__isnull=True,
            )
            .first()
        )
        if current is None:
            return None
        current.revoked_at = timezone.now()
        current.revoked_by = by
        current.revoked_by_name = (by.get_username() if by is not None else by_name)[:150]
        current.save(update_fields=["revoked_at", "revoked_by", "revoked_by_name"])
        _log(obj, by, by_name, _describe(current), {"share": current.pk, "revoked": True})
    return current


def shares_of(obj: Model, *, active_only: bool = True):
    queryset = Share.objects.filter(
        content_type=_content_type(obj), object_id=obj.pk
    ).select_related("to_organisation")
    return queryset.filter(revoked_at__isnull=True) if active_only else queryset


def shareable_model(label: str) -> type[Model]:
    """The model of a type of record that can be shared ("incidents.incident", or just "incident")."""
    from django.apps import apps

    from vigie.core.permissions import SHAREABLE_MODELS

    labels = {known.split(".")[1]: known for known in SHAREABLE_MODELS}
    full = labels.get(label, label)
    if full not in SHAREABLE_MODELS:
        raise SharingError(f"unknown type of record {label!r}: one of {', '.join(sorted(labels))}")
    try:
        return apps.get_model(full)
    except LookupError:
        raise SharingError(f"records of type {label!r} do not exist in this version") from None
