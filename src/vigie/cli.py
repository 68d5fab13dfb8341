"""The `vigie` command: init, import, export, serve, demo, manage."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from vigie.bootstrap import setup_django
from vigie.commands import registered_commands
from vigie.server import default_threads, default_workers

EXIT_ROWS_REJECTED = 2


def _choices() -> tuple[list[str], list[str], list[str]]:
    """Import formats, export formats and visibilities, from the registries themselves."""
    from vigie.core.choices import Visibility
    from vigie.interop.registry import EXPORT_FORMATS, IMPORT_FORMATS, _load_builtins

    _load_builtins()
    return sorted(IMPORT_FORMATS), sorted(EXPORT_FORMATS), list(Visibility.values)


IMPORT_FORMAT_NAMES, EXPORT_FORMAT_NAMES, VISIBILITIES = _choices()


def prepare_database(verbosity: int = 0) -> None:
    """Create or migrate the database, load the gazetteer and the actor dictionary."""
    from django.core.management import call_command

    from vigie.actors.reference import load_dictionary
    from vigie.core.context import change_context
    from vigie.places.reference import load_gazetteer

    call_command("migrate", interactive=False, verbosity=verbosity)
    with change_context(user_name="vigie init", origin="cli"):
        places = load_gazetteer()
        actors = load_dictionary()
    if verbosity:
        click.echo(f"gazetteer: {places[0]} places created, {places[1]} updated")
        click.echo(f"actor dictionary: {actors[0]} actors created, {actors[1]} updated")


@click.group()
@click.version_option(package_name="vigie")
def main() -> None:
    """Vigie: an observatory of harm to civilians and of accountability.

    Settings come from the environment: DATABASE_URL (SQLite under VIGIE_HOME by default),
    VIGIE_HOME, VIGIE_SECRET_KEY. See docs/configuration.md.
    """


@main.command()
def init() -> None:
    """Create or migrate the database and load the gazetteer and the actor dictionary."""
    setup_django(database=False)
    from django.db import connection

    prepare_database(verbosity=1)
    click.echo(f"database ready: {connection.vendor} {connection.settings_dict['NAME']}")


def _organisation(slug: str | None):
    from vigie.core.models import Organisation

    if not slug:
        return None
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise click.BadParameter(
            f"no organisation {slug!r} (create it in the admin first)", param_hint="--organisation"
        ) from None


@main.group()
def organisation() -> None:
    """Organisations (the tenants: an association, a partner, a UN office)."""


@organisation.command("add")
@click.argument("slug")
@click.argument("name")
def organisation_add(slug: str, name: str) -> None:
    """Create the organisation SLUG (its short name) called NAME."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.core.models import Organisation

    with change_context(user_name="vigie organisation add", origin="cli"):
        _created, new = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    click.echo(f"organisation {slug!r} {'created' if new else 'already exists'}")


@organisation.command("list")
def organisation_list() -> None:
    """List the organisations."""
    setup_django()
    from vigie.core.models import Organisation

    for slug, name in Organisation.objects.values_list("slug", "name"):
        click.echo(f"{slug}\t{name}")


@main.group()
def audit() -> None:
    """The change log's integrity: its hash chain, its MACs and its checkpoints (docs/protection.md)."""


def _audit_public_key(path: Path | None):
    from vigie.core.anchor import AuditKeyError, read_public_key

    if path is None:
        return None
    try:
        return read_public_key(path)
    except AuditKeyError as error:
        raise click.BadParameter(str(error), param_hint="--public-key") from None


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also compare the log with this exported checkpoint (repeat for several).",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Check the checkpoints' signatures with this public key (kept apart from the server) instead "
    "of the server's own.",
)
def audit_verify(checkpoints: tuple[Path, ...], public_key: Path | None) -> None:
    """Check the change log: its hash chain, each entry's MAC, the stored checkpoint and any given one,
    and the chain of custody against it. Name every problem, one line each (exit 1).

    Reported: an entry changed, removed or reordered; a chain rewritten with recomputed hashes;
    entries removed from the end or an emptied log (shorter than a checkpoint); a custody event
    edited, deleted or inserted.
    """
    setup_django()
    from vigie.core.audit import verify_log
    from vigie.evidence.integrity import verify_records

    report = verify_log(checkpoints, _audit_public_key(public_key))
    problems = report.problems + verify_records()
    for problem in problems:
        click.echo(problem, err=True)
    for note in report.notes:
        click.echo(f"note: {note}")
    if problems:
        click.echo(f"the change log was altered: {len(problems)} problem(s)")
        sys.exit(1)
    if report.head is None:
        click.echo("the change log is empty")
    else:
        click.echo(
            f"the change log is intact: {report.head[0]} entries; last hash {report.head[1]}"
        )


@audit.command("checkpoint")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The checkpoint file to write (keep it away from the server).",
)
def audit_checkpoint(output: Path) -> None:
    """Write a signed checkpoint of the change log's head (sequence, hash, count, time), after
    checking the whole log; refused if the log is altered (exit 1)."""
    setup_django()
    from vigie.core.audit import export_checkpoint

    try:
        checkpoint = export_checkpoint()
    except ValueError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    output.write_text(checkpoint.to_json(), encoding="utf-8")
    click.echo(f"{output}: {checkpoint.describe()}, signed by key {checkpoint.key_id}")
    click.echo(
        "keep it away from the server; `vigie audit verify --checkpoint FILE` compares the log with it"
    )


@audit.command("public-key")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the public key to this file (default: print it).",
)
def audit_public_key(output: Path | None) -> None:
    """The public key that checks checkpoint signatures: keep a copy away from the server."""
    setup_django(database=False)  # reads the keys folder only
    from vigie.core.anchor import AuditKeyError, load_audit_key, public_key_pem

    try:
        key = load_audit_key()
    except AuditKeyError as error:
        raise click.ClickException(str(error)) from None
    pem = public_key_pem(key.public_key)
    if output is None:
        click.echo(pem, nl=False)
    else:
        output.write_text(pem, encoding="utf-8")
        click.echo(f"{output}: public key {key.key_id}")


@main.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(IMPORT_FORMAT_NAMES))
@click.argument(
    "path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--strict", is_flag=True, help="Reject the whole file if any row is bad; import nothing."
)
@click.option(
    "--organisation", "organisation_slug", help="The organisation the rows are imported for."
)
@click.option(
    "--encoding", help="The file's encoding, when it cannot be detected (default: detected)."
)
@click.option(
    "--visibility",
    type=click.Choice(VISIBILITIES),
    help="Who may see the imported incidents (datasets: public; reports: organisation).",
)
@click.option(
    "--form",
    type=click.Choice(["auto", "dyadic", "monadic"]),
    default="auto",
    show_default=True,
    help="ACLED only: one row per event (dyadic) or per actor (monadic); auto detects it.",
)
@click.option("--quiet", is_flag=True, help="No progress bar; only problems and the summary.")
@click.option("--max-problems", default=50, show_default=True, help="How many problems to list.")
def import_command(
    format_name, path, strict, organisation_slug, encoding, visibility, form, quiet, max_problems
) -> None:
    """Import FILE in FORMAT (acled, ucdp, reports) in one transaction.

    Bad rows are listed with their line and column and the good rows are imported (exit code 2);
    with --strict a bad row rejects the whole file (exit code 1). Running the same import twice
    changes nothing.
    """
    setup_django()
    from vigie.core.context import change_context
    from vigie.interop.loader import run_import

    organisation = _organisation(organisation_slug)
    if organisation is None and format_name in ("acled", "reports") and visibility != "public":
        click.echo(
            "note: no --organisation: the imported incidents will be visible to administrators only "
            "(vigie organisation add SLUG NAME, then --organisation SLUG)",
            err=True,
        )
    size = path.stat().st_size
    show_progress = not quiet and sys.stderr.isatty()
    bar = (
        click.progressbar(length=size, label=f"importing {path.name}", file=sys.stderr)
        if show_progress
        else None
    )
    user = os.environ.get("USER") or os.environ.get("USERNAME") or "cli"
    options = {"form": form} if format_name == "acled" else {}
    try:
        with change_context(user_name=f"{user} (vigie import)", origin="cli"):
            if bar is not None:
                with bar:
                    result = run_import(
                        format_name,
                        path,
                        organisation=organisation,
                        strict=strict,
                        encoding=encoding,
                        visibility=visibility,
                        options=options,
                        on_read=bar.update,
                    )
            else:
                result = run_import(
                    format_name,
                    path,
                    organisation=organisation,
                    strict=strict,
                    encoding=encoding,
                    visibility=visibility,
                    options=options,
                )
    except (ValueError, UnicodeError) as error:
        raise click.ClickException(str(error)) from error
    problems = result.problems + result.warnings
    for problem in problems[:max_problems]:
        click.echo(problem.describe(path.name), err=True)
    if len(problems) > max_problems:
        click.echo(
            f"... and {len(problems) - max_problems} more (all are kept with the import run #{result.run_id})",
            err=True,
        )
    for line in result.summary_lines():
        click.echo(line)
    if result.strict_rejected:
        sys.exit(1)
    if result.rejected_rows:
        sys.exit(EXIT_ROWS_REJECTED)


@main.command("export")
@click.argument("what", type=click.Choice(["incidents"]))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(EXPORT_FORMAT_NAMES),
    default="csv",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write ('-' for standard output).",
)
@click.option(
    "--organisation",
    "organisation_slug",
    help="Export for this organisation's members: adds its own non-public incidents. "
    "Without it, the export is for the public.",
)
def export_command(what, format_name, output, organisation_slug) -> None:
    """Export incidents as CSV, GeoJSON or HXL (docs/formats.md). Public by default."""
    setup_django()
    from vigie.interop.exports import export_incidents

    organisation = _organisation(organisation_slug)
    if str(output) == "-":
        count = export_incidents(sys.stdout, format_name, organisation=organisation)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            count = export_incidents(handle, format_name, organisation=organisation)
        click.echo(f"{count} incidents written to {output}", err=True)


@main.command("link-file")
@click.argument(
    "path", metavar="REPORTS.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The CSV to write: report_id, incident.",
)
@click.option(
    "--pairs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every scored pair with the weight of each field (the explanation).",
)
def link_file(path: Path, output: Path, pairs: Path | None) -> None:
    """Link the reports of a CSV into incidents, with no database (docs/formats.md, docs/methodology.md).

    Columns: report_id, source, published, event_date, location, admin1, admin2, latitude, longitude,
    perpetrator, target, event_label, killed (empty when unknown); extra columns are ignored.
    """
    from vigie.interop import spreadsheet
    from vigie.interop.tables import TableError
    from vigie.linkage.engine import link
    from vigie.linkage.files import read_link_reports, write_links

    try:
        reports, problems = read_link_reports(path)
    except (TableError, UnicodeError) as error:
        raise click.ClickException(str(error)) from error
    for problem in problems:
        click.echo(problem.describe(path.name), err=True)
    result = link(reports)
    write_links(output, result)
    if pairs is not None:
        with open(pairs, "w", encoding="utf-8", newline="") as handle:
            fields = [
                "date",
                "distance",
                "place_name",
                "actor",
                "type",
                "casualties",
                "same_source",
            ]
            writer = spreadsheet.writer(handle)  # report ids come from the input file
            writer.writerow(["report_a", "report_b", "score", *fields])
            for pair in result.pairs:
                writer.writerow(
                    [
                        pair.a,
                        pair.b,
                        round(pair.score, 3),
                        *(round(pair.weights.get(f, 0.0), 3) for f in fields),
                    ]
                )
    incidents = len(set(result.incident_of.values()))
    click.echo(
        f"{len(reports)} reports linked into {incidents} incidents "
        f"({result.comparisons} comparisons, {result.comparisons / max(len(reports), 1):.1f} per report); "
        f"rows refused: {len(problems)}"
    )
    if problems:
        sys.exit(EXIT_ROWS_REJECTED)


@main.command("link")
@click.option(
    "--organisation",
    "organisation_slug",
    help="Only this organisation's incidents (default: every organisation, each apart).",
)
@click.option(
    "--relink",
    is_flag=True,
    help="Treat every report as new (incidents already formed are kept; only unformed ones join).",
)
def link_command(organisation_slug: str | None, relink: bool) -> None:
    """Link the reports of the database into incidents with the linkage engine.

    Only reports not yet placed are linked, to each other and to the incidents around them; pairs
    between the thresholds wait in the review queue (docs/methodology.md).
    """
    setup_django()
    from vigie.core.context import change_context
    from vigie.incidents.services import link_database

    with change_context(user_name="vigie link", origin="cli"):
        run = link_database(organisation=_organisation(organisation_slug), relink=relink)
    click.echo(
        f"{run.reports} reports linked ({run.comparisons} comparisons): {run.merges} merges, "
        f"{run.review} pairs waiting for review"
    )


@main.group()
def incident() -> None:
    """An analyst's work on incidents: merge, split, figures."""


@incident.command("merge")
@click.argument("target", type=int)
@click.argument("other", type=int)
@click.option("--reason", required=True, help="Why they are one incident (kept in the log).")
def incident_merge(target: int, other: int, reason: str) -> None:
    """Merge incident OTHER into incident TARGET (undo with `vigie incident split`)."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.incidents.models import Incident
    from vigie.incidents.services import merge

    with change_context(user_name="vigie incident merge", origin="cli"):
        try:
            operation = merge(
                Incident.objects.get(pk=target), Incident.objects.get(pk=other), reason=reason
            )
        except (Incident.DoesNotExist, ValueError) as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"incident {other} merged into {target} ({len(operation.report_ids)} reports moved); "
        f"undo: vigie incident split {target} {','.join(map(str, operation.report_ids))} --reason ..."
    )


@incident.command("split")
@click.argument("incident_id", metavar="INCIDENT", type=int)
@click.argument("report_ids", metavar="REPORT_IDS")
@click.option(
    "--reason", required=True, help="Why these reports are another incident (kept in the log)."
)
def incident_split(incident_id: int, report_ids: str, reason: str) -> None:
    """Move REPORT_IDS (comma-separated) out of INCIDENT; undoes a merge of exactly those reports."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.incidents.models import Incident
    from vigie.incidents.services import split

    try:
        ids = [int(value) for value in report_ids.split(",") if value.strip()]
    except ValueError:
        raise click.BadParameter(
            "report ids are numbers separated by commas", param_hint="REPORT_IDS"
        ) from None
    with change_context(user_name="vigie incident split", origin="cli"):
        try:
            _operation, other = split(Incident.objects.get(pk=incident_id), ids, reason=reason)
        except (Incident.DoesNotExist, ValueError) as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{len(ids)} report(s) moved from incident {incident_id} to incident {other.pk}")


@incident.command("figures")
@click.argument("incident_id", metavar="INCIDENT", type=int)
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="NAME=N",
    help="A figure, e.g. killed_best=12 (repeat).",
)
@click.option("--reason", default="", help="Why (required when setting figures).")
@click.option(
    "--clear", is_flag=True, help="Remove the analyst's figures: the computed ones return."
)
def incident_figures(incident_id: int, values: tuple[str, ...], reason: str, clear: bool) -> None:
    """Set an analyst's casualty figures for INCIDENT, with a reason (logged)."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.incidents.models import Incident
    from vigie.incidents.services import set_figures

    figures = {}
    for value in values:
        name, _, number = value.partition("=")
        if not number.strip().isdigit():
            raise click.BadParameter(
                f"{value!r}: expected NAME=N with N a whole number", param_hint="--set"
            )
        figures[name.strip()] = int(number)
    if not figures and not clear:
        raise click.UsageError("give --set NAME=N at least once, or --clear")
    with change_context(user_name="vigie incident figures", origin="cli"):
        try:
            incident_obj = set_figures(
                Incident.objects.get(pk=incident_id), {} if clear else figures, reason
            )
        except (Incident.DoesNotExist, ValueError) as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"incident {incident_id}: killed {incident_obj.killed_low}-{incident_obj.killed_best}-"
        f"{incident_obj.killed_high} ({incident_obj.estimate_rule})"
    )


def _collect_static() -> None:
    """Copy the static files under STATIC_ROOT with gzip copies beside them, and serve them from there:
    whitenoise sends the compressed copy to browsers that take it (Leaflet, the charts and the map's
    boundaries in a third of the bytes, for users on slow connections)."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    settings.WHITENOISE_USE_FINDERS = False  # read when the application loads, just after


def _serve(host: str, port: int, workers: int = 1, threads: int = 8) -> None:
    from vigie.server import serve as run_server

    _collect_static()
    shown = f"{workers} processes of {threads} threads" if workers > 1 else f"{threads} threads"
    click.echo(f"Vigie is at http://{host}:{port}/ ({shown}; Ctrl+C to stop)")
    try:
        run_server(host, port, workers=workers, threads=threads)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


def _workers_option(function):
    function = click.option(
        "--threads",
        type=click.IntRange(1, 64),
        default=default_threads,
        show_default="8, or VIGIE_THREADS",
        help="Threads per process.",
    )(function)
    return click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=default_workers,
        show_default="1, or VIGIE_WORKERS",
        help="Server processes (more than one: gunicorn, one per core is a good start).",
    )(function)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@_workers_option
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web application (waitress; gunicorn with --workers above 1)."""
    setup_django()
    _serve(host, port, workers, threads)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create a database under VIGIE_HOME, load the demo incidents and serve the web app.

    The demo is loaded in one transaction: interrupted, it leaves nothing half-loaded, and it can be
    run again at any time (it adds what is missing and gives the demo login a new password)."""
    setup_django(database=False)
    from django.db import connection

    from vigie.demo.loader import load_demo_with_login

    prepare_database()
    result, username, password = load_demo_with_login()
    click.echo(f"database: {connection.settings_dict['NAME']}")
    click.echo("demo data: " + "; ".join(result.summary_lines()[:4]))
    click.echo(f"demo login: user {username!r}, password {password!r}")
    if not no_serve:
        connection.close()
        _serve(host, port)


MANAGE_WITHOUT_DATABASE = frozenset(
    {
        "help",
        "--help",
        "-h",
        "version",
        "--version",
        "check",
        "migrate",
        "showmigrations",
        "sqlmigrate",
        "makemigrations",
        "squashmigrations",
        "optimizemigration",
        "dbshell",
        "shell",
        "diffsettings",
        "inspectdb",
        "collectstatic",
        "findstatic",
        "createcachetable",
        "sendtestemail",
    }
)
"""Django commands that work on a database that is not initialised, or need none."""


@main.command(
    context_settings={
        "ignore_unknown_options": True,
        "allow_extra_args": True,
        "help_option_names": [],
    }
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args) -> None:
    """Run a Django management command: vigie manage migrate, vigie manage createsuperuser..."""
    setup_django(database=bool(args) and args[0] not in MANAGE_WITHOUT_DATABASE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vigie manage", *args])


def _add_app_commands() -> None:
    """The commands that live beside their app, from the registry (vigie.commands)."""
    for command in registered_commands():
        if command.name in main.commands:
            raise RuntimeError(f"`vigie {command.name}` is defined twice")
        main.add_command(command)


_add_app_commands()

if __name__ == "__main__":
    main()


def reference_markdown() -> str:
    """docs/cli.md, from the commands themselves: `python -c 'from vigie.cli import reference_markdown as r; print(r(), end="")' > docs/cli.md`."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from the `vigie` command itself (`vigie.cli.reference_markdown`); a test checks that",
        "this page and the command agree.",
        "",
    ]

    def walk(command: click.Command, path: str, parent: click.Context | None) -> None:
        context = click.Context(
            command,
            info_name=path.split()[-1],
            parent=parent,
            terminal_width=80,
            max_content_width=80,
        )
        if path != "vigie":
            lines.extend(
                [
                    f"## {path}",
                    "",
                    "```",
                    command.get_help(context).replace("Usage: vigie", "Usage: vigie", 1),
                    "```",
                    "",
                ]
            )
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], f"{path} {name}", context)

    walk(main, "vigie", None)
    return "\n".join(lines)
