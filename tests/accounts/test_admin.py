"""The Django admin shows everything unfiltered: it is for superusers (operators) only."""

import pytest

from vigie.core.models import Role

pytestmark = pytest.mark.django_db


def test_the_admin_is_for_superusers_only(client, make_user, organisation_a, make_incident):
    incident = make_incident(organisation_a)
    pages = [
        "/en/admin/",
        "/en/admin/incidents/incident/",
        f"/en/admin/incidents/incident/{incident.pk}/change/",
        "/en/admin/core/rolegrant/",
        "/en/admin/auth/user/",
    ]
    anonymous = client.get(pages[2])
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/en/admin/login/")
    sent = client.get(anonymous["Location"])
    assert sent.status_code == 302 and sent["Location"].startswith(
        "/en/login/?next="
    )  # the one login page
    for user in (
        make_user("staff", is_staff=True),
        make_user("org-admin", organisation_a, Role.ADMIN, is_staff=True),
        make_user("coordinator", organisation_a, Role.COORDINATOR),
    ):
        client.force_login(user)
        for page in pages + ["/en/admin/login/", "/en/admin/logout/"]:
            assert client.get(page).status_code == 404, (user, page)
    client.force_login(make_user("operator", is_superuser=True, is_staff=True))
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert client.get("/en/admin/login/").status_code == 302


def test_view_on_site_does_not_tell_outsiders_whether_a_record_exists(
    client, make_user, organisation_a, make_incident
):
    from django.contrib.contenttypes.models import ContentType

    incident = make_incident(organisation_a)
    content_type = ContentType.objects.get_for_model(incident)
    client.force_login(make_user("outsider"))
    assert client.get(f"/en/admin/r/{content_type.pk}/{incident.pk}/").status_code == 404
    assert client.get(f"/en/admin/r/{content_type.pk}/{incident.pk + 1000}/").status_code == 404
