"""`vigie` commands about accounts and access (registered in vigie.commands): user, member, share."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.bootstrap import setup_django
from vigie.commands import register_command

ROLE_NAMES = ["monitor", "analyst", "investigator", "assistance_officer", "coordinator", "admin"]


def _operator(command: str) -> str:
    import os

    return f"{os.environ.get('USER') or os.environ.get('USERNAME') or 'operator'} (vigie {command})"


def _user(username: str):
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise click.BadParameter(
            f"no user {username!r} (vigie user list shows them)", param_hint="USERNAME"
        ) from None


def _organisation(slug: str, hint: str = "--organisation"):
    from vigie.core.models import Organisation

    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise click.BadParameter(
            f"no organisation {slug!r} (vigie organisation list shows them)", param_hint=hint
        ) from None


def _read_password(password_file: Path | None, username: str) -> str:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if password_file is not None:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
        where = f"{password_file}, line 1"
    else:
        password = click.prompt(
            f"password for {username}", hide_input=True, confirmation_prompt=True
        )
        where = "the password"
    try:
        validate_password(password)
    except ValidationError as error:
        raise click.ClickException(f"{where}: " + " ".join(error.messages)) from None
    return password


@register_command
@click.group()
def user() -> None:
    """User accounts: create, list, reset two-factor login, unlock."""


@user.command("add")
@click.argument("username")
@click.option(
    "--organisation",
    "organisation_slug",
    help="Make the user a member of this organisation (its slug).",
)
@click.option("--role", type=click.Choice(ROLE_NAMES), help="The user's role in --organisation.")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the password from the first line of this file instead of asking for it.",
)
@click.option("--email", default="", help="The user's e-mail address (optional).")
@click.option(
    "--superuser",
    is_flag=True,
    help="An instance operator: sees everything, may use the admin. Two-factor login is required in production.",
)
def user_add(username, organisation_slug, role, password_file, email, superuser) -> None:
    """Create the user USERNAME, optionally a member of an organisation in a role.

    The password is asked for twice unless --password-file is given; it must pass the password rules
    (at least 12 characters, not too common, not all digits).
    """
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from vigie.core.context import change_context
    from vigie.core.models import Membership

    if bool(organisation_slug) != bool(role):
        raise click.UsageError("--organisation and --role go together")
    if get_user_model().objects.filter(username=username).exists():
        raise click.BadParameter(f"a user {username!r} already exists", param_hint="USERNAME")
    organisation = _organisation(organisation_slug) if organisation_slug else None
    password = _read_password(password_file, username)
    with transaction.atomic(), change_context(user_name=_operator("user add"), origin="cli"):
        new = get_user_model().objects.create_user(
            username=username,
            email=email,
            password=password,
            is_superuser=superuser,
            is_staff=superuser,
        )
        if organisation is not None:
            Membership.objects.create(user=new, organisation=organisation, role=role)
    where = f", {role} in {organisation.slug}" if organisation is not None else ""
    click.echo(f"user {username!r} created{' (superuser)' if superuser else ''}{where}")


@user.command("list")
def user_list() -> None:
    """List users: name, active, superuser, two-factor login, memberships."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    for account in (
        get_user_model().objects.order_by("username").prefetch_related("memberships__organisation")
    ):
        memberships = (
            ", ".join(f"{m.role}@{m.organisation.slug}" for m in account.memberships.all()) or "-"
        )
        flags = [
            "active" if account.is_active else "inactive",
            *(["superuser"] if account.is_superuser else []),
            "2fa" if account.pk in with_device else "no-2fa",
        ]
        click.echo(f"{account.username}\t{' '.join(flags)}\t{memberships}")


@user.command("reset-2fa")
@click.argument("username")
def user_reset_2fa(username) -> None:
    """Remove USERNAME's two-factor device (a lost phone): they enrol a new one at their next login."""
    setup_django()
    from vigie.accounts.twofactor import remove_devices

    removed = remove_devices(_user(username))
    click.echo(f"{removed} two-factor device(s) removed for {username!r}")


@user.command("unlock")
@click.argument("username")
def user_unlock(username) -> None:
    """Lift the lockout of USERNAME after too many failed logins (from every address)."""
    setup_django()
    from axes.utils import reset

    count = reset(username=username)
    click.echo(f"{count} lockout record(s) removed for {username!r}")


@register_command
@click.group()
def member() -> None:
    """Memberships: a user's role in an organisation."""


@member.command("add")
@click.argument("username")
@click.argument("organisation_slug", metavar="ORGANISATION")
@click.argument("role", type=click.Choice(ROLE_NAMES))
def member_add(username, organisation_slug, role) -> None:
    """Give USERNAME the ROLE in ORGANISATION (its slug)."""
    setup_django()
    from vigie.core.context import change_context
    from vigie.core.models import Membership

    account, organisation = _user(username), _organisation(organisation_slug, "ORGANISATION")
    with change_context(user_name=_operator("member add"), origin="cli"):
        _membership, created = Membership.objects.get_or_create(
            user=account, organisation=organisation, role=role
        )
    click.echo(f"{username!r} is {role} in {organisation.slug}" + ("" if created else " (already)"))


@member.command("remove")
@click.argument("username")
@click.argument("organisation_slug", metavar="ORGANISATION")
@click.argument("role", type=click.Choice(ROLE_NAMES), required=False)
def member_remove(username, organisation_slug, role) -> None:
    """Take ROLE in ORGANISATION away from USERNAME (without ROLE: every role there)."""
    setup_django()
    from django.db import transaction

    from vigie.core.context import change_context
    from vigie.core.models import Membership

    account, organisation = _user(username), _organisation(organisation_slug, "ORGANISATION")
    memberships = Membership.objects.filter(user=account, organisation=organisation)
    if role:
        memberships = memberships.filter(role=role)
    removed = 0
    with transaction.atomic(), change_context(user_name=_operator("member remove"), origin="cli"):
        for membership in memberships:  # one by one: each removal goes into the change log
            membership.delete()
            removed += 1
    if not removed:
        raise click.ClickException(
            f"{username!r} has no {'role ' + repr(role) if role else 'role'} in {organisation.slug}"
        )
    click.echo(f"{removed} membership(s) removed")


def _record(target: str):
    from vigie.accounts.sharing import SharingError, shareable_model

    label, _, number = target.rpartition(":")
    label = label or "incident"
    if not number.isdigit():
        raise click.BadParameter(
            f"{target!r}: give a number, or TYPE:NUMBER (incident:12, case:3, victim:7)",
            param_hint="RECORD",
        )
    try:
        model = shareable_model(label)
    except SharingError as error:
        raise click.BadParameter(str(error), param_hint="RECORD") from None
    try:
        return model._default_manager.get(pk=int(number))
    except model.DoesNotExist:
        raise click.BadParameter(f"no {label} {number}", param_hint="RECORD") from None


@register_command
@click.command("share")
@click.argument("target", metavar="RECORD")
@click.option("--with", "with_slug", required=True, help="The organisation (slug) to share with.")
@click.option(
    "--allow-change", is_flag=True, help="Let them change the record too (default: view only)."
)
@click.option("--revoke", is_flag=True, help="End the share instead.")
@click.option("--note", default="", help="Why the record is shared (kept with the share).")
def share_command(target, with_slug, allow_change, revoke, note) -> None:
    """Share RECORD with another organisation, or end the share (--revoke); logged in the change log.

    RECORD is an incident number (12) or TYPE:NUMBER: incident:12, case:3, evidenceitem:5, victim:7,
    assistance:2. The partner's members see it as far as their own role lets them see that type.
    """
    setup_django()
    from vigie.accounts.sharing import SharingError, share
    from vigie.accounts.sharing import revoke as revoke_share
    from vigie.core.context import change_context

    record = _record(target)
    organisation = _organisation(with_slug, "--with")
    name = record._meta.model_name
    try:
        with change_context(user_name=_operator("share"), origin="cli") as context:
            if revoke:
                ended = revoke_share(record, organisation, by_name=context.user_name)
                click.echo(
                    f"{name} {record.pk}: share with {organisation.slug} ended"
                    if ended
                    else f"{name} {record.pk} was not shared with {organisation.slug}"
                )
                return
            made = share(
                record,
                organisation,
                by_name=context.user_name,
                allow_change=allow_change,
                note=note,
            )
    except SharingError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{name} {record.pk} shared with {organisation.slug}: {', '.join(made.actions)}")
