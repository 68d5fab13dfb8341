"""Two-factor login (TOTP): enrol, verify at login, remove; required of sensitive roles when asked."""

import datetime
import time

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from vigie.core.models import Role

pytestmark = pytest.mark.django_db
ENROL, VERIFY, DISABLE = (
    "/en/accounts/two-factor/enrol/",
    "/en/accounts/two-factor/verify/",
    "/en/accounts/two-factor/disable/",
)


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows (a later one for a second login: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def login(client, username):
    return client.post("/en/login/", {"username": username, "password": PASSWORD})


def test_enrol_then_every_login_asks_for_a_code(client, make_user, organisation_a):
    make_user("mariam", organisation_a, Role.ANALYST)
    login(client, "mariam")
    page = client.get(ENROL)
    text = page.content.decode()
    assert (
        page.status_code == 200
        and "<svg" in text
        and "http"
        not in text.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")
    )
    device = TOTPDevice.objects.get(user__username="mariam", confirmed=False)
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    assert (
        client.post(ENROL, {"code": "000000" if code(device) != "000000" else "111111"}).status_code
        == 200
    )
    # After a wrong code, even the right one waits (django-otp's throttling: 1 s, then 2, 4...).
    assert client.post(ENROL, {"code": code(device)}).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=30)
    )
    done = client.post(ENROL, {"code": code(device), "next": "/en/incidents/"})
    assert done.status_code == 302 and done["Location"] == "/en/incidents/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/en/").status_code == 200  # this session is verified
    client.post("/en/logout/")

    login(client, "mariam")
    asked = client.get("/en/incidents/")
    assert (
        asked.status_code == 302
        and asked["Location"].startswith(VERIFY)
        and "next=%2Fen%2Fincidents%2F" in asked["Location"]
    )
    assert client.get("/en/accounts/two-factor/").status_code == 302  # nothing before the code
    assert (
        client.get(ENROL).status_code == 302
    )  # nor a new device: a password alone must not replace it
    wrong = client.post(VERIFY, {"code": "12345x"})
    assert wrong.status_code == 200 and "_otp_device_id" not in client.session
    verified = client.post(VERIFY, {"code": code(device, 1), "next": "/en/incidents/"})
    assert verified.status_code == 302 and verified["Location"] == "/en/incidents/"
    assert client.get("/en/incidents/").status_code == 200


def test_the_verify_page_does_not_follow_a_next_to_another_site(client, make_user):
    user = make_user("hawa")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, "hawa")
    done = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert done.status_code == 302 and not done["Location"].startswith("https://evil")


def test_disable_needs_the_password_and_a_code(client, make_user):
    user = make_user("seydou")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, "seydou")
    client.post(VERIFY, {"code": code(device)})
    refused = client.post(DISABLE, {"password": "not it", "code": code(device, 1)})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=user).exists()
    done = client.post(DISABLE, {"password": PASSWORD, "code": code(device, 1)})
    assert done.status_code == 302 and not TOTPDevice.objects.filter(user=user).exists()


@pytest.fixture
def required(settings):
    settings.VIGIE_REQUIRE_2FA = True


@pytest.mark.parametrize(
    "role, must",
    [
        (Role.MONITOR, False),
        (Role.ANALYST, False),
        (Role.INVESTIGATOR, True),
        (Role.ASSISTANCE_OFFICER, True),
        (Role.COORDINATOR, True),
        (Role.ADMIN, True),
    ],
)
def test_sensitive_roles_must_enrol_before_anything_else(
    required, client, make_user, organisation_a, role, must
):
    make_user("someone", organisation_a, role)
    login(client, "someone")
    page = client.get("/en/incidents/")
    if not must:
        assert page.status_code == 200
        return
    assert page.status_code == 302 and page["Location"].startswith(ENROL)
    assert client.get("/api/").status_code == 403
    assert client.get(ENROL).status_code == 200
    assert (
        client.post("/i18n/setlang/", {"language": "fr"}).status_code == 302
    )  # language can still change
    assert client.post("/en/logout/").status_code == 302  # and the user can leave


def test_superusers_must_enrol_and_the_requirement_is_off_by_default(settings, client, make_user):
    make_user("operator", is_superuser=True, is_staff=True)
    login(client, "operator")
    assert client.get("/en/admin/").status_code == 200  # development and tests: not required
    settings.VIGIE_REQUIRE_2FA = True
    page = client.get("/en/admin/")
    assert page.status_code == 302 and page["Location"].startswith(ENROL)


def test_enrolling_when_required_opens_the_pages(required, client, make_user, organisation_a):
    make_user("investigator", organisation_a, Role.INVESTIGATOR)
    login(client, "investigator")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user__username="investigator")
    assert client.post(ENROL, {"code": code(device)}).status_code == 302
    assert client.get("/en/incidents/").status_code == 200


def test_an_operator_resets_a_lost_device(make_user):
    from click.testing import CliRunner

    from vigie.accounts.commands import user

    someone = make_user("lost-phone")
    TOTPDevice.objects.create(user=someone, name="phone", confirmed=True)
    done = CliRunner().invoke(user, ["reset-2fa", "lost-phone"])
    assert done.exit_code == 0 and "1 two-factor device(s) removed" in done.output
    assert not TOTPDevice.objects.filter(user=someone).exists()


def test_the_pages_speak_french(settings, client, make_user):
    from pathlib import Path

    from django.utils.translation import trans_real

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations, trans_real._default = {}, None
    make_user("aissata")
    login(client, "aissata")
    page = client.get("/accounts/two-factor/enrol/").content.decode()
    assert "Activer la connexion à deux facteurs" in page and "Tapez les six chiffres" in page
    account = client.get("/accounts/two-factor/").content.decode()
    assert "Votre compte" in account
