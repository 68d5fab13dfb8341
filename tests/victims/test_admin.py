"""The admin lists victims without identifying them, and logs who opens one."""

import pytest
from django.urls import reverse

from vigie.core.models import ChangeLogEntry, Role
from vigie.victims import services
from vigie.victims.admin import AssistanceAdmin, VictimAdmin

pytestmark = pytest.mark.django_db

NAME = "Kadiatou Admin-Test"
TESTIMONY = "Ils ont brûlé les greniers de la concession"


@pytest.fixture
def victim(keys_dir, organisation):
    victim = services.create_victim(
        None,
        organisation,
        name=NAME,
        testimony=TESTIMONY,
        contact="+223 11 22 33 44",
        sex="female",
        age=40,
        consents=["documentation", "referral"],
    )
    services.open_assistance(None, victim)
    return victim


@pytest.fixture
def operator(client, member, organisation):
    user = member(Role.COORDINATOR, organisation, superuser=True)
    client.force_login(user)
    return user


def test_lists_show_no_identifying_field(client, operator, victim):
    for name in ("admin:victims_victim_changelist", "admin:victims_assistance_changelist"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        text = page.content.decode()
        assert f"victim {victim.pk}" in text
        assert NAME not in text and "greniers" not in text and "22 33 44" not in text
    for list_display in (VictimAdmin.list_display, AssistanceAdmin.list_display):
        assert not {"name", "testimony", "contact", "community", "home_location"} & set(
            list_display
        )


def test_opening_a_victim_shows_it_and_logs_the_read(client, operator, victim):
    page = client.get(reverse("admin:victims_victim_change", args=[victim.pk]))
    assert page.status_code == 200 and NAME in page.content.decode()
    entry = ChangeLogEntry.objects.get(
        action="read", content_type__model="victim", object_id=victim.pk
    )
    assert entry.user_id == operator.pk and entry.postchange == {"purpose": "admin"}


def test_search_is_by_exact_name_through_the_blind_index(client, operator, victim):
    url = reverse("admin:victims_victim_changelist")
    assert f"victim {victim.pk}" in client.get(url, {"q": "kadiatou admin test"}).content.decode()
    assert f"victim {victim.pk}" not in client.get(url, {"q": "Kadiatou"}).content.decode()


def test_a_withdrawn_victim_is_gone_from_the_admin(client, operator, victim):
    services.withdraw_consent(None, victim)
    assert (
        f"victim {victim.pk}"
        not in client.get(reverse("admin:victims_victim_changelist")).content.decode()
    )
    assert client.get(reverse("admin:victims_victim_change", args=[victim.pk])).status_code == 404
