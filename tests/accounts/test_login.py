"""Logging in: Argon2 hashes, throttling of wrong passwords, sessions that end."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD
from vigie.accounts.signals import LOGIN_TIME_KEY
from vigie.settings import base

pytestmark = pytest.mark.django_db
LOGIN = "/en/login/"


def test_passwords_are_hashed_with_argon2(settings, make_user):
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = make_user("amadou")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_an_older_hash_is_upgraded_to_argon2_at_login(settings, client, make_user):
    settings.PASSWORD_HASHERS = list(reversed(base.PASSWORD_HASHERS[:2]))  # PBKDF2 first
    user = make_user("fatou")
    assert user.password.startswith("pbkdf2_sha256$")
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert client.post(LOGIN, {"username": "fatou", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.fixture
def throttling(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def test_five_wrong_passwords_lock_the_username_from_that_address(throttling, client, make_user):
    make_user("moussa")
    for _ in range(4):
        page = client.post(
            LOGIN, {"username": "moussa", "password": "wrong"}, REMOTE_ADDR="10.0.0.7"
        )
        assert page.status_code == 200  # the form again, with its error
    locked = client.post(LOGIN, {"username": "moussa", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    # Now even the right password is refused from that address...
    again = client.post(LOGIN, {"username": "moussa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    # ... but not from another one (the lock is on user name and address together).
    other = client.post(LOGIN, {"username": "moussa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 302 and "_auth_user_id" in client.session


def test_the_lock_ends_after_the_cool_off_and_vigie_user_unlock_lifts_it(
    throttling, client, make_user
):
    from axes.models import AccessAttempt
    from click.testing import CliRunner

    from vigie.accounts.commands import user

    make_user("awa")
    for _ in range(5):
        client.post(LOGIN, {"username": "awa", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    assert (
        client.post(
            LOGIN, {"username": "awa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 429
    )
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert (
        client.post(
            LOGIN, {"username": "awa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 302
    )
    client.logout()
    for _ in range(5):
        client.post(LOGIN, {"username": "awa", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    done = CliRunner().invoke(user, ["unlock", "awa"])
    assert done.exit_code == 0 and "removed" in done.output
    assert (
        client.post(
            LOGIN, {"username": "awa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 302
    )


def test_the_address_behind_proxies(settings, rf):
    from vigie.accounts.throttling import client_ip

    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 41.73.1.2")
    settings.VIGIE_PROXY_COUNT = 0
    assert client_ip(request) == "10.1.1.1"
    settings.VIGIE_PROXY_COUNT = 1
    assert (
        client_ip(request) == "41.73.1.2"
    )  # the address our proxy saw, not the forged one before it


def test_sessions_end_at_browser_close_and_hours_after_login(settings, client, make_user):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 == base.SESSION_COOKIE_AGE
    make_user("ibrahim")
    page = client.post(LOGIN, {"username": "ibrahim", "password": PASSWORD})
    cookie = page.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.get("/en/accounts/two-factor/").status_code == 200
    session = client.session
    session[LOGIN_TIME_KEY] = int(time.time()) - 8 * 3600 - 60  # logged in more than 8 hours ago
    session.save()
    expired = client.get("/en/accounts/two-factor/")
    assert expired.status_code == 302 and expired["Location"].startswith("/en/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/en/accounts/two-factor/").status_code == 302  # still logged out


@pytest.mark.slow  # Django set up in a subprocess
def test_session_hours_come_from_the_environment(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vigie.settings.production",
            "VIGIE_HOME": str(tmp_path),
            "VIGIE_SECRET_KEY": "k" * 60,
            "VIGIE_ALLOWED_HOSTS": "vigie.example.org",
            "VIGIE_SESSION_HOURS": "2",
        }
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_AGE, s.VIGIE_REQUIRE_2FA, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["7200", "True", "Argon2PasswordHasher"], done.stderr


def test_users_created_by_the_command(tmp_path, organisation_a):
    from click.testing import CliRunner

    from vigie.accounts.commands import member, user
    from vigie.core.models import Membership

    runner = CliRunner()
    password_file = tmp_path / "password"
    password_file.write_text("short\n")
    done = runner.invoke(
        user,
        [
            "add",
            "kadi",
            "--organisation",
            "assoc-a",
            "--role",
            "investigator",
            "--password-file",
            str(password_file),
        ],
    )
    assert done.exit_code != 0 and "line 1" in done.output and "too short" in done.output
    assert not get_user_model().objects.filter(username="kadi").exists()
    password_file.write_text(PASSWORD + "\n")
    done = runner.invoke(
        user,
        [
            "add",
            "kadi",
            "--organisation",
            "assoc-a",
            "--role",
            "investigator",
            "--password-file",
            str(password_file),
        ],
    )
    assert done.exit_code == 0, done.output
    kadi = get_user_model().objects.get(username="kadi")
    assert kadi.check_password(PASSWORD) and not kadi.is_superuser
    done = runner.invoke(
        user,
        ["add", "oumar", "--organisation", "assoc-a", "--role", "analyst"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert done.exit_code == 0, done.output
    assert runner.invoke(member, ["add", "kadi", "assoc-a", "coordinator"]).exit_code == 0
    listing = runner.invoke(user, ["list"]).output
    assert (
        "kadi\tactive no-2fa\t" in listing
        and "coordinator@assoc-a" in listing
        and "investigator@assoc-a" in listing
    )
    assert runner.invoke(member, ["remove", "kadi", "assoc-a"]).exit_code == 0
    assert not Membership.objects.filter(user=kadi).exists()
    done = runner.invoke(member, ["remove", "kadi", "assoc-a"])
    assert done.exit_code != 0 and "has no role" in done.output
