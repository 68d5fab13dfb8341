"""The querysets of the records scoped by organisation: every reader asks ``Model.objects``.

With vigie.core.permissions (the grants, and the "who may" questions) and vigie.core.published
(actors, places and sources) this module is the access layer: no other module builds an access
rule, and tests/test_access_layer.py fails when one does. After NetBox's RestrictedQuerySet.

- ``restrict(user, action="view")``: the records ``user``'s grants allow ``action`` on (their
  organisations' own, and those shared with them), as vigie.core.permissions decides. Never wider
  than the queryset it narrows.
- ``visible_to(user)``: the records ``user`` may see. For most records, ``restrict(user, "view")``;
  for incidents and reports, also what the public sees (the rules below).
- ``user`` None is the operator at the server's shell (the CLI, as in vigie.core.permissions.require):
  every record. A page or an endpoint always passes ``request.user`` (anonymous or not).

Incidents (``ScopedIncidentQuerySet``; vigie.incidents.models adds ``current()``):

- The public sees incidents marked public that rest on at least one source whose rows may be
  redistributed: an incident known only from ACLED (whose terms forbid redistribution) is never
  published, whatever its visibility.
- A user also sees the incidents their roles' grants let them view: their organisations' own
  incidents (a "restricted" one only as coordinator or administrator, by default) and the
  incidents shared with their organisations.
- Whoever asks, an incident merged into another is never among them (``current()``): it lives on
  in the incident that took its reports (``vigie.incidents.models.surviving``).
- ``for_audience(organisation_ids=...)`` is the rule of exports made for an organisation (by an
  operator, on the command line): its incidents that are not restricted, and the public ones.

Reports (``ReportQuerySet``):

- ``visible_to(user)`` (the API, the intake pages): the reports of the organisations where
  ``user``'s role grants viewing; a restricted report goes with its incident, readable only by
  those who may see that restricted incident.
- ``readable_by(user)`` (the incident pages): the public reads the public reports from a source
  that may be named and redistributed (never a witness, never an ACLED row); a member also reads
  those their grants open.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q


def _permissions():
    # vigie.core.permissions imports vigie.core.models, whose managers are built from this module.
    from vigie.core import permissions

    return permissions


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class RestrictedQuerySet(models.QuerySet):
    """The queryset of every record that belongs to an organisation (cases, evidence, victims...)."""

    def restrict(self, user, action: str = "view"):
        """The records ``user``'s grants allow ``action`` on; never wider than ``self``."""
        if user is None:
            _permissions().check_action(action)
            return self
        return _permissions().restrict(self, user, action)

    def visible_to(self, user):
        """The records ``user`` may see (out of them, a record does not exist for them: 404)."""
        return self.restrict(user, "view")

    def visible_one(self, user, **lookup):
        """The record of ``self`` matching ``lookup`` if ``user`` may see it, else None."""
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValueError):
            return None


class OrganisationQuerySet(models.QuerySet):
    def of_member(self, user):
        """The organisations ``user`` belongs to, in any role (an operator's own memberships too)."""
        return self.filter(pk__in=sorted(_permissions().member_organisations(user)))

    def visible_to(self, user):
        """The organisations ``user`` may see: their own (every one for an operator)."""
        if _permissions().is_operator(user):
            return self
        return self.of_member(user)

    def where_may(self, user, model, action: str = "view"):
        """The organisations in which ``user`` may ``action`` records of ``model`` (every one for an
        operator): the choices of a form's organisation field."""
        permissions = _permissions()
        if permissions.is_operator(user):
            permissions.check_action(action)
            return self
        return self.where_granted(user, model, action)

    def where_granted(self, user, model, action: str = "view"):
        """The organisations in which ``user``'s own roles grant ``action`` on ``model`` records:
        ``where_may`` without the operator's every organisation (an operator who is a member of
        none has none here)."""
        return self.filter(pk__in=sorted(_permissions().organisations_for(user, model, action)))


class ReviewedQuerySet(models.QuerySet):
    """Records of the linkage review that belong to an organisation or to none (linkage runs, models
    trained from analysts' answers): those of the organisations whose incidents ``user`` may change,
    and those of no organisation (runs of the whole instance, the models they used)."""

    def visible_to(self, user):
        from vigie.core.models import Organisation
        from vigie.incidents.models import Incident

        reviewed = Organisation.objects.where_may(user, Incident, "change")
        return self.filter(Q(organisation__in=reviewed) | Q(organisation__isnull=True))


# -- incidents ---------------------------------------------------------------------------------------


def publishable_q() -> Q:
    """The incidents the public sees: marked public, and resting on a redistributable source."""
    from vigie.core.choices import Visibility
    from vigie.reports.models import Report

    redistributable = Report.objects.filter(
        incident=OuterRef("pk"), is_current=True, source__redistributable=True
    )
    return Q(visibility=Visibility.PUBLIC) & Q(Exists(redistributable))


class ScopedIncidentQuerySet(RestrictedQuerySet):
    """Incidents: the public rule and the grants. The subclass says which incidents are ``current``."""

    def current(self):
        raise NotImplementedError

    def visible_to(self, user):
        """The current incidents ``user`` may see: the public ones and those their grants open."""
        permissions = _permissions()
        queryset = self.current()
        if user is None or permissions.is_operator(user):
            return queryset
        allowed = publishable_q()
        if _signed_in(user):
            allowed |= permissions.allowed_q(user, queryset.model, "view")
        return queryset.filter(allowed)

    def public(self):
        """The current incidents the public sees (the public part shows nothing else, whoever looks)."""
        return self.current().filter(publishable_q())

    def for_audience(self, *, organisation_ids: Iterable[int] = (), everything: bool = False):
        """The current incidents an export's audience may see: the public ones, and the incidents of
        ``organisation_ids`` that are not restricted (``everything``: all of them)."""
        from vigie.core.choices import Visibility

        queryset = self.current()
        if everything:
            return queryset
        allowed = publishable_q()
        organisation_ids = list(organisation_ids)
        if organisation_ids:
            allowed |= Q(organisation_id__in=organisation_ids) & ~Q(
                visibility=Visibility.RESTRICTED
            )
        return queryset.filter(allowed)

    def visible_one(self, user, **lookup):
        """The incident of ``self`` matching ``lookup`` if ``user`` may see it (``visible_to``), else
        None. It is read first; the user's grants in its organisation then answer without a query
        when they allow it, and the rule is asked of the database otherwise (public, shared)."""
        try:
            incident = next(iter(self.current().filter(**lookup)), None)
        except ValueError:
            return None
        if incident is None:
            return None
        if (
            _permissions().allowed_among(user, [incident])
            or self.model.objects.visible_to(user).filter(pk=incident.pk).exists()
        ):
            return incident
        return None

    def readable_ids(self, user, ids: Iterable[int | None]) -> set[int]:
        """Those of ``ids`` that name an incident ``user`` may see, in one query."""
        ids = {pk for pk in ids if pk is not None}
        if not ids:
            return set()
        if _permissions().is_operator(user):
            return ids
        return set(self.filter(pk__in=ids).visible_to(user).values_list("pk", flat=True))


class ReadableIncidents:
    """Which incidents the caller may read, asked of the database once per page.

    A record the caller reads (a report, a case, a victim, a merged incident) may name an incident
    the caller may not read: another organisation's, or a restricted one. Its id is shown only when
    the caller may read that incident, by the rule that opens the incident itself. The view reads the
    ids of a whole page at once (``prefetch``); an id not read yet is asked of the database alone.
    """

    def __init__(self, user) -> None:
        self.user = user
        self._known: dict[int, bool] = {}

    def prefetch(self, ids: Iterable[int | None]) -> None:
        from vigie.incidents.models import Incident

        missing = {pk for pk in ids if pk is not None and pk not in self._known}
        if missing:
            readable = Incident.objects.readable_ids(self.user, missing)
            self._known.update({pk: pk in readable for pk in missing})

    def __contains__(self, pk) -> bool:
        if pk is None:
            return False
        self.prefetch([pk])
        return self._known[pk]

    def shown(self, pk: int | None) -> int | None:
        """``pk`` if the caller may read that incident, otherwise None."""
        return pk if pk in self else None


# -- reports -----------------------------------------------------------------------------------------


def _public_report_q() -> Q:
    from vigie.core.choices import Visibility

    return (
        Q(visibility=Visibility.PUBLIC)
        & ~Q(source__kind="witness")
        & Q(source__redistributable=True)
        & Q(source__published=True)
    )


def _is_public_report(report) -> bool:
    """``_public_report_q`` read on a report (its source loaded)."""
    from vigie.core.choices import Visibility

    return (
        report.visibility == Visibility.PUBLIC
        and report.source.kind != "witness"
        and report.source.redistributable
        and report.source.published
    )


def readable_reports_q(user) -> Q:
    """``ReportQuerySet.readable_by`` as a filter (to combine with others)."""
    from vigie.reports.models import Report

    readable = _public_report_q()
    if _signed_in(user):
        readable |= _permissions().allowed_q(user, Report, "view")
    return readable


def report_listed_for_audience(
    visibility: str,
    report_organisation_id: int | None,
    source_kind: str,
    audience_organisation_id: int | None,
) -> bool:
    """Whether a current report's "source-slug:id" may appear in an export's ``source_ids`` for the
    audience (an organisation's id, None for the public); read on values, row by row, as the export
    streams them."""
    from vigie.core.choices import Visibility

    own = (
        audience_organisation_id is not None and report_organisation_id == audience_organisation_id
    )
    if visibility == Visibility.PUBLIC:
        # A witness is never named publicly, nor to another organisation.
        return source_kind != "witness" or own
    if visibility == Visibility.ORGANISATION:
        return own
    return False  # restricted reports are never listed


class ReportQuerySet(RestrictedQuerySet):
    def visible_to(self, user, action: str = "view"):
        """Reports of the organisations where ``user``'s role grants ``action``. A restricted report
        goes with its incident: readable only by those who may see that restricted incident (its
        organisation's coordinators and administrators, by the default grants)."""
        from vigie.core.choices import Visibility
        from vigie.incidents.models import Incident

        if user is None:
            return self
        if not _signed_in(user):
            return self.none()
        queryset = self.restrict(user, action)
        if _permissions().is_operator(user):
            return queryset
        # Correlated: asked only of restricted reports, one index lookup each. (An IN (subquery)
        # made PostgreSQL plan a scan of every restricted incident, and its JIT compile that plan.)
        restricted_incident = Incident.objects.filter(
            visibility=Visibility.RESTRICTED, pk=OuterRef("incident_id")
        ).visible_to(user)
        return queryset.filter(
            ~Q(visibility=Visibility.RESTRICTED) | Q(Exists(restricted_incident))
        )

    def readable_by(self, user):
        """The reports ``user`` may read on the incident pages: public ones from a source that may be
        named and redistributed (a witness is never named to the public; ACLED's rows are not
        redistributed), and those the user's grants open (their organisations' own, shared ones)."""
        return self.filter(readable_reports_q(user))

    def shown_to_the_public(self):
        """The reports a public figure may rest on, its basis being shown to the public: never a
        restricted report, nor a row of a source that may not be redistributed (ACLED)."""
        from vigie.core.choices import Visibility

        return self.exclude(visibility=Visibility.RESTRICTED).filter(source__redistributable=True)

    def readable_list(self, user) -> list:
        """The reports of ``self`` that ``readable_by`` keeps, in ``self``'s order, as a list: the
        public ones and those the user's grants open are known without a query (``self`` should
        load ``source``), the rest (shared ones) are asked of the database."""
        reports = list(self)
        public = {report.pk for report in reports if _is_public_report(report)}
        if not _signed_in(user):
            return [report for report in reports if report.pk in public]
        granted = {
            report.pk
            for report in _permissions().allowed_among(
                user, [report for report in reports if report.pk not in public]
            )
        }
        return [report for report in reports if report.pk in public or report.pk in granted]


# -- records that follow another ------------------------------------------------------------------


class FollowingQuerySet(RestrictedQuerySet):
    """Records seen, and acted on, as the record they hang from (``follows``: the path of the
    foreign key, "item" for a custody event): a custody event as its piece of evidence."""

    follows = ""

    def _parent(self):
        return self.model._meta.get_field(self.follows).related_model

    def restrict(self, user, action: str = "view"):
        if user is None:
            return self
        parents = self._parent()._default_manager.restrict(user, action)
        return self.filter(**{f"{self.follows}__in": parents.values("pk")})

    def visible_to(self, user):
        if user is None:
            return self
        parents = self._parent()._default_manager.visible_to(user)
        return self.filter(**{f"{self.follows}__in": parents.values("pk")})


class DraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A draft is its author's alone, whatever their role (an operator's too)."""
        if not _signed_in(user):
            return self.none()
        return self.filter(author_id=user.pk)


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A report's attachment is seen as its report (``Report.objects.visible_to``); a draft's,
        by the draft's author alone."""
        from vigie.reports.models import Report

        if not _signed_in(user):
            return self.none()
        return self.filter(
            Q(report__isnull=False, report__in=Report.objects.visible_to(user).values("pk"))
            | Q(report__isnull=True, draft__author_id=user.pk)
        )
