"""A real Vigie, served by `vigie serve` on the demo database, and Debian's Chromium driven by Playwright.

The server is a separate process on its own SQLite file under a temporary VIGIE_HOME, prepared by
`vigie demo --no-serve` (43 real reports linked into 9 incidents, a case and a victim) and by SETUP
below (users, one organisation-only incident). Nothing here touches pytest-django's test
database, and no test needs a transaction of its own.

Playwright's own browser download does not work here: Debian's build is launched by path
(`make test` installs it with scripts/ensure-system-packages).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REPOSITORY = Path(__file__).resolve().parents[2]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
WAIT_MS = 15_000

# Run in the server's environment, after `vigie demo`: the users of the tests (one password for all)
# and one demo incident made organisation-only; it prints the ids the tests need.
SETUP = """
import json

import django

django.setup()
from django.contrib.auth import get_user_model

from vigie.cases.demo import DEMO_CASE_REFERENCE
from vigie.cases.models import Case
from vigie.core.context import change_context
from vigie.core.models import Membership, Organisation
from vigie.incidents.models import Incident

PASSWORD = {password!r}
with change_context(user_name="browser tests", origin="cli"):
    demo = Organisation.objects.get(slug="demo")
    other, _ = Organisation.objects.get_or_create(slug="other", defaults={{"name": "Autre association"}})
    for name, organisation, roles in (
        ("monitor", demo, ["monitor"]),
        ("analyst", demo, ["analyst"]),
        ("outsider", other, ["analyst"]),
        ("investigator", demo, ["investigator"]),
    ):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        for role in roles:
            Membership.objects.create(user=user, organisation=organisation, role=role)
    current = Incident.objects.filter(organisation=demo, merged_into__isnull=True)
    private = current.get(location="Bounti")
    private.visibility = "organisation"
    private.save()
    print(json.dumps({{
        "private": private.pk,
        "koulogon": current.get(location="Koulogon-Peul").pk,
        "case": Case.objects.get(organisation=demo, reference=DEMO_CASE_REFERENCE).pk,
        "moura": current.get(location="Moura").pk,
    }}))
"""


class Server:
    def __init__(self, url: str, password: str, ids: dict, log: Path) -> None:
        self.url = url
        self.password = password
        self.ids = ids
        self.log = log


def _environment(home: Path) -> dict[str, str]:
    """The server's environment: its own VIGIE_HOME, SQLite, French by default, no two-factor step."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "DATABASE_URL"
    }
    env.update(
        VIGIE_HOME=str(home),
        DJANGO_SETTINGS_MODULE="vigie.settings.development",
        VIGIE_REQUIRE_2FA="0",
        VIGIE_LANGUAGE="fr",
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`vigie serve` stopped ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "public/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"`vigie serve` did not answer at {url} within {timeout:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("vigie-home")
    env = _environment(home)
    vigie = [sys.executable, "-m", "vigie.cli"]
    demo = _run([*vigie, "demo", "--no-serve"], env, "vigie demo --no-serve")
    assert re.search(r"rows read: 43\b", demo), demo
    password = "Navigateur-réel-2024"
    output = _run([sys.executable, "-c", SETUP.format(password=password)], env, "the users' setup")
    ids = json.loads(output.strip().splitlines()[-1])
    port = _free_port()
    log = home / "serve.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [*vigie, "serve", "--port", str(port)], env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, password, ids, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium (scripts/ensure-system-packages)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def open_context(browser, server):
    """open_context(phone=False) -> a fresh browser context (its own cookies) on the server."""
    contexts = []

    def make(phone: bool = False):
        context = browser.new_context(
            base_url=server.url, locale="fr-FR", **(PHONE if phone else DESKTOP)
        )
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(open_context, server):
    """login(username, phone=False) -> a page signed in as username, on the page the login leads to."""

    def sign_in(username: str, phone: bool = False):
        page = open_context(phone).new_page()
        page.goto("login/")
        form = page.locator("main form")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(server.password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        assert page.locator("header form.row a", has_text=username).is_visible()
        return page

    return sign_in


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the screenshots go (CI keeps the folder): $VIGIE_SCREENSHOTS, else test-artifacts/screenshots."""
    folder = Path(
        os.environ.get("VIGIE_SCREENSHOTS") or REPOSITORY / "test-artifacts" / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
