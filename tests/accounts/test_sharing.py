"""Sharing a record with a partner: explicit, logged in the chained change log, revocable."""

import pytest
from click.testing import CliRunner

from vigie.accounts import sharing
from vigie.accounts.commands import share_command
from vigie.core.audit import verify_chain
from vigie.core.choices import ChangeAction
from vigie.core.models import ChangeLogEntry, Role, RoleGrant
from vigie.core.permissions import can, restrict
from vigie.incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(organisation_a, organisation_b, make_user, make_incident):
    incident = make_incident(organisation_a, location="Boni")
    return {
        "incident": incident,
        "coordinator_a": make_user("coord-a", organisation_a, Role.COORDINATOR),
        "analyst_b": make_user("analyst-b", organisation_b, Role.ANALYST),
        "b": organisation_b,
    }


def test_share_grants_view_and_revoke_takes_it_back(setup):
    incident, analyst_b, b = setup["incident"], setup["analyst_b"], setup["b"]
    assert (
        not can(analyst_b, incident)
        and not Incident.objects.visible_to(analyst_b).filter(pk=incident.pk).exists()
    )
    made = sharing.share(incident, b, by=setup["coordinator_a"])
    assert made.actions == ["view"] and made.granted_by == setup["coordinator_a"]
    assert (
        can(analyst_b, incident)
        and Incident.objects.visible_to(analyst_b).filter(pk=incident.pk).exists()
    )
    assert not can(analyst_b, incident, "change")  # view only by default
    assert list(restrict(Incident.objects.all(), analyst_b)) == [incident]
    sharing.share(incident, b, by=setup["coordinator_a"], allow_change=True)
    assert can(analyst_b, incident, "change") and not can(analyst_b, incident, "delete")
    assert not can(analyst_b, incident, "share")  # a partner cannot pass it on
    sharing.revoke(incident, b, by=setup["coordinator_a"])
    assert (
        not can(analyst_b, incident)
        and not Incident.objects.visible_to(analyst_b).filter(pk=incident.pk).exists()
    )


def test_every_share_and_revocation_is_in_the_change_log(setup):
    incident, b = setup["incident"], setup["b"]
    sharing.share(incident, b, by=setup["coordinator_a"])
    sharing.share(incident, b, by=setup["coordinator_a"])  # the same again: nothing new
    sharing.revoke(incident, b, by=setup["coordinator_a"])
    entries = list(
        ChangeLogEntry.objects.filter(action=ChangeAction.SHARE, object_id=incident.pk).order_by(
            "sequence"
        )
    )
    assert len(entries) == 2
    assert [e.user_name for e in entries] == ["coord-a", "coord-a"]
    assert entries[0].postchange["shared_with"] == "assoc-b" and entries[0].postchange[
        "actions"
    ] == ["view"]
    assert (
        entries[1].postchange["revoked"] is True
        and entries[1].prechange["shared_with"] == "assoc-b"
    )
    assert "Boni" not in entries[0].object_repr  # the record by type and number only
    assert list(verify_chain()) == []


def test_only_a_role_allowed_to_share_may_share(setup, organisation_a, make_user):
    analyst_a = make_user("analyst-a", organisation_a, Role.ANALYST)
    with pytest.raises(sharing.NotAllowed):
        sharing.share(setup["incident"], setup["b"], by=analyst_a)
    with pytest.raises(sharing.NotAllowed):
        sharing.share(setup["incident"], setup["b"], by=setup["analyst_b"])
    with pytest.raises(sharing.SharingError, match="already belongs"):
        sharing.share(setup["incident"], organisation_a, by=setup["coordinator_a"])
    assert not ChangeLogEntry.objects.filter(action=ChangeAction.SHARE).exists()


def test_a_shared_record_shows_only_to_roles_that_may_see_its_type(setup):
    incident, analyst_b, b = setup["incident"], setup["analyst_b"], setup["b"]
    RoleGrant.objects.filter(role=Role.ANALYST, model="incidents.incident").update(enabled=False)
    sharing.share(incident, b, by=setup["coordinator_a"])
    analyst_b.refresh_from_db()
    assert not can(analyst_b, incident)


def test_the_share_page(client, setup, organisation_a, make_user):
    incident, b = setup["incident"], setup["b"]
    url = f"/en/accounts/share/incident/{incident.pk}/"
    client.force_login(setup["analyst_b"])
    assert client.get(url).status_code == 404
    client.force_login(make_user("analyst-a", organisation_a, Role.ANALYST))
    assert client.get(url).status_code == 404
    client.force_login(setup["coordinator_a"])
    page = client.get(url)
    assert page.status_code == 200 and "Association B" in page.content.decode()
    assert client.post(url, {"organisation": b.pk}).status_code == 302
    assert can(setup["analyst_b"], incident)
    assert client.post(url, {"revoke": str(b.pk)}).status_code == 302
    assert not can(setup["analyst_b"], incident)
    assert client.get("/en/accounts/share/nothing/1/").status_code == 404


def test_vigie_share_command(setup):
    incident = setup["incident"]
    runner = CliRunner()
    done = runner.invoke(share_command, [str(incident.pk), "--with", "assoc-b"])
    assert done.exit_code == 0, done.output
    assert "shared with assoc-b: view" in done.output
    assert can(setup["analyst_b"], incident)
    entry = ChangeLogEntry.objects.get(action=ChangeAction.SHARE)
    assert entry.origin == "cli" and "(vigie share)" in entry.user_name
    done = runner.invoke(
        share_command, [f"incident:{incident.pk}", "--with", "assoc-b", "--revoke"]
    )
    assert done.exit_code == 0 and "ended" in done.output
    assert not can(setup["analyst_b"], incident)
    done = runner.invoke(share_command, ["spaceship:1", "--with", "assoc-b"])
    assert done.exit_code != 0 and "unknown type of record" in done.output
    done = runner.invoke(share_command, [str(incident.pk), "--with", "nobody"])
    assert done.exit_code != 0 and "no organisation 'nobody'" in done.output
