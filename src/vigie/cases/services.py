"""What an investigator does with a case: open it, move it through its statuses, record findings,
refer it, set deadlines, read it.

Every function takes the acting ``user``: a Django user (the web, the API, ``vigie ... --user``),
whose access is checked by the access layer (``Case.objects.restrict``, vigie.core.permissions),
or ``None`` for the operator at the
server's shell (the CLI without --user), who already holds the database. A web view never passes
None: an anonymous visitor is an AnonymousUser and sees nothing.

A record outside the user's scope does not exist for them (Http404); a record they may see but not
change raises PermissionDenied. Bad input raises CaseError (a ValueError) saying what and why, and
nothing is saved.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.context import acting_as
from vigie.core.permissions import require, require_in_organisation

from .choices import ALLOWED_TRANSITIONS, CaseStatus, RecipientKind, ReferralStatus
from .models import Case, CaseTask, Referral


class CaseError(ValueError):
    """A change to a case was refused; nothing was saved."""


class InvalidTransition(CaseError):
    pass


def read_case(user, purpose: str = "", **lookup) -> Case:
    """One case, as ``user`` may see it (Http404 otherwise); the read is logged in the change log."""
    try:
        case = Case.objects.visible_to(user).get(**lookup)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None
    record_read(case, user, purpose)
    return case


def _text(value: str, what: str, max_length: int | None = None, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseError(_("%(what)s is required") % {"what": what})
    if max_length and len(value) > max_length:
        raise CaseError(
            _("%(what)s is longer than %(limit)d characters") % {"what": what, "limit": max_length}
        )
    return value


def _check_lead(lead, organisation) -> None:
    if lead is None:
        return
    if not permissions.may(lead, Case, "change", organisation):
        raise CaseError(
            _(
                "the lead investigator must be a member of %(organisation)s with a role that may work on cases"
            )
            % {"organisation": organisation}
        )


@transaction.atomic
def open_case(
    organisation,
    reference: str,
    title: str,
    user,
    *,
    incidents=(),
    lead_investigator=None,
    team=(),
    alleged_perpetrators=(),
    opened_on: datetime.date | None = None,
) -> Case:
    """Open a case for ``organisation``. Incidents must be ones the user may see."""
    require_in_organisation(user, Case, organisation, "add")
    reference = _text(reference, _("the reference"), 60)
    title = _text(title, _("the title"), 200)
    if Case.objects.filter(organisation=organisation, reference=reference).exists():
        raise CaseError(
            _("%(organisation)s already has a case %(reference)s")
            % {"organisation": organisation, "reference": reference}
        )
    _check_lead(lead_investigator, organisation)
    incidents = list(incidents)
    if user is not None and incidents:
        from vigie.incidents.models import Incident

        visible = set(
            Incident.objects.visible_to(user)
            .filter(pk__in=[i.pk for i in incidents])
            .values_list("pk", flat=True)
        )
        if len(visible) != len({i.pk for i in incidents}):
            raise CaseError(_("one of the incidents does not exist or is not visible to you"))
    with acting_as(user):
        case = Case.objects.create(
            organisation=organisation,
            reference=reference,
            title=title,
            lead_investigator=lead_investigator,
            opened_on=opened_on or timezone.localdate(),
        )
        case.incidents.set(incidents)
        case.team.set(list(team))
        case.alleged_perpetrators.set(list(alleged_perpetrators))
    return case


@transaction.atomic
def change_status(case: Case, status: str, user, reason: str = "") -> Case:
    """Move a case to ``status`` if the move is allowed; closing or reopening needs a reason."""
    require(user, case, "change")
    list(
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk")
    )  # one status change at a time
    case.refresh_from_db()
    if status not in CaseStatus.values:
        raise InvalidTransition(
            _("%(status)r is not a case status; choose one of: %(choices)s")
            % {"status": status, "choices": ", ".join(CaseStatus.values)}
        )
    allowed = ALLOWED_TRANSITIONS[case.status]
    if status not in allowed:
        raise InvalidTransition(
            _("a case that is %(current)s cannot become %(new)s; it can become: %(allowed)s")
            % {
                "current": CaseStatus(case.status).label,
                "new": CaseStatus(status).label,
                "allowed": ", ".join(
                    str(CaseStatus(s).label) for s in CaseStatus.values if s in allowed
                ),
            }
        )
    reason = (reason or "").strip()
    if (status == CaseStatus.CLOSED or case.status == CaseStatus.CLOSED) and not reason:
        raise InvalidTransition(_("closing or reopening a case needs a reason"))
    if status == CaseStatus.FINDINGS_RECORDED and not case.findings:
        raise InvalidTransition(_("record the findings before marking them recorded"))
    if status == CaseStatus.REFERRED and not case.referrals.exists():
        raise InvalidTransition(
            _("add the referral (to whom, when) before marking the case referred")
        )
    case.status = status
    case.status_reason = reason
    if status == CaseStatus.CLOSED:
        case.closed_on = timezone.localdate()
    elif case.closed_on is not None:
        case.closed_on = None
    with acting_as(user):
        case.save()
    return case


@transaction.atomic
def record_findings(case: Case, findings: str, user) -> Case:
    """Replace the case's findings (encrypted at rest; the change log keeps only a fingerprint)."""
    require(user, case, "change")
    case.findings = _text(findings, _("the findings"))
    with acting_as(user):
        case.save()
    return case


@transaction.atomic
def add_referral(
    case: Case,
    user,
    *,
    recipient_kind: str,
    recipient_name: str,
    referred_on=None,
    reference: str = "",
    status: str = ReferralStatus.SENT,
    notes: str = "",
) -> Referral:
    """Record that the case was referred to a court, the CNDH, a UN office or another organisation."""
    require(user, case, "change")
    if recipient_kind not in RecipientKind.values:
        raise CaseError(
            _("%(kind)r is not a kind of recipient; choose one of: %(choices)s")
            % {"kind": recipient_kind, "choices": ", ".join(RecipientKind.values)}
        )
    if status not in ReferralStatus.values:
        raise CaseError(
            _("%(status)r is not a referral status; choose one of: %(choices)s")
            % {"status": status, "choices": ", ".join(ReferralStatus.values)}
        )
    with acting_as(user):
        return Referral.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            recipient_kind=recipient_kind,
            recipient_name=_text(recipient_name, _("the recipient's name"), 200),
            referred_on=referred_on or timezone.localdate(),
            reference=_text(reference, _("the reference"), 100, False),
            status=status,
            notes=(notes or "").strip(),
        )


@transaction.atomic
def set_referral_status(
    referral: Referral, status: str, user, notes: str | None = None
) -> Referral:
    require(user, referral.case, "change")
    if status not in ReferralStatus.values:
        raise CaseError(
            _("%(status)r is not a referral status; choose one of: %(choices)s")
            % {"status": status, "choices": ", ".join(ReferralStatus.values)}
        )
    referral.status = status
    if notes is not None:
        referral.notes = notes.strip()
    with acting_as(user):
        referral.save()
    return referral


@transaction.atomic
def add_task(
    case: Case,
    user,
    *,
    title: str,
    due_on: datetime.date,
    is_deadline: bool = False,
    assigned_to=None,
    notes: str = "",
) -> CaseTask:
    """A task or a deadline of the case, with its due date."""
    require(user, case, "change")
    if not isinstance(due_on, datetime.date):
        raise CaseError(_("the due date must be a date"))
    with acting_as(user):
        return CaseTask.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            title=_text(title, _("the task"), 200),
            due_on=due_on,
            is_deadline=is_deadline,
            assigned_to=assigned_to,
            notes=(notes or "").strip(),
        )


@transaction.atomic
def complete_task(task: CaseTask, user, done_on: datetime.date | None = None) -> CaseTask:
    require(user, task.case, "change")
    task.done_on = done_on or timezone.localdate()
    with acting_as(user):
        task.save()
    return task


def overdue_tasks(user, today: datetime.date | None = None):
    """Tasks and deadlines not done whose date has passed, in the cases ``user`` may see."""
    return (
        CaseTask.objects.filter(case__in=Case.objects.visible_to(user))
        .overdue(today)
        .select_related("case")
    )
