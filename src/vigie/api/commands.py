"""`vigie token`: API tokens (registered by vigie.cli)."""

from __future__ import annotations

import click


@click.group()
def token() -> None:
    """API tokens: one per user, sent as `Authorization: Token <key>` (docs/api.md)."""


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r} (create one with: vigie manage createsuperuser, "
                                   "or in the administration pages)")
    if not user.is_active:
        raise click.ClickException(f"user {username!r} is deactivated; reactivate it before giving it a token")
    return user


@token.command("create")
@click.argument("username")
@click.option("--regenerate", is_flag=True,
              help="Replace the user's existing token (the old one stops working at once).")
def create_token(username: str, regenerate: bool) -> None:
    """Print USERNAME's API token, creating it if the user has none.

    The token gives the user's own access (their organisations and roles), nothing more. Keep it
    as secret as a password: anyone holding it acts as the user.
    """
    from vigie.cli import setup_django

    setup_django()
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    user = _user(username)
    with transaction.atomic():
        if regenerate:
            Token.objects.filter(user=user).delete()
        key, created = Token.objects.get_or_create(user=user)
    if not created:
        click.echo("the user already had this token (use --regenerate to replace it)", err=True)
    click.echo(key.key)


@token.command("revoke")
@click.argument("username")
def revoke_token(username: str) -> None:
    """Delete USERNAME's API token: requests with it are refused from now on."""
    from vigie.cli import setup_django

    setup_django()
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=_user(username)).delete()
    click.echo("token revoked" if deleted else "the user had no token")


commands = [token]
