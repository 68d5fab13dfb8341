"""`vigie evidence ...`: receive a file into a case, check the store, export a case's bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vigie.bootstrap import setup_django
from vigie.cases.commands import find_case, find_user, operator_name
from vigie.commands import register_command

_user_option = click.option(
    "--user",
    "username",
    metavar="USERNAME",
    help="Act as this Vigie account (its permissions are checked and it is named in the chain of custody); "
    "default: the operator at this shell.",
)
_organisation_option = click.option(
    "--organisation",
    "organisation_slug",
    metavar="SLUG",
    help="The organisation, when several have a case with this reference.",
)


def _context(command: str, user):
    from vigie.core.context import change_context

    if user is not None:
        return change_context(user=user, origin="cli")
    return change_context(user_name=operator_name(command), origin="cli")


@register_command
@click.group("evidence")
def evidence_group() -> None:
    """Evidence: receive files into a case, verify the store against the hashes, export a bundle."""


@evidence_group.command("add")
@click.argument("reference", metavar="CASE_REF")
@click.argument(
    "path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--captured-at", help="When it was photographed, recorded or written (e.g. 2024-03-07T14:30)."
)
@click.option("--device", help="The camera, phone or recorder (make and model).")
@click.option("--collected-by", help="Who collected it, and how to reach them (kept encrypted).")
@click.option(
    "--source",
    help="Where it was found: a web address, a channel, a person or an office (kept encrypted).",
)
@click.option("--place", help="Where it was captured: a place code from the gazetteer.")
@click.option("--latitude", type=float, help="Where it was captured: latitude (with --longitude).")
@click.option("--longitude", type=float, help="Where it was captured: longitude (with --latitude).")
@click.option("--description", help="What it shows (kept encrypted).")
@click.option(
    "--derived-from",
    type=int,
    metavar="ITEM_ID",
    help="This file is a working copy (redacted, transcribed...) of evidence ITEM_ID of the same case.",
)
@click.option("--transformation", help="With --derived-from: how the working copy was made.")
@click.option("--note", help="A note for the chain of custody (kept encrypted).")
@_organisation_option
@_user_option
def evidence_add(
    reference,
    path,
    captured_at,
    device,
    collected_by,
    source,
    place,
    latitude,
    longitude,
    description,
    derived_from,
    transformation,
    note,
    organisation_slug,
    username,
) -> None:
    """Receive FILE into case CASE_REF: hash it, store it by its hash (read-only), start its chain of custody."""
    setup_django()
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.utils.translation import gettext

    from vigie.evidence.errors import EvidenceError
    from vigie.evidence.models import EvidenceItem
    from vigie.evidence.services import add_evidence

    case = find_case(reference, organisation_slug)
    user = find_user(username)
    original = None
    if derived_from is not None:
        original = EvidenceItem.objects.filter(pk=derived_from, case=case).first()
        if original is None:
            raise click.BadParameter(
                f"case {case.reference} has no evidence {derived_from}", param_hint="--derived-from"
            )
    elif transformation:
        raise click.BadParameter(
            "--transformation goes with --derived-from", param_hint="--transformation"
        )
    metadata = {
        "captured_at": captured_at,
        "device": device,
        "collected_by": collected_by,
        "source": source,
        "captured_place": place,
        "latitude": latitude,
        "longitude": longitude,
        "description": description,
        "note": note,
    }
    try:
        with _context("vigie evidence add", user), open(path, "rb") as handle:
            intake = add_evidence(
                case,
                handle,
                path.name,
                {k: v for k, v in metadata.items() if v is not None},
                user,
                derived_from=original,
                transformation=transformation or "",
            )
    except EvidenceError as error:
        nothing = gettext("nothing was stored")
        raise click.ClickException(f"{path.name}: {error}; {nothing}") from None
    except (Http404, PermissionDenied):
        raise click.ClickException(
            f"{username} may not add evidence to case {case.reference}; nothing was stored"
        ) from None
    item = intake.item
    if intake.created:
        click.echo(
            f"evidence {item.pk} received: {item.media_type}, {item.size} bytes, sha256 {item.sha256}"
        )
    else:
        click.echo(
            f"case {case.reference} already holds these bytes as evidence {item.pk} (sha256 {item.sha256}); "
            "a 'received' event was added to its chain of custody"
        )


@evidence_group.command("verify")
@click.option(
    "--record",
    is_flag=True,
    help="Add a 'verified' event to the chain of custody of every item whose file matches its hash.",
)
def evidence_verify(record) -> None:
    """Check every stored file against its hash, and the evidence records and chain of custody against
    the change log; name each problem on a line of its own (exit 1).

    Reported: a file missing, changed, unreadable, or something else (a directory, a link) where it
    should be; a custody event edited, deleted or inserted in the database; a piece of evidence whose
    hash or case was changed; a change log that was altered (it is what the custody is checked against).
    """
    setup_django()
    from vigie.core.audit import verify_log
    from vigie.evidence.integrity import verify_records, verify_store
    from vigie.evidence.store import default_store

    store = default_store()
    with _context("vigie evidence verify", None):
        report = verify_store(store, record=record)
    records = verify_records()
    log = verify_log()
    for problem in report.problems:
        click.echo(problem.describe(), err=True)
    for problem in records + log.problems:
        click.echo(problem, err=True)
    for sha256 in report.unreferenced:
        click.echo(
            f"note: {store.path_for(sha256)} is in the store but no evidence item describes it",
            err=True,
        )
    click.echo(
        f"{report.checked} stored file(s) checked for {report.items} evidence item(s) in {store.root}"
    )
    failed = False
    if report.problems:
        click.echo(
            f"the evidence store does NOT match its hashes: {len(report.problems)} file(s) changed, missing "
            "or unreadable"
        )
        failed = True
    if records or log.problems:
        click.echo(
            f"the evidence records or the change log were altered: {len(records) + len(log.problems)} "
            "problem(s)"
        )
        failed = True
    if failed:
        sys.exit(1)
    click.echo("every stored file matches its hash; the chain of custody matches the change log")


@evidence_group.command("bundle")
@click.argument("reference", metavar="CASE_REF")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The ZIP file to write (must not exist).",
)
@click.option(
    "--include-personal",
    is_flag=True,
    help="Put personal details in the manifest (who collected, sources, original file names, notes, "
    "names in the chain of custody). Only for a recipient entitled to them.",
)
@_organisation_option
@_user_option
def evidence_bundle(reference, output, include_personal, organisation_slug, username) -> None:
    """Export case CASE_REF's evidence as a ZIP with a manifest of hashes and the chain of custody."""
    setup_django()
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from vigie.evidence.bundle import BundleError, export_bundle

    case = find_case(reference, organisation_slug)
    user = find_user(username)
    try:
        with _context("vigie evidence bundle", user):
            result = export_bundle(case, output, user, include_personal=include_personal)
    except BundleError as error:
        raise click.ClickException(str(error)) from None
    except (Http404, PermissionDenied):
        raise click.ClickException(
            f"{username} may not export the evidence of case {case.reference}"
        ) from None
    click.echo(f"{result.path}: {result.items} file(s)")
    click.echo(f"manifest.json sha256 {result.manifest_sha256}")
    click.echo(f"manifest.csv sha256 {result.manifest_csv_sha256}")
    click.echo(
        "write these hashes down apart from the bundle; `sha256sum -c SHA256SUMS` inside it checks every file"
    )
