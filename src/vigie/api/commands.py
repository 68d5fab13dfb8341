"""`vigie token`: API tokens (registered in vigie.commands)."""

from __future__ import annotations

import click

from vigie.bootstrap import setup_django
from vigie.commands import register_command


@register_command
@click.group()
def token() -> None:
    """API tokens: one per user, sent as `Authorization: Token <key>`, ending after VIGIE_API_TOKEN_DAYS (docs/api.md)."""


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(
            f"no user named {username!r} (create one with: vigie manage createsuperuser, "
            "or in the administration pages)"
        )
    return user


@token.command("create")
@click.argument("username")
@click.option(
    "--regenerate",
    is_flag=True,
    help="Replace the user's existing token (the old one stops working at once).",
)
def create_token(username: str, regenerate: bool) -> None:
    """Issue USERNAME's API token and print it, once: only its hash is kept, it cannot be shown again.

    The token gives the user's own access (their organisations and roles), nothing more, until its
    end date. Keep it as secret as a password: anyone holding it acts as the user. Where two-factor
    login is required of the user's role, the user must have enrolled an authenticator first.
    """
    setup_django()
    from vigie.api.tokens import TokenRefused, issue_token

    try:
        key, record = issue_token(_user(username), replace=regenerate)
    except TokenRefused as refused:
        raise click.ClickException(str(refused)) from None
    ends = f"it ends on {record.expiry:%Y-%m-%d %H:%M} UTC" if record.expiry else "it does not end"
    click.echo(f"the token is shown this once; {ends}", err=True)
    click.echo(key)


@token.command("revoke")
@click.argument("username")
def revoke_token(username: str) -> None:
    """Delete USERNAME's API tokens: requests with them are refused from now on."""
    setup_django()
    from vigie.api.tokens import revoke_tokens

    deleted = revoke_tokens(_user(username))
    click.echo("token revoked" if deleted else "the user had no token")
