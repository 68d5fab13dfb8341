"""Names that belong to an organisation until an analyst publishes them: actors, places, sources.

A name typed into an organisation's non-public report (a target, which is where victims' names end
up; a village; a perpetrator; a radio) becomes an actor, a place or a source. Such a record keeps the
organisation whose report created it (``organisation``) and stays unpublished (``published`` off):
only that organisation's members whose role may read its reports see it, and operators. An analyst
of that organisation (or an operator) publishes it (``publish``, in the change log); then everyone
may see it. The reference data (gazetteer, actor dictionary) and names from public datasets are
published from the start.

Every reader of these records starts from ``Model.objects.visible_to(user)``; outside it a name
does not exist (404). Resolving a name for a report of an organisation (intake, import) looks only
at ``available_to(organisation)``: the published names and that organisation's own, so that one
organisation's report never borrows (and so never reveals) another's unpublished name.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import models
from django.db.models import Q


def name_organisations(user) -> set[int] | None:
    """The organisations whose unpublished names ``user`` may see (those whose reports their role may
    read); None for an operator, who sees every name."""
    from vigie.core.permissions import is_operator, organisations_for
    from vigie.reports.models import Report

    if is_operator(user):
        return None
    return organisations_for(user, Report, "view")


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class NameQuerySet(models.QuerySet):
    """The queryset of actors, places and sources: the one rule of who sees which name."""

    def public_q(self, user) -> Q:
        """What anyone (signed in or not, of any organisation) may see. Subclasses narrow it."""
        return Q(published=True)

    def visible_to(self, user):
        """The names ``user`` may see: published ones (``public_q``) and, for members, the unpublished
        names of the organisations whose reports their role may read. Never wider than ``self``."""
        organisations = name_organisations(user)
        if organisations is None:
            return self
        allowed = self.public_q(user)
        if organisations:
            allowed |= Q(organisation_id__in=sorted(organisations))
        return self.filter(allowed)

    def available_to(self, organisation_id: int | None):
        """The names a report of ``organisation_id`` may be linked to: the published ones and that
        organisation's own (none other's: a report would otherwise carry, and show, another
        organisation's unpublished name)."""
        allowed = Q(published=True)
        if organisation_id is not None:
            allowed |= Q(organisation_id=organisation_id)
        return self.filter(allowed)

    def held_by_or_shared(self, organisations):
        """Those of these names held by one of ``organisations``, and the shared ones (held by none):
        what a report of those organisations may name (a narrowing of ``visible_to``)."""
        return self.filter(Q(organisation__in=organisations) | Q(organisation__isnull=True))

    def unpublished(self):
        return self.filter(published=False)


class ImportedNameQuerySet(NameQuerySet):
    """Actors and places: a name created from an import and not yet reviewed is, besides, shown to
    signed-in users only (even when it came from a public dataset)."""

    def public_q(self, user) -> Q:
        allowed = Q(published=True)
        return allowed if signed_in(user) else allowed & Q(needs_review=False)


def name_shown_to_audience(
    published: bool, name_organisation_id: int | None, audience_organisation_id: int | None
) -> bool:
    """Whether an actor's, a place's or a source's name goes into an export for the audience (an
    organisation's id, None for the public): a published name always; an unpublished one only in its
    own organisation's export. A public incident never carries an unpublished name into open data:
    it is left empty there."""
    return published or (
        audience_organisation_id is not None and name_organisation_id == audience_organisation_id
    )


def may_publish(user, obj) -> bool:
    """Whether ``user`` may publish ``obj`` (an unpublished name they can see): an operator, or a
    member of its organisation whose role may change that organisation's reports (analysts,
    coordinators and administrators by the default grants)."""
    from vigie.core.permissions import is_operator, organisations_for
    from vigie.reports.models import Report

    if obj.published:
        return False
    if is_operator(user):
        return True
    return obj.organisation_id is not None and obj.organisation_id in organisations_for(
        user, Report, "change"
    )


def publish(obj, user) -> None:
    """Publish an unpublished name (``may_publish`` must hold): visible to everyone from now on, and
    no longer waiting for review; with it, the unpublished places (or groups) above it that ``user``
    may publish. Each save is in the change log (who, when, before and after)."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from vigie.core.context import acting_as

    if not may_publish(user, obj):
        raise PermissionDenied
    with transaction.atomic(), acting_as(user):
        # A place is shown with the places above it (an actor with its group): those of the same
        # organisation not published yet are published with it.
        chain, seen = [obj], {obj.pk}
        parent = getattr(obj, "parent", None)
        while (
            parent is not None
            and parent.pk not in seen
            and not parent.published
            and may_publish(user, parent)
        ):
            seen.add(parent.pk)
            chain.append(parent)
            parent = parent.parent
        for record in chain:
            record.published = True
            update = ["published"]
            if hasattr(record, "needs_review"):
                record.needs_review = False
                update.append("needs_review")
            record.save(update_fields=update)


def private_suffix() -> str:
    """A random ending for the key of an unpublished name. A key made unique by counting ("-2")
    would tell whoever gets the second one that another organisation recorded the same name."""
    return secrets.token_hex(4)


def free_key(stem: str, taken: Callable[[str], bool], private: bool) -> str:
    """A key (slug, code) that ``taken`` says is free: ``stem``, else ``stem-2``, ``stem-3``...; for
    an unpublished name, ``stem-<random>`` (private_suffix), which tells nothing of other names."""
    if private:
        key = f"{stem}-{private_suffix()}"
        while taken(key):
            key = f"{stem}-{private_suffix()}"
        return key
    key, number = stem, 1
    while taken(key):
        number += 1
        key = f"{stem}-{number}"
    return key
