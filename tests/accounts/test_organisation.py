"""An organisation administrator gives and takes roles and ends shares, for their organisation only."""

import pytest

from vigie.accounts import sharing
from vigie.core.choices import ChangeAction
from vigie.core.models import ChangeLogEntry, Membership, Role

pytestmark = pytest.mark.django_db
PAGE = "/en/accounts/organisation/"


def test_only_administrators_open_the_page(client, make_user, organisation_a, organisation_b):
    for role in (Role.MONITOR, Role.COORDINATOR, Role.INVESTIGATOR):
        client.force_login(make_user(f"user-{role}", organisation_a, role))
        assert client.get(PAGE).status_code == 404
    client.force_login(make_user("admin-b", organisation_b, Role.ADMIN))
    page = client.get(PAGE)
    assert page.status_code == 200 and "Association B" in page.content.decode()
    assert client.get(PAGE + "?organisation=assoc-a").content.decode().count("Association A") == 0


def test_an_administrator_gives_and_takes_roles(client, make_user, organisation_a, organisation_b):
    admin = make_user("admin-a", organisation_a, Role.ADMIN)
    newcomer = make_user("newcomer")
    outsider_membership = Membership.objects.create(
        user=make_user("someone-b"), organisation=organisation_b, role=Role.ANALYST
    )
    client.force_login(admin)
    assert client.post(PAGE, {"username": "newcomer", "role": "investigator"}).status_code == 302
    membership = Membership.objects.get(
        user=newcomer, organisation=organisation_a, role=Role.INVESTIGATOR
    )
    logged = ChangeLogEntry.objects.get(
        action=ChangeAction.CREATE, object_id=membership.pk, content_type__model="membership"
    )
    assert logged.user_name == "admin-a"
    assert client.post(PAGE, {"username": "nobody", "role": "monitor"}).status_code == 400
    assert client.post(PAGE, {"remove": str(membership.pk)}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # Another organisation's membership is out of reach; the last administrator stays.
    assert client.post(PAGE, {"remove": str(outsider_membership.pk)}).status_code == 404
    assert client.post(PAGE, {"remove": "x"}).status_code == 404
    own = Membership.objects.get(user=admin, role=Role.ADMIN)
    client.post(PAGE, {"remove": str(own.pk)})
    assert Membership.objects.filter(pk=own.pk).exists()


def test_an_administrator_ends_a_share(
    client, make_user, organisation_a, organisation_b, make_incident
):
    incident = make_incident(organisation_a)
    share = sharing.share(incident, organisation_b, by_name="operator")
    client.force_login(make_user("admin-a", organisation_a, Role.ADMIN))
    page = client.get(PAGE).content.decode()
    assert f"incident {incident.pk}" in page and "Association B" in page
    assert client.post(PAGE, {"end_share": str(share.pk)}).status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    entry = ChangeLogEntry.objects.filter(action=ChangeAction.SHARE).order_by("-sequence").first()
    assert entry.postchange["revoked"] is True and entry.user_name == "admin-a"
    client.force_login(make_user("admin-b", organisation_b, Role.ADMIN))
    assert client.post(PAGE, {"end_share": str(share.pk)}).status_code == 404


def test_the_page_speaks_french(settings, client, make_user, organisation_a):
    from pathlib import Path

    from django.utils.translation import trans_real

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations, trans_real._default = {}, None
    client.force_login(make_user("admin-a", organisation_a, Role.ADMIN))
    page = client.get("/accounts/organisation/").content.decode()
    assert (
        "Donner un rôle" in page
        and "désactivée" in page
        and "Organisation administrator" not in page
    )
