"""Two-factor login (TOTP, django-otp): who must use it, and the device helpers the pages use.

Available to every user. When VIGIE_REQUIRE_2FA is true (always in production), it is required of
superusers and of anyone holding a role that may see victims, assistance, evidence or cases (by the
grants table: investigator, assistance officer and coordinator by default) or an organisation
administrator's role.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.core.permissions import requires_second_factor

DEVICE_NAME = "authenticator"


def is_required(user) -> bool:
    """Whether ``user`` must log in with a second factor (false when VIGIE_REQUIRE_2FA is off)."""
    if not getattr(settings, "VIGIE_REQUIRE_2FA", False):
        return False
    return requires_second_factor(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-id").first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The device being enrolled (not confirmed yet): the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with a code from the app; the new device replaces any earlier one."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def verify(user, code: str) -> TOTPDevice | None:
    """The user's device that accepts ``code`` (django-otp throttles repeated failures)."""
    device = confirmed_device(user)
    if device is not None and device.verify_token(code.strip().replace(" ", "")):
        return device
    return None


def remove_devices(user) -> int:
    return TOTPDevice.objects.filter(user_id=user.pk).delete()[0]


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, drawn here (no external service sees the secret)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, dark="#000", light="#fff"
    )
