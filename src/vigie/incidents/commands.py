"""`vigie linkage ...`: analysts teach the linkage engine (registered in vigie.commands)."""

import click

from vigie.bootstrap import setup_django
from vigie.commands import register_command


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


_ORGANISATION = click.option(
    "--organisation",
    "organisation_slug",
    help="The organisation whose answers and reports are used (default: those of no organisation).",
)


@register_command
@click.group()
def linkage() -> None:
    """Analysts teach the linkage engine: train a model from their answers, ask them questions."""


@linkage.command("train")
@_ORGANISATION
def linkage_train(organisation_slug: str | None) -> None:
    """Train a model from the analysts' answers (merges, rejections, splits, questions answered) and
    keep it as the next numbered version; the next `vigie link` uses it. Decisions of the review queue
    taken before answers were stored are labelled first."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.incidents.teaching import backfill, train

    with change_context(user_name="vigie linkage train", origin="cli"):
        added = backfill()
        version = train(_organisation(organisation_slug))
    if added:
        click.echo(f"{added} earlier decisions of the review queue labelled")
    if version is None:
        raise click.ClickException("no answer to train from yet (merge or reject pairs first)")
    click.echo(
        f"{version.name}: {version.matches} of {version.answers} answers say one incident; "
        f"on the answers, precision {version.precision_before:.2f} -> {version.precision:.2f}, "
        f"recall {version.recall_before:.2f} -> {version.recall:.2f}"
    )


@linkage.command("questions")
@_ORGANISATION
@click.option("--count", "count", type=click.IntRange(1, 500), default=20, show_default=True)
def linkage_questions(organisation_slug: str | None, count: int) -> None:
    """Choose the pairs of reports that would teach the engine most, put them in the review queue as
    questions from the engine, and list them."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.incidents.teaching import ask

    with change_context(user_name="vigie linkage questions", origin="cli"):
        pairs = ask(_organisation(organisation_slug), count)
    if not pairs:
        click.echo("no question to ask: no pair of reports the engine is unsure about")
        return
    click.echo("pair\treport_a\treport_b\tlog_odds\tstatus")
    for pair in pairs:
        click.echo(
            f"{pair.pk}\t{pair.report_a_id}\t{pair.report_b_id}\t{pair.log_odds:+.2f}\t{pair.status}"
        )
