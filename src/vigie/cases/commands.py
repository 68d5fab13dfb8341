"""`vigie case ...`: open, list and read investigations, move them through their statuses.

The commands act as the operator at the server's shell (recorded in the change log as the command
and the system user); nothing personal is printed unless asked for (--with-findings).
"""

from __future__ import annotations

import contextlib
import getpass

import click

from vigie.bootstrap import setup_django
from vigie.cases.choices import CaseStatus
from vigie.commands import register_command


def operator_name(command: str) -> str:
    with contextlib.suppress(Exception):
        return f"{command} ({getpass.getuser()})"
    return command


def find_case(reference: str, organisation_slug: str | None):
    """The case with this reference (in this organisation when several have the same reference)."""
    from vigie.cases.models import Case

    cases = Case.objects.filter(reference=reference).select_related("organisation")
    if organisation_slug:
        cases = cases.filter(organisation__slug=organisation_slug)
    found = list(cases[:2])
    if not found:
        where = f" in organisation {organisation_slug!r}" if organisation_slug else ""
        raise click.BadParameter(f"no case {reference!r}{where}", param_hint="CASE_REF")
    if len(found) > 1:
        raise click.BadParameter(
            f"several organisations have a case {reference!r}: choose one with --organisation",
            param_hint="CASE_REF",
        )
    return found[0]


def find_user(username: str | None):
    """A Vigie account to act as (its permissions are checked), or None for the operator."""
    if not username:
        return None
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise click.BadParameter(f"no active user {username!r}") from None


organisation_option = click.option(
    "--organisation",
    "organisation_slug",
    metavar="SLUG",
    help="The organisation, when several have a case with this reference.",
)


@register_command
@click.group("case")
def case_group() -> None:
    """Investigations: open one, list them, read one, change its status, see overdue deadlines."""


@case_group.command("open")
@click.argument("reference", metavar="CASE_REF")
@click.argument("title")
@click.option(
    "--organisation",
    "organisation_slug",
    metavar="SLUG",
    required=True,
    help="The organisation that holds the case.",
)
@click.option(
    "--incident",
    "incident_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="An incident the case is about (repeat for several).",
)
@click.option(
    "--lead", "lead_username", metavar="USERNAME", help="The lead investigator's account."
)
def case_open(reference, title, organisation_slug, incident_ids, lead_username) -> None:
    """Open case CASE_REF called TITLE (a place and a date; never a person's name)."""
    setup_django()
    from vigie.cases.services import CaseError, open_case
    from vigie.core.context import change_context
    from vigie.core.models import Organisation
    from vigie.incidents.models import Incident

    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise click.BadParameter(
            f"no organisation {organisation_slug!r}", param_hint="--organisation"
        )
    incidents = list(Incident.objects.filter(pk__in=incident_ids))
    unknown = sorted(set(incident_ids) - {incident.pk for incident in incidents})
    if unknown:
        raise click.BadParameter(
            f"no incident {', '.join(map(str, unknown))}", param_hint="--incident"
        )
    try:
        with change_context(user_name=operator_name("vigie case open"), origin="cli"):
            case = open_case(
                organisation,
                reference,
                title,
                None,
                incidents=incidents,
                lead_investigator=find_user(lead_username),
            )
    except CaseError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"case {case.reference} opened for {organisation.slug} (id {case.pk})")


@case_group.command("list")
@click.option(
    "--organisation", "organisation_slug", metavar="SLUG", help="Only this organisation's cases."
)
@click.option("--status", type=click.Choice(CaseStatus.values), help="Only cases with this status.")
def case_list(organisation_slug, status) -> None:
    """List cases: reference, organisation, status, opening date, evidence count, title."""
    setup_django()
    from django.db.models import Count

    from vigie.cases.models import Case

    cases = (
        Case.objects.select_related("organisation")
        .annotate(n_evidence=Count("evidence"))
        .order_by("organisation__slug", "reference")
    )
    if organisation_slug:
        cases = cases.filter(organisation__slug=organisation_slug)
    if status:
        cases = cases.filter(status=status)
    n = 0
    for case in cases:
        n += 1
        click.echo(
            f"{case.reference}\t{case.organisation.slug}\t{case.status}\t{case.opened_on}\t"
            f"{case.n_evidence} evidence\t{case.title}"
        )
    click.echo(f"{n} case(s)", err=True)


@case_group.command("show")
@click.argument("reference", metavar="CASE_REF")
@organisation_option
@click.option(
    "--with-findings",
    is_flag=True,
    help="Also print the findings, the status reason and the notes (personal data: only when needed).",
)
def case_show(reference, organisation_slug, with_findings) -> None:
    """Show one case: status, incidents, referrals, deadlines, evidence (the read is logged)."""
    setup_django()
    from django.utils import timezone

    from vigie.cases.services import read_case
    from vigie.core.context import change_context

    case = find_case(reference, organisation_slug)
    with change_context(user_name=operator_name("vigie case show"), origin="cli"):
        case = read_case(
            None,
            "vigie case show --with-findings" if with_findings else "vigie case show",
            pk=case.pk,
        )
    lead = case.lead_investigator.get_username() if case.lead_investigator_id else "-"
    click.echo(f"case {case.reference} ({case.organisation.slug}): {case.title}")
    click.echo(
        f"status: {case.status}; opened {case.opened_on}; closed {case.closed_on or '-'}; lead: {lead}"
    )
    for incident in case.incidents.order_by("date_start"):
        click.echo(
            f"incident {incident.pk}: {incident.date_start} {incident.location} {incident.event_type}"
        )
    perpetrators = ", ".join(case.alleged_perpetrators.values_list("name", flat=True))
    click.echo(f"alleged perpetrators: {perpetrators or '-'}")
    for referral in case.referrals.order_by("referred_on", "pk"):
        click.echo(
            f"referral {referral.pk}: {referral.referred_on} to {referral.recipient_name} "
            f"({referral.recipient_kind}), {referral.status}, ref. {referral.reference or '-'}"
        )
        if with_findings and referral.notes:
            click.echo(f"  notes: {referral.notes}")
    today = timezone.localdate()
    for task in case.tasks.order_by("due_on", "pk"):
        state = (
            f"done {task.done_on}"
            if task.done_on
            else ("OVERDUE" if task.due_on < today else "open")
        )
        kind = "deadline" if task.is_deadline else "task"
        click.echo(f"{kind} {task.pk}: due {task.due_on} {task.title} [{state}]")
    for item in case.evidence.order_by("pk"):
        origin = f" derived from {item.derived_from_id}" if item.derived_from_id else ""
        click.echo(
            f"evidence {item.pk}: {item.media_type} {item.size} bytes sha256 {item.sha256}{origin}"
        )
    if with_findings:
        click.echo(f"status reason: {case.status_reason or '-'}")
        click.echo(f"findings:\n{case.findings or '-'}")


@case_group.command("status")
@click.argument("reference", metavar="CASE_REF")
@click.argument("status", type=click.Choice(CaseStatus.values))
@click.option(
    "--reason", default="", help="Why (required to close or to reopen a case; kept encrypted)."
)
@organisation_option
def case_status(reference, status, reason, organisation_slug) -> None:
    """Move case CASE_REF to STATUS, if that move is allowed from its current status."""
    setup_django()
    from vigie.cases.services import CaseError, change_status
    from vigie.core.context import change_context

    case = find_case(reference, organisation_slug)
    try:
        with change_context(user_name=operator_name("vigie case status"), origin="cli"):
            case = change_status(case, status, None, reason)
    except CaseError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"case {case.reference}: {case.status}")


@case_group.command("overdue")
@click.option(
    "--organisation", "organisation_slug", metavar="SLUG", help="Only this organisation's cases."
)
def case_overdue(organisation_slug) -> None:
    """List tasks and deadlines whose due date has passed and that are not done."""
    setup_django()
    from vigie.cases.services import overdue_tasks

    tasks = overdue_tasks(None).select_related("case__organisation")
    if organisation_slug:
        tasks = tasks.filter(case__organisation__slug=organisation_slug)
    n = 0
    for task in tasks.order_by("due_on", "pk"):
        n += 1
        kind = "deadline" if task.is_deadline else "task"
        click.echo(
            f"{task.due_on}\t{task.case.organisation.slug}\t{task.case.reference}\t{kind}\t{task.title}"
        )
    click.echo(f"{n} overdue", err=True)
