"""API tokens: stored as hashes, ending on a date, bound to the user's second factor.

django-rest-knox keeps only a SHA-512 digest of each token and the first characters that find it:
a copy of the database holds no usable credential, and a token is shown once, when it is issued
(`vigie token create`). Every token ends VIGIE_API_TOKEN_DAYS after it was issued.

A token does not go through the web login's two-factor step, so the rule is kept here instead.
Where two-factor login is required of the user (vigie.accounts.twofactor.is_required), a token
is issued only to a user with a confirmed authenticator, and refused at each request while the user
has none. Removing or replacing the user's authenticator (a lost telephone, a reset by an operator)
ends their tokens at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from vigie.accounts import twofactor

NO_SECOND_FACTOR = _(
    "Two-factor login is required of your role: enrol an authenticator on the web "
    "pages, then ask for a new API token."
)


class TokenRefused(Exception):
    """Why a token cannot be issued, in words for the operator."""


def second_factor_missing(user) -> bool:
    """Whether ``user`` must have a second factor (VIGIE_REQUIRE_2FA and their roles) and has none."""
    return twofactor.is_required(user) and not twofactor.has_device(user)


def live_tokens(user):
    return AuthToken.objects.filter(user_id=user.pk).exclude(expiry__lt=timezone.now())


def issue_token(user, *, replace: bool = False) -> tuple[str, AuthToken]:
    """A new token for ``user``: the key (to show once, never stored) and its record.

    One token per user: with ``replace`` the user's earlier tokens stop working; without it a user
    who still holds a live token gets none (it cannot be shown again, only replaced).
    """
    if not user.is_active:
        raise TokenRefused(
            f"user {user.get_username()!r} is deactivated; reactivate it before giving it a token"
        )
    if second_factor_missing(user):
        raise TokenRefused(
            f"user {user.get_username()!r} must use two-factor login and has no confirmed "
            "authenticator: they enrol one on the web pages first (Account, two-factor login)"
        )
    with transaction.atomic():
        AuthToken.objects.filter(user_id=user.pk, expiry__lt=timezone.now()).delete()
        if replace:
            AuthToken.objects.filter(user_id=user.pk).delete()
        elif live_tokens(user).exists():
            raise TokenRefused(
                f"user {user.get_username()!r} already has a token; it cannot be shown again "
                "(use --regenerate to replace it)"
            )
        record, key = AuthToken.objects.create(user=user)
    return key, record


def revoke_tokens(user) -> int:
    return AuthToken.objects.filter(user_id=user.pk).delete()[0]


class ApiTokenAuthentication(TokenAuthentication):
    """knox's `Authorization: Token <key>`, refused for a user who lacks a required second factor."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if second_factor_missing(user):
            raise exceptions.AuthenticationFailed(NO_SECOND_FACTOR)
        return user, token

    def _cleanup_token(self, auth_token) -> bool:
        # knox also reads every other token of the user at each request to delete the expired ones:
        # a query per request for rows that are digests and harm nobody. Only this token's own date
        # is checked here; `vigie token create` clears a user's expired tokens.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def end_tokens_with_device(sender, instance: TOTPDevice, **kwargs) -> None:
    """A confirmed authenticator removed or replaced: the tokens issued while it stood end with it."""
    if instance.confirmed:
        AuthToken.objects.filter(user_id=instance.user_id).delete()


def connect_signals() -> None:
    post_delete.connect(
        end_tokens_with_device, sender=TOTPDevice, dispatch_uid="vigie-api-tokens-device"
    )
