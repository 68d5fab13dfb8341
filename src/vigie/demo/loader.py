"""The demo: reports of real incidents of Mali's conflict, from several sources that disagree."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from vigie.core.context import change_context
from vigie.core.models import Membership, Organisation
from vigie.interop.loader import ImportResult, run_import

DEMO_REPORTS = Path(__file__).parent / "data" / "demo_reports.csv"
DEMO_ORGANISATION = ("demo", "Observatoire de démonstration")
DEMO_USER = "demo"


def write_without_keys(path: Path) -> dict[str, str]:
    """Write the demo reports to ``path`` without their incident keys, for the linkage engine to
    join; return the keys it should find (report_id -> incident key)."""
    import csv

    with open(DEMO_REPORTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "incident": ""} for row in rows)
    return {row["report_id"]: row["incident"] for row in rows}


def load_demo_with_login() -> tuple[ImportResult, str, str]:
    """The demo's data and its login, in one transaction: a failure anywhere leaves the database as
    it was (never incidents without their links or without the login to see them). Run again, it
    adds only what is missing and gives the login a new password. Returns (import result, user name,
    password)."""
    with transaction.atomic():
        result = load_demo()
        username, password = reset_demo_user()
    return result, username, password


def load_demo() -> ImportResult:
    """Import the demo reports WITHOUT their incident keys, then let the linkage engine join them
    (it recovers the nine incidents: tests/incidents/test_link_database.py)."""
    import tempfile

    from vigie.incidents.services import link_database

    organisation, _ = Organisation.objects.get_or_create(
        slug=DEMO_ORGANISATION[0], defaults={"name": DEMO_ORGANISATION[1]}
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / DEMO_REPORTS.name
        write_without_keys(path)
        with change_context(user_name="vigie demo", origin="cli"):
            result = run_import("reports", path, organisation=organisation, visibility="public")
            grade_demo_sources()
            link_database(organisation=organisation)
    return result


DEMO_RELIABILITY = {
    "un": "B",
    "ngo": "B",
    "media": "C",
    "partner": "C",
    "official": "C",
    "dataset": "B",
}
"""An analyst's first grading of the demo's sources by kind (editable on each source's page)."""


def grade_demo_sources() -> None:
    from vigie.reports.models import Source

    for kind, grade in DEMO_RELIABILITY.items():
        Source.objects.filter(kind=kind, reliability="F", reports__import_run__isnull=False).update(
            reliability=grade
        )


@transaction.atomic
def reset_demo_user() -> tuple[str, str]:
    """Create (or reset) the demo login and return (user name, a new random password)."""
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION[0])
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=DEMO_USER, defaults={"first_name": "Demo"})
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.is_staff = True
    user.is_superuser = True  # a local demo: the admin shows everything
    user.save()
    # The coordinator sees and does everything in the organisation: incidents, review, cases,
    # evidence, victims and assistance (docs/accounts.md gives each role's rights).
    for role in ("analyst", "coordinator"):
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    load_protected_demo(organisation, user)
    return user.get_username(), password


def load_protected_demo(organisation, user) -> None:
    """A case with evidence on the Ogossagou massacre, and a fictional consented victim with
    assistance (her name is encrypted in the database: docs/protection.md). Once only."""
    from vigie.cases.demo import load_demo as load_case
    from vigie.incidents.models import Incident
    from vigie.victims.demo import load_demo as load_victim

    incidents = list(
        Incident.objects.current()
        .filter(organisation=organisation, reports__location_text__icontains="Ogossagou")
        .distinct()
        .order_by("date_start")
    )
    if not incidents:
        return
    with change_context(user=user, origin="cli"):
        load_case(organisation, incidents[:1], user)
        load_victim(organisation, incidents[0], user)
