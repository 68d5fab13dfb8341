"""`vigie` commands of this app (registered in vigie.commands)."""

import datetime
import sys
from pathlib import Path

import click

from vigie.bootstrap import setup_django
from vigie.commands import register_command


@register_command
@click.group()
def victims() -> None:
    """Victims and assistance (records are read and changed in the web application)."""


def _date(value: str | None, option: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


@victims.command("report")
@click.option(
    "--organisation",
    "organisation_slug",
    help="Count only this organisation's assistance cases (default: every organisation).",
)
@click.option(
    "--by",
    default="region,sex,age_group",
    show_default=True,
    help="What to break the counts down by: some of region, sex, age_group, comma-separated.",
)
@click.option("--start", help="First day of the period (YYYY-MM-DD).")
@click.option("--end", help="Last day of the period (YYYY-MM-DD).")
@click.option(
    "--output",
    "-o",
    default="-",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CSV file to write ('-' for standard output).",
)
def victims_report(organisation_slug, by, start, end, output) -> None:
    """Count assistance outcomes (needs, referrals, services, closed cases) as CSV, identifying no one.

    Cells about fewer than five people show "<5"; no names, no free text.
    """
    setup_django()
    from vigie.core.models import Organisation
    from vigie.victims.models import Assistance
    from vigie.victims.reports import assistance_outcomes

    cases = Assistance.objects.all()
    if organisation_slug:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise click.BadParameter(
                f"no organisation {organisation_slug!r}", param_hint="--organisation"
            )
        cases = cases.filter(organisation=organisation)
    try:
        report = assistance_outcomes(
            cases,
            by=[part.strip() for part in by.split(",") if part.strip()],
            start=_date(start, "--start"),
            end=_date(end, "--end"),
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if str(output) == "-":
        report.write_csv(sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            count = report.write_csv(handle)
        click.echo(f"{count} rows written to {output}", err=True)
